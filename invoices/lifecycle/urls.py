from django.urls import path, register_converter

from invoices.lifecycle import views, views_payment


class _ListFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class _HistoryFormat(_ListFormat):
    regex = "csv|json"


register_converter(_ListFormat, "listfmt")
register_converter(_HistoryFormat, "historyfmt")

urlpatterns = [
    path("recues/", views.received_list, name="received"),
    path("recues/export.<listfmt:fmt>", views.list_export, {"direction": "received"}, name="received_export"),
    path("recues/actions/", views.bulk_status, name="bulk_status"),
    path("envoyees/", views.sent_list, name="sent"),
    path("envoyees/export.<listfmt:fmt>", views.list_export, {"direction": "sent"}, name="sent_export"),
    path("tableau-de-bord/<uuid:structure_uuid>/", views.structure_dashboard, name="structure_dashboard"),
    path("<uuid:uuid>/", views.invoice_detail, name="invoice"),
    path("<uuid:uuid>/original/", views.invoice_original, name="invoice_original"),
    path("<uuid:uuid>/rendu.pdf", views.invoice_rendering, name="invoice_rendering"),
    path("<uuid:uuid>/pieces/<uuid:file_uuid>/", views.invoice_attachment, name="invoice_attachment"),
    path("<uuid:uuid>/statut/", views.invoice_status, name="invoice_status"),
    path("<uuid:uuid>/recycler/", views.invoice_recycle, name="invoice_recycle"),
    path("<uuid:uuid>/completer/", views.invoice_complete, name="invoice_complete"),
    path("<uuid:uuid>/accuser-reception/", views.invoice_acknowledge, name="invoice_acknowledge"),
    path("<uuid:uuid>/historique.<historyfmt:fmt>", views.invoice_history_export, name="invoice_history"),
    path("<uuid:uuid>/rejeter-mandat/", views_payment.invoice_reject_mandat, name="invoice_reject_mandat"),
    path("comptable/", views_payment.accountant_workspace, name="accountant"),
    path("retards/<uuid:structure_uuid>/", views_payment.late_payment_report, name="late_payments"),
    path(
        "retards/<uuid:structure_uuid>/export.<listfmt:fmt>",
        views_payment.late_payment_export,
        name="late_payments_export",
    ),
]
