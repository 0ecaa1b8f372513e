"""The directory of recipients under /comptes/annuaire/."""

from django.urls import path

from accounts import views_directory as views

urlpatterns = [
    path("annuaire/", views.directory, name="directory"),
    path("annuaire/<uuid:structure>/", views.directory_detail, name="directory_detail"),
]
