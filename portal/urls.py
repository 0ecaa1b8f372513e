from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from invoices.lifecycle import views as lifecycle_views

# The invoice pages, one URL module per capability, under one namespace.
invoice_urlpatterns = [
    path("", include("invoices.deposit.urls")),
    path("", include("invoices.lifecycle.urls")),
    path("pes/", include("invoices.pes.urls")),
    path("", include("invoices.storage.urls")),
]

urlpatterns = [
    path("", lifecycle_views.dashboard, name="dashboard"),
    path("comptes/", include("accounts.urls")),
    path("factures/", include((invoice_urlpatterns, "invoices"))),
    path("api/v1/", include("portal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
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
