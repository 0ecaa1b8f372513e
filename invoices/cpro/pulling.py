"""Pulling a structure's received invoices from Chorus Pro into Chorale, without losing or doubling any.

Two steps, each safe to run again at any point:
1. `find_new`: `rechercher/recipiendaire`, every page; each invoice found gets a `PulledInvoice` row (one per
   Chorus Pro id and structure: a unique constraint), written before anything is downloaded.
2. `deposit_due`: for each pending row, `telecharger/groupe` then Chorale's own deposit, with an idempotency
   key made of the row: an attempt cut short and made again finds the first deposit instead of a second.
   A deposit Chorale refuses (unknown service, invalid file…) leaves the row *refused* with the report, until
   a manager asks for another round; a failure to reach Chorus Pro leaves it pending, retried with backoff.
"""

import logging
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from accounts import identifiers, imported_suppliers, services
from invoices.cpro import mapping, values
from invoices.cpro.client import ChorusProClient, ChorusProError
from invoices.cpro.flux import deposit_pulled
from invoices.cpro.models import Connection, PulledInvoice
from invoices.formats import pdf
from invoices.formats.sniff import sniff
from invoices.models import Invoice

log = logging.getLogger(__name__)

MAX_PAGES = 1000
BATCH = 50  # invoices deposited per synchronisation; the rest wait for the next one
SINCE_MARGIN = timedelta(days=1)  # clocks and time zones differ: look back a little further each time
CLAIM = timedelta(minutes=10)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: the base delay, doubled at each failure, capped."""
    base, cap = settings.CHORALE_CPRO_RETRY_SECONDS, settings.CHORALE_CPRO_RETRY_MAX_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def find_new(connection: Connection, client: ChorusProClient) -> int:
    """Record every invoice made available to the structure since the last complete search (how many new)."""
    started = timezone.now()
    since = connection.pulled_since - SINCE_MARGIN if connection.pulled_since else None
    created, page = 0, 1
    while page <= MAX_PAGES:
        answer = client.search_received(page=page, since=since)
        rows = [r for r in answer.get("listeFactures") or [] if isinstance(r, dict)]
        created += _record(connection, rows)
        if values.read_int(answer.get("pageCourante")) is None or answer["pageCourante"] >= answer["pages"]:
            break
        page += 1
    Connection.objects.filter(pk=connection.pk).update(pulled_since=started)
    connection.pulled_since = started
    return created


def _record(connection: Connection, rows: list[dict]) -> int:
    known = set(
        PulledInvoice.objects.filter(
            structure=connection.structure_id,
            origin_id__in=[values.read_int(r.get("idFacture")) for r in rows],
        ).values_list("origin_id", flat=True)
    )
    fresh = []
    for row in rows:
        origin = values.read_int(row.get("idFacture"))
        if origin is None or origin in known:
            continue
        known.add(origin)
        fresh.append(
            PulledInvoice(
                connection=connection,
                structure_id=connection.structure_id,
                origin_id=origin,
                number=str(row.get("numeroFacture") or "")[:100],
                supplier_code=str(row.get("codeFournisseur") or "")[:40],
                supplier_name=str(row.get("designationFournisseur") or "")[:200],
                record=row,
            )
        )
    # A concurrent pull may have recorded some of them meanwhile: the constraint keeps one row each.
    PulledInvoice.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def deposit_due(connection: Connection, client: ChorusProClient) -> list[str]:
    """Download and deposit the pending invoices that are due; the errors met, for the connection's page."""
    now = timezone.now()
    errors = []
    due = connection.pulled.filter(state=PulledInvoice.State.PENDING, next_attempt_at__lte=now).order_by(
        "created_at", "pk"
    )
    for item in list(due[:BATCH]):
        if not _claim(item, now):
            continue
        try:
            data = client.download(item.origin_id)
        except ChorusProError as error:
            _failed(item, str(error))
            errors.append(f"{item.number or item.origin_id} : {error}")
            continue
        deposit_one(connection, item, data)
    return errors


def _claim(item: PulledInvoice, now) -> bool:
    """Take the row for this worker (0 rows updated: another one took it)."""
    taken = PulledInvoice.objects.filter(
        pk=item.pk,
        state=PulledInvoice.State.PENDING,
        next_attempt_at=item.next_attempt_at,
        next_attempt_at__lte=now,
    ).update(next_attempt_at=now + CLAIM, attempts=F("attempts") + 1)
    item.refresh_from_db()
    return bool(taken)


