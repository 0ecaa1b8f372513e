"""The connector's pages under /factures/chorus-pro/ (namespace `cpro`)."""

from django.urls import path

from invoices.cpro import views

urlpatterns = [
    path("<uuid:structure>/", views.connection, name="connection"),
    path("<uuid:structure>/identifiants/", views.credentials, name="credentials"),
    path("<uuid:structure>/synchroniser/", views.sync_now, name="sync"),
    path("<uuid:structure>/activation/", views.toggle, name="toggle"),
    path("<uuid:structure>/factures/<uuid:item>/relancer/", views.retry_pulled, name="retry_pulled"),
    path("<uuid:structure>/statuts/<uuid:push>/relancer/", views.retry_push, name="retry_push"),
]
