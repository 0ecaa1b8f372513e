"""Invoice routes under /api/v1/: invoices (lifecycle, this module's views), deposits, PES exports."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from invoices.api import views
from invoices.api.deposit import deposit_urlpatterns

# `…/original` and `…/status` are documented without a trailing slash; both spellings are served.
router = SimpleRouter()
router.trailing_slash = "/?"
router.register("invoices", views.InvoiceViewSet, basename="invoice")


urlpatterns = [
    *deposit_urlpatterns,
    *router.urls,
    path("", include("invoices.api.pes")),
]
