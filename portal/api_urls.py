"""Every API route under /api/v1/, gathered from the apps and their capabilities."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("invoices.deposit.api")),
    path("", include("invoices.lifecycle.api_payment")),
    path("", include("invoices.deposit.api_flows")),
    path("", include("invoices.lifecycle.api")),
    path("", include("invoices.pes.api")),
    path("", include("invoices.pes.api_acknowledgements")),
]
