"""The late-payment report of one structure: its invoices past their délai and what each owes the supplier.

Listed: invoices still running past their due date (interest counted to today) and invoices paid late
(counted to the payment). The same rows feed the page, its CSV and XLSX exports and the API.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts import access
from invoices.lifecycle import queries
from invoices.lifecycle.clock import (
    CLOCK_RUNNING,
    CLOCK_STOPPED,
    REOPENED_PERIOD_DAYS,
    PaymentClock,
    payment_clock,
)
from invoices.lifecycle.exports import _csv_value, _xlsx_cell
from invoices.lifecycle.interest import RateTable
from invoices.models import Invoice, InvoiceStatus

# No délai is shorter than this (R. 2192-10; a reopened period is 30 days at least, R. 2192-29): an invoice
# delivered more recently cannot be late, and the database leaves it out before any clock is computed.
SHORTEST_PERIOD_DAYS = REOPENED_PERIOD_DAYS


@dataclass(frozen=True)
class LateInvoice:
    invoice: Invoice
    clock: PaymentClock

    @property
    def penalty(self):
        return self.clock.penalty


def late_invoices(invoices: QuerySet[Invoice], *, today: date | None = None) -> list[LateInvoice]:
    """The late ones among `invoices` (already tenant-scoped), longest overdue first."""
    today = today or timezone.localdate()
    horizon = timezone.make_aware(datetime.combine(today - timedelta(days=SHORTEST_PERIOD_DAYS), time.min))
    candidates = invoices.filter(
        status__in=[*CLOCK_RUNNING, *CLOCK_STOPPED], delivered_at__isnull=False, delivered_at__lt=horizon
    ).select_related("supplier", "recipient")
    rates = RateTable.load()
    rows = []
    for invoice in candidates.iterator(chunk_size=500):
        clock = payment_clock(invoice, today=today, rates=rates)
        if clock.late:
            rows.append(LateInvoice(invoice, clock))
    rows.sort(key=lambda row: (-row.clock.days_late, row.invoice.number))
    return rows


def totals(rows: list[LateInvoice]) -> dict:
    interest = sum((r.penalty.interest for r in rows if r.penalty and r.penalty.interest), Decimal("0.00"))
    indemnity = sum((r.penalty.indemnity for r in rows if r.penalty), Decimal("0.00"))
    missing = sorted({r.penalty.missing_semester for r in rows if r.penalty and r.penalty.missing_semester})
    return {
        "count": len(rows),
        "interest": interest,
        "indemnity": indemnity,
        "total": interest + indemnity,
        "missing_semesters": missing,
    }


def as_record(row: LateInvoice) -> dict:
    """One row as the API and the exports give it."""
    invoice, clock, penalty = row.invoice, row.clock, row.penalty
    return {
        "id": str(invoice.uuid),
        "number": invoice.number,
        "supplier": invoice.seller_name or invoice.supplier.name,
        "supplier_siret": invoice.seller_siret or invoice.supplier.identifier,
        "status": invoice.status,
        "amount_due": invoice.amount_due if invoice.amount_due is not None else invoice.total_with_vat,
        "clock_state": clock.state,
        "started_on": clock.started_on,
        "period_days": clock.period_days,
        "due_on": clock.due_on,
        "days_late": clock.days_late,
        "interest_from": penalty.interest_from if penalty else None,
        "ecb_rate": penalty.ecb_rate if penalty else None,
        "interest_rate": penalty.rate if penalty else None,
        "interest": penalty.interest if penalty else None,
        "indemnity": penalty.indemnity if penalty else None,
        "missing_rate_semester": penalty.missing_semester if penalty else None,
    }


def _columns():
    return [
        (_("Numéro"), "number"),
        (_("Fournisseur"), "supplier"),
        (_("SIRET fournisseur"), "supplier_siret"),
        (_("Statut"), "status"),
        (_("Net à payer"), "amount_due"),
        (_("Délai (jours)"), "period_days"),
        (_("Départ du délai"), "started_on"),
        (_("Échéance"), "due_on"),
        (_("Jours de retard"), "days_late"),
        (_("Intérêts dus à partir du"), "interest_from"),
        (_("Taux BCE (%)"), "ecb_rate"),
        (_("Taux des intérêts moratoires (%)"), "interest_rate"),
        (_("Intérêts moratoires"), "interest"),
        (_("Indemnité forfaitaire"), "indemnity"),
        (_("Taux BCE manquant pour le semestre du"), "missing_rate_semester"),
        (_("Identifiant Chorale"), "id"),
    ]


def _table(rows: list[LateInvoice]):
    columns = _columns()
    yield [title for title, _key in columns]
    for row in rows:
        record = as_record(row)
        record["status"] = str(InvoiceStatus(record["status"]).label)
        yield [record[key] for _title, key in columns]


def report_csv(rows: list[LateInvoice]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for values in _table(rows):
        writer.writerow([_csv_value(v) for v in values])
    return "\ufeff" + buffer.getvalue()


def report_xlsx(rows: list[LateInvoice]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Retards de paiement"))
    for values in _table(rows):
        sheet.append([_xlsx_cell(sheet, value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def structure_for_report(user, structure_uuid):
    """The structure and the invoices of it the user may see in its late-payment report; 404 otherwise.

    Its accountants (triage right, within their services) and its public accountant see the report; any
    other member, and anyone outside, gets 404: the report shows amounts and suppliers.
    """
    membership = access.active_memberships(user).filter(structure__uuid=structure_uuid).first()
    if membership is None or not membership.structure.is_public:
        raise Http404("No such structure")
    structure = membership.structure
    if access.membership_has_right(membership, access.TRIAGE):
        return structure, queries.received_invoices_for(user).filter(recipient=structure)
    if access.membership_has_right(membership, access.PUBLIC_ACCOUNTANT):
        return structure, queries.accountant_invoices_for(user).filter(recipient=structure)
    raise Http404("No such structure")
