"""Exports: the current invoice list (CSV, XLSX) and one invoice's history in the XP Z12-012 vocabulary.

The lists are read from the database as plain rows (`values_list`: the columns exported, never the extracted
data nor model instances) through one streamed cursor, so an accountant can export years of invoices with
flat memory: the CSV goes out as it is read, the XLSX is written to a temporary file, then streamed. The CSV
is semicolon-separated with a BOM, which is what a French spreadsheet opens correctly.
"""

import csv
import io
import json
import tempfile
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from invoices.lifecycle import reasons
from invoices.lifecycle.clock import payment_clock
from invoices.lifecycle.interest import RateTable
from invoices.lifecycle.transitions import lifecycle_code
from invoices.models import Invoice, InvoiceStatus

CHUNK = 2000


# The columns read for the lists; a row is seen by the column getters as an object with these attributes.
ROW_FIELDS = (
    "number",
    "type_code",
    "seller_name",
    "supplier__name",
    "seller_siret",
    "supplier__identifier",
    "recipient__name",
    "recipient__identifier",
    "code_service",
    "engagement",
    "issue_date",
    "due_date",
    "created_at",
    "total_without_vat",
    "total_vat",
    "total_with_vat",
    "currency",
    "status",
    "status_changed_at",
    "delivered_at",
    "mandat_exercice",
    "mandat_bordereau",
    "mandat_numero",
    "format",
    "uuid",
    "amount_due",
    "service_done_on",
    "clock_period_days",
    "recipient__payment_category",
    "recipient__gestion_mise_en_paiement",
)


def _columns(rates=None):
    rates = rates or RateTable.load()
    return [
        (_("Numéro"), lambda i: i.number),
        (_("Type"), lambda i: i.type_code),
        (_("Fournisseur"), lambda i: i.seller_name or i.supplier__name),
        (_("SIRET fournisseur"), lambda i: i.seller_siret or i.supplier__identifier),
        (_("Destinataire"), lambda i: i.recipient__name),
        (_("Identifiant destinataire"), lambda i: i.recipient__identifier),
        (_("Code service"), lambda i: i.code_service),
        (_("N° d'engagement"), lambda i: i.engagement),
        (_("Date d'émission"), lambda i: i.issue_date),
        (_("Date d'échéance"), lambda i: i.due_date),
        (_("Déposée le"), lambda i: timezone.localtime(i.created_at).replace(tzinfo=None)),
        (_("Montant HT"), lambda i: i.total_without_vat),
        (_("TVA"), lambda i: i.total_vat),
        (_("Montant TTC"), lambda i: i.total_with_vat),
        (_("Devise"), lambda i: i.currency),
        (_("Statut"), lambda i: str(InvoiceStatus(i.status).label)),
        (_("Code cycle de vie"), lambda i: lifecycle_code(i.status).code),
        (_("Statut depuis le"), lambda i: timezone.localtime(i.status_changed_at).replace(tzinfo=None)),
        (_("Jours depuis la réception"), lambda i: payment_clock(i, rates=rates).days_elapsed),
        (_("Exercice du mandat"), lambda i: i.mandat_exercice),
        (_("N° de bordereau"), lambda i: i.mandat_bordereau),
        (_("N° de mandat"), lambda i: i.mandat_numero),
        (_("Format"), lambda i: i.format),
        (_("Identifiant Chorale"), lambda i: str(i.uuid)),
    ]


def _rows(queryset):
    columns = _columns()
    yield [title for title, _get in columns]
    for values in queryset.values_list(*ROW_FIELDS).iterator(chunk_size=CHUNK):
        row = SimpleNamespace(**dict(zip(ROW_FIELDS, values, strict=True)))
        # What the payment clock reads of the recipient: its délai category, its *mise en paiement* parameter.
        row.recipient = SimpleNamespace(
            payment_category=row.recipient__payment_category,
            gestion_mise_en_paiement=row.recipient__gestion_mise_en_paiement,
        )
        yield [get(row) for _title, get in columns]


class _Echo:
    def write(self, value):
        return value


# A cell starting with one of these is a formula to a spreadsheet: supplier-typed text (a seller name, an
# invoice number) must never run as one on an accountant's machine (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def list_csv_chunks(queryset):
    """The list as CSV text chunks (for a streaming response)."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    for row in _rows(queryset):
        yield writer.writerow([_csv_value(v) for v in row])


def _xlsx_cell(sheet, value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would otherwise write text starting with "=" as a formula
        return cell
    return value


def list_xlsx(queryset):
    """The list as an XLSX workbook in an anonymous temporary file, rewound (openpyxl's write-only mode keeps
    memory flat; a zip can only be sent once written). Closing the file deletes it."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Factures"))
    for row in _rows(queryset):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it once sent)
    workbook.save(handle)
    handle.seek(0)
    return handle


# --- One invoice's history ---------------------------------------------------------------------------


def history_records(invoice: Invoice) -> list[dict]:
    """The history rows in the lifecycle vocabulary: code and label of XP Z12-012 next to Chorale's status."""
    records = []
    for event in invoice.events.select_related("actor").order_by("at", "id"):
        code = lifecycle_code(event.to_status)
        previous = lifecycle_code(event.from_status).code if event.from_status else ""
        records.append(
            {
                "at": event.at.isoformat(),
                "status_code": code.code,
                "status_label": str(code.label),
                "mandatory": code.mandatory,
                "previous_status_code": previous,
                "chorale_status": event.to_status,
                "chorale_status_label": str(InvoiceStatus(event.to_status).label),
                "reason_code": event.reason,
                "reason_label": reasons.label(event.reason) if event.reason else "",
                "comment": event.comment,
                "actor": event.actor.email if event.actor else "",
                "data": event.data or {},
            }
        )
    return records


def history_json(invoice: Invoice) -> str:
    document = {
        "vocabulary": "AFNOR XP Z12-012",
        "invoice": {
            "id": str(invoice.uuid),
            "number": invoice.number,
            "year": invoice.year,
            "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
            "supplier": invoice.supplier.identifier,
            "recipient": invoice.recipient.identifier,
            "status": invoice.status,
            "status_code": lifecycle_code(invoice.status).code,
        },
        "events": history_records(invoice),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


HISTORY_CSV_FIELDS = (
    "invoice_number",
    "supplier",
    "recipient",
    "at",
    "status_code",
    "status_label",
    "mandatory",
    "previous_status_code",
    "chorale_status",
    "reason_code",
    "reason_label",
    "comment",
    "actor",
)


def history_csv(invoice: Invoice) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HISTORY_CSV_FIELDS, delimiter=";", extrasaction="ignore")
    writer.writeheader()
    for record in history_records(invoice):
        writer.writerow(
            {
                **record,
                "invoice_number": invoice.number,
                "supplier": invoice.supplier.identifier,
                "recipient": invoice.recipient.identifier,
                "mandatory": "oui" if record["mandatory"] else "non",
            }
        )
    return "\ufeff" + buffer.getvalue()
