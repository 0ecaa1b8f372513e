"""Every API route under /api/v1/, gathered from the apps."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("invoices.api.urls")),
]
