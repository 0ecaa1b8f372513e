from django.urls import include, path

app_name = "invoices"

urlpatterns = [
    path("", include("invoices.urls_deposit")),
    path("", include("invoices.urls_workspace")),
    path("pes/", include("invoices.urls_pes")),
]
