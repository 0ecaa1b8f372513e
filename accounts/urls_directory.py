"""The directory of recipients under /comptes/annuaire/: public information, not a tenant's pages."""

from django.urls import path

from accounts import views_directory as views

urlpatterns = [
    path("annuaire/", views.directory, name="directory"),
    path("annuaire/<uuid:entity>/", views.directory_detail, name="directory_detail"),
]
