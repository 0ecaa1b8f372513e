from django.urls import path

from invoices.storage import views

urlpatterns = [
    path("archives/", views.archives, name="archives"),
    path("archives/<uuid:structure_uuid>/<int:year>.zip", views.archive_download, name="archive_download"),
]