def _failed(item: PulledInvoice, error: str) -> None:
    PulledInvoice.objects.filter(pk=item.pk).update(
        next_attempt_at=timezone.now() + retry_delay(item.attempts), last_error=error[:2000]
    )


def deposit_one(connection: Connection, item: PulledInvoice, data: bytes) -> PulledInvoice:
    """Deposit the downloaded file through Chorale's deposit, on the supplier's behalf, to this structure."""
    try:
        supplier = _supplier(item)
    except services.StructureError as error:
        return _refused(item, error.message)
    kind = sniff(data)
    name = f"chorus-pro-{item.origin_id}.{kind if kind in ('pdf', 'xml') else 'bin'}"
    # No transaction around it: the deposit validates first, then commits on its own. Cut short after it,
    # the next attempt's identical key finds this deposit instead of making a second one.
    deposit = deposit_pulled(
        connection.account,
        data=data,
        name=name,
        supplier=supplier,
        recipient=connection.structure,
        form=_plain_pdf_form(item.record) if kind == "pdf" and not _has_invoice_xml(data) else None,
        key=f"chorus-pro:{connection.structure_id}:{item.origin_id}:{item.rounds}",
    )
    accepted = [d for d in deposit.report.get("documents", []) if d.get("invoice")]
    if not accepted:
        return _refused(item, _refusal(deposit), deposit=deposit)
    invoice = Invoice.objects.get(uuid=accepted[0]["invoice"])
    PulledInvoice.objects.filter(pk=item.pk).update(
        state=PulledInvoice.State.DONE, deposit=deposit, invoice=invoice, last_error=""
    )
    item.refresh_from_db()
    log.info("Chorus Pro invoice %s pulled as invoice %s", item.origin_id, item.invoice_id)
    return item


def _refused(item: PulledInvoice, error: str, *, deposit=None) -> PulledInvoice:
    PulledInvoice.objects.filter(pk=item.pk).update(
        state=PulledInvoice.State.REFUSED, last_error=error[:2000], deposit=deposit
    )
    item.refresh_from_db()
    log.warning("Chorus Pro invoice %s refused by Chorale: %s", item.origin_id, error[:200])
    return item


def _refusal(deposit) -> str:
    messages = [
        f"{f['rule']} : {f['message']}"
        for d in deposit.report.get("documents", [])
        for f in d.get("findings", [])
        if f.get("severity") == "error"
    ] + [f"{f['rule']} : {f['message']}" for f in deposit.report.get("findings", [])]
    return " ; ".join(messages[:5]) or deposit.status


def _supplier(item: PulledInvoice):
    id_type = mapping.CHORALE_ID_TYPES.get(
        str(item.record.get("typeIdentifiantFournisseur") or "SIRET").upper(), identifiers.SIRET
    )
    return imported_suppliers.supplier_for_import(
        id_type,
        item.supplier_code,
        item.supplier_name,
        support_email=settings.CHORALE_CPRO_SUPPORT_EMAIL,
    )


def _has_invoice_xml(data: bytes) -> bool:
    try:
        content = pdf.read(data, max_bytes=settings.CHORALE_MAX_FILE_BYTES)
    except (pdf.PdfUnreadable, pdf.PdfEncrypted):
        return False
    return any(name.lower() in pdf.INVOICE_XML_NAMES for name in content.attachment_names)


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _plain_pdf_form(record: dict) -> dict:
    """A PDF without structured data has its data in Chorus Pro's record: a plain-PDF deposit's form."""
    without, total = _decimal(record.get("montantHT")), _decimal(record.get("montantTTC"))
    return {
        "recipient_siret": str(record.get("codeDestinataire") or ""),
        "service_code": str(record.get("codeServiceExecutant") or ""),
        "engagement": str(record.get("numeroBonCommande") or ""),
        "number": str(record.get("numeroFacture") or ""),
        "type_code": "381" if str(record.get("typeFacture") or "").upper() == "AVOIR" else "380",
        "issue_date": values.read_day(record.get("dateFacture")),
        "currency": str(record.get("devise") or "EUR")[:3],
        "total_without_vat": without,
        "total_vat": total - without if None not in (total, without) else None,
        "total_with_vat": total,
    }
