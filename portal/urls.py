from django.conf import settings
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from invoices.cpro.api.oauth import TokenView
from invoices.lifecycle import views as lifecycle_views

# The invoice pages, one URL module per capability, under one namespace.
invoice_urlpatterns = [
    path("", include("invoices.deposit.urls")),
    path("", include("invoices.lifecycle.urls")),
    path("pes/", include("invoices.pes.urls")),
    path("", include("invoices.storage.urls")),
]


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to our own icon (resolved per request:
    in production the static name carries its hash, known once collectstatic has run)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("", lifecycle_views.dashboard, name="dashboard"),
    path("comptes/", include("accounts.urls")),
    path("factures/", include((invoice_urlpatterns, "invoices"))),
    path("api/v1/", include("portal.api_urls")),
    # The Chorus Pro-compatible API: connectors change only their base URL (invoices/cpro).
    path("api/oauth/token", TokenView.as_view(), name="cpro-oauth-token"),
    path("cpro/", include("invoices.cpro.api.urls")),
    path("factures/chorus-pro/", include(("invoices.cpro.urls", "cpro"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
]

admin.site.site_header = "Chorale — support"
admin.site.site_title = "Chorale"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

handler400 = "portal.error_views.bad_request"
handler403 = "portal.error_views.permission_denied"
handler404 = "portal.error_views.page_not_found"
handler500 = "portal.error_views.server_error"
