"""Recording a deposit's accepted invoices: each with its first history rows, counters and attachments, the
invoices of one deposit together in a few statements, and the number's uniqueness per company decided under
a lock (`invoices.deposit.operations` for a synchronous deposit, `invoices.deposit.flows` for a flow)."""

import logging
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import DatabaseError, IntegrityError, connection, transaction

from accounts.identifiers import SIRET
from accounts.models import Structure
from invoices.deposit.document import Document
from invoices.deposit.routing import (
    company_duplicate_finding_for,
    company_duplicate_findings,
    duplicate_finding,
    locations_for,
    siren_applies,
)
from invoices.deposit.validation import deposit_finding
from invoices.formats.extract import single_line
from invoices.formats.findings import Finding
from invoices.lifecycle.operations import create_delivered, create_delivered_many
from invoices.models import Invoice, InvoiceAttachment

log = logging.getLogger(__name__)

_CENT = Decimal("0.01")
_AMOUNT_MAX = Decimal("1e17")  # Invoice amounts are DecimalField(max_digits=19, decimal_places=2)


def create_invoices(documents: list[Document], user) -> None:
    """The accepted invoices of a deposit with their attachments and history rows, together in one savepoint
    and a few statements whatever their number. Should that fail (a number taken by a concurrent deposit,
    which the table's constraint catches), each is tried again on its own (`create_invoice`), so that one
    invoice does not take the others down."""
    if len(documents) < 2:
        for document in documents:
            create_invoice(document, user)
        return
    try:
        with transaction.atomic():
            taken = _take_numbers(documents)
            pairs = zip(documents, taken, strict=True)
            fresh = [(document, _new_invoice(document, user)) for document, finding in pairs if not finding]
            create_delivered_many([invoice for _, invoice in fresh], actor=user)
            _attach_all(fresh, user)
    except DatabaseError:
        log.info("a deposit's %d invoices are recorded one by one after a database error", len(documents))
        for document in documents:
            create_invoice(document, user)
        return
    for document, finding in zip(documents, taken, strict=True):
        if finding is not None:
            document.routing.findings.append(finding)
    for document, invoice in fresh:
        document.invoice = invoice


def create_invoice(document: Document, user) -> None:
    """One invoice, its attachments and its first history rows, in a savepoint: all of them or none."""
    number, year = _number_of(document)
    try:
        with transaction.atomic():
            taken = _take_numbers([document])[0]
            if taken is not None:
                # Another establishment of the company has the number (deposited earlier, or concurrently: the
                # lock makes this check see it); routing's findings, where the rule's other findings go.
                document.routing.findings.append(taken)
                return
            invoice = create_delivered(_new_invoice(document, user), actor=user)
            _attach_all([(document, invoice)], user)
    except IntegrityError:
        if Invoice.objects.filter(supplier=document.routing.supplier, number=number, year=year).exists():
            # A concurrent deposit took the number between our check and our insert (the constraint decides).
            location = locations_for(document.result)["number"]
            document.findings.append(duplicate_finding(number, year, location))
            return
        log.exception("invoice %s of deposit file %s could not be recorded", number, document.name)
        document.findings.append(deposit_finding("CHORALE-RECORD-FAILED", document.name))
        return
    except DatabaseError:
        log.exception("invoice %s of deposit file %s could not be recorded", number, document.name)
        document.findings.append(deposit_finding("CHORALE-RECORD-FAILED", document.name))
        return
    document.invoice = invoice


def _number_of(document: Document) -> tuple[str, int]:
    extracted = document.result.invoice
    return extracted.number.strip(), extracted.issue_date.year


def _take_numbers(documents: list[Document]) -> list[Finding | None]:
    """Lock the invoices' numbers for their companies, then tell, under the lock, which another establishment
    of the company already used (`company_duplicate_findings`; None for the others)."""
    wanted = [(d.routing.supplier, *_number_of(d), locations_for(d.result)["number"]) for d in documents]
    _lock_company_numbers([(supplier, number, year) for supplier, number, year, _ in wanted])
    findings = company_duplicate_findings(wanted)
    # Within the deposit too: the first establishment to give the number keeps it, as one after the other.
    first: dict[tuple, str] = {}
    for index, (supplier, number, year, location) in enumerate(wanted):
        if findings[index] is not None or not siren_applies(supplier):
            continue
        earlier = first.setdefault((supplier.identifier[:9], number, year), supplier.identifier)
        if earlier != supplier.identifier:
            findings[index] = company_duplicate_finding_for(earlier, supplier, number, year, location)
    return findings


def _new_invoice(document: Document, user) -> Invoice:
    """The invoice row of an accepted file, from what was extracted and where routing sent it (unsaved)."""
    extracted, routing, result = document.result.invoice, document.routing, document.result
    supplier, recipient = routing.supplier, routing.recipient
    number, year = _number_of(document)
    return Invoice(
        number=number,
        year=year,
        type_code=(extracted.type_code or "380").strip()[:3],
        format=result.format,
        profile=(result.profile or "")[:32],
        supplier=supplier,
        recipient=recipient,
        service=routing.service,
        code_service=(extracted.service_code or "").strip(),
        engagement=(extracted.engagement or "").strip(),
        issue_date=extracted.issue_date,
        due_date=extracted.due_date if isinstance(extracted.due_date, date) else None,
        currency=(extracted.currency or "EUR").strip()[:3],
        seller_name=_cut(extracted.seller_name, 200) or supplier.name[:200],
        seller_siret=_cut(extracted.seller_siret, 14) or (supplier.siren and supplier.identifier),
        seller_vat=_cut(extracted.seller_vat, 20) or supplier.vat_number[:20],
        buyer_name=_cut(extracted.buyer_name, 200) or recipient.name[:200],
        buyer_identifier=recipient.identifier[:40],
        total_without_vat=_amount(extracted.total_without_vat),
        total_vat=_amount(extracted.total_vat),
        total_with_vat=_amount(extracted.total_with_vat),
        amount_due=_amount(extracted.amount_due),
        data=extracted.to_dict(),
        original=document.stored,
        deposited_by=user,
    )


def _attach_all(created: list[tuple[Document, Invoice]], user) -> None:
    InvoiceAttachment.objects.bulk_create(
        [
            InvoiceAttachment(invoice=invoice, stored_file=extra.stored, added_by=user)
            for document, invoice in created
            for extra in document.attachments
        ]
    )


def _lock_company_numbers(keys: list[tuple[Structure, str, int]]) -> None:
    """Hold, until the transaction ends, the companies' right to these numbers this year: two establishments
    of one SIREN depositing a number at the same moment are served one after the other, so the second sees
    the first's invoice (no table constraint spans establishments). One statement, the locks taken in a set
    order (no two deposits deadlock). SQLite serialises writers by itself."""
    if connection.vendor != "postgresql":
        return
    names = sorted(
        {
            f"chorale-invoice-number:{supplier.identifier[:9]}:{year}:{number}"
            for supplier, number, year in keys
            if supplier.id_type == SIRET
        }
    )
    if names:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(%s::text[]) AS k", [names]
            )


def _cut(value, length: int) -> str:
    return single_line(value)[:length]


def _amount(value) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value).quantize(_CENT, ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if abs(amount) < _AMOUNT_MAX else None
