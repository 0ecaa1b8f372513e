"""Depositing invoices: read, validate, route, keep the originals, and create the accepted invoices.

A deposit (Chorus Pro's *flux*) is one or several files; each invoice in it is integrated or refused on its
own, and the deposit is integrated wholly, partly or refused. Every deposit is recorded with its report.

The expensive part (reading and validating, on every worker of the validation pool at once) runs before any
write, outside any transaction. The writes then run in one transaction: the originals, the accepted invoices
with their attachments and first history rows inside a savepoint (`invoices.deposit.recording`: an invoice
and everything it owns exist together or not at all, and one failing invoice does not take the others down),
then the deposit with its report.
"""

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts import access
from accounts.models import Structure
from invoices.deposit import quota
from invoices.deposit.document import Document
from invoices.deposit.recording import create_invoices
from invoices.deposit.report import build_report, document_row
from invoices.deposit.routing import (
    RoutingContext,
    check_company_duplicate,
    check_duplicate,
    locations_for,
    route,
)
from invoices.deposit.validation import (
    Limits,
    Size,
    check_attachment,
    check_filename,
    deposit_finding,
    expand_zip,
    is_zip,
    promote_ctc,
    read_bounded,
    validation_config,
)
from invoices.deposit.validation_pool import get_pool, validate_bounded
from invoices.formats.extract import single_line
from invoices.formats.findings import Finding
from invoices.formats.model import ExtractedInvoice, ValidationResult
from invoices.models import Deposit, DepositDocument, DepositStatus, StoredFile
from invoices.storage import files_removed_on_failure, sha256_of, store_files

log = logging.getLogger(__name__)

T = TypeVar("T")
IDEMPOTENCY_KEY_MAX = 200


class DepositError(Exception):
    """A deposit that cannot even be attempted (as opposed to one refused with a report)."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message_en)
        self.finding = finding


class OversizedUpload:
    """Stands for a file the upload handler stopped reading past the per-file limit (its bytes are gone)."""

    def __init__(self, name: str):
        self.name = name
        self.size = None


def deposit_files(
    user,
    files,
    *,
    supplier=None,
    attachments=(),
    routing_form: dict | None = None,
    channel: str = Deposit.Channel.WEB,
    idempotency_key: str = "",
    archives: bool = True,
    routing_context: RoutingContext | None = None,
) -> Deposit:
    """Deposit invoice files (Factur-X, CII, UBL, plain PDF with `routing_form`, or ZIPs of them).

    `files` and `attachments` are uploaded files (anything with `.name`, `.size` and `.read()`/`.chunks()`),
    or OversizedUpload stand-ins; with `archives=False` a ZIP is refused instead of opened (the API takes one
    invoice per call). `routing_context` replaces the depositor's own one (who may deposit for which supplier,
    to which recipients) for a deposit made on another platform's behalf (the Chorus Pro connector).
    Returns the recorded Deposit, integrated wholly, partly or refused; with
    an idempotency key already used by this user, returns that first deposit instead, with `replayed` set.
    """
    key = (idempotency_key or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise DepositError(
            deposit_finding(
                "CHORALE-IDEMPOTENCY-KEY", "Idempotency-Key", length=len(key), limit=IDEMPOTENCY_KEY_MAX
            )
        )
    if key:
        first = deposit_for_key(user, key)
        if first is not None:
            return first
    limits = Limits.from_settings()
    context = routing_context or RoutingContext(user, supplier=supplier)
    documents = _read_files(files, limits, archives=archives)
    extras = [_read_attachment(upload, limits) for upload in attachments]
    invoices = [d for d in documents if d.kind == "invoice"]
    deposit_findings = []
    if not documents:
        deposit_findings.append(deposit_finding("CHORALE-DEPOSIT-EMPTY", "files"))

    def meanwhile() -> tuple[list[Structure], dict]:
        # What needs no validation result, read while the workers validate: the depositor's structures
        # (routing's first question) and the originals already kept.
        return context.depositable, _known_files(documents + extras)

    form = routing_form if routing_form and len(invoices) == 1 else None
    depositable, known = _validate_all(invoices, validation_config(), form, context, meanwhile)

    if extras:
        if len(invoices) == 1:
            _attach(invoices[0], extras, limits)
        else:
            deposit_findings.append(deposit_finding("CHORALE-ATTACHMENTS-ONE-INVOICE", "attachments"))
            for document in invoices:
                document.findings.append(deposit_finding("CHORALE-ATTACHMENTS-ONE-INVOICE", "attachments"))
    _mark_duplicates_within(invoices)
    for document in invoices:
        # An invoice about to be inserted is checked under the number's lock (`_create_invoice`), where the
        # unique constraint also decides; the others are told now.
        if document.routing is not None and not document.acceptable:
            check_duplicate(document.result, document.routing)
            check_company_duplicate(document.result, document.routing)
    _mark_already_deposited(user, documents, known)

    # A refused deposit whose files name no supplier still belongs to the depositor's structure when there is
    # only one: the list then says whose deposit it was instead of a dash.
    owner = supplier or (depositable[0] if len(depositable) == 1 else None)
    deposit = _record(
        user, key, channel, owner, documents, extras, deposit_findings, limits, known, chosen=supplier
    )
    log.info(
        "deposit %s by user %s: %s (%d invoice file(s), %d integrated)",
        deposit.uuid,
        user.pk,
        deposit.status,
        len(invoices),
        sum(1 for d in invoices if d.invoice is not None),
    )
    return deposit


def deposit_for_key(user, key: str) -> Deposit | None:
    """The deposit this user already made with this idempotency key, marked as replayed."""
    first = Deposit.objects.filter(created_by=user, idempotency_key=key).first()
    if first is not None:
        first.replayed = True
    return first


def _read_files(files, limits: Limits, *, archives: bool) -> list[Document]:
    documents = []
    for upload in files:
        document = _read(upload, limits)
        documents.append(document)
        if document.data is None or not is_zip(document.data) or document.findings:
            continue
        if not archives:
            document.findings.append(deposit_finding("CHORALE-ZIP-ONE-INVOICE", document.name))
            continue
        document.kind = "zip"
        members, findings = expand_zip(document.name, document.data, limits)
        document.findings += findings
        for member in members:
            documents.append(
                Document(
                    name=member.name, data=member.data, container=document.name, findings=member.findings
                )
            )
    return documents


def _read(upload, limits: Limits, kind: str = "invoice") -> Document:
    """The upload's bytes, read only when its size is within the per-file limit."""
    name = _basename(getattr(upload, "name", "") or "fichier")
    document = Document(name=name, kind=kind)
    document.findings += check_filename(name, limits)
    size = getattr(upload, "size", None)
    too_large = deposit_finding("CHORALE-FILE-TOO-LARGE", name, name=name, limit=Size(limits.max_file_bytes))
    if isinstance(upload, OversizedUpload) or (size is not None and size > limits.max_file_bytes):
        document.findings.append(too_large)
        return document
    data = read_bounded(upload, limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:
        document.findings.append(too_large)
        return document
    document.data = data
    document.sha256 = sha256_of(data)
    return document


def _read_attachment(upload, limits: Limits) -> Document:
    document = _read(upload, limits, kind="attachment")
    if document.data is not None:
        document.findings += check_attachment(document.name, document.data)
    return document


def _basename(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "fichier"


def _validate_all(
    invoices: list[Document], config, form: dict | None, context: RoutingContext, meanwhile: Callable[[], T]
) -> T:
    """`_validate` on every readable invoice file, their validations spread over the pool's workers; returns
    what `meanwhile` returns, which this thread runs while the first validations are under way.

    Threads only wait for the workers (the validation runs in their processes); the routing, which reads the
    database, stays in this thread, file after file as their results come in: a deposit of many invoices
    keeps every worker busy while this process routes those already validated.
    """
    todo = [d for d in invoices if d.data is not None and not any(f.is_error for f in d.findings)]
    if not todo:
        return meanwhile()
    executor = ThreadPoolExecutor(min(len(todo), get_pool().size), thread_name_prefix="deposit-validation")
    try:
        checks = [executor.submit(_check, document, config) for document in todo]
        done = meanwhile()
        for document, check in zip(todo, checks, strict=True):
            result = check.result()
            if result is not None:
                _route(document, result, form, context)
    finally:
        executor.shutdown(cancel_futures=True)
    return done


def _validate(document: Document, config, form: dict | None, context: RoutingContext) -> None:
    """Every validation layer on one invoice file, then the routing rules on what it says."""
    result = _check(document, config)
    if result is not None:
        _route(document, result, form, context)


def _check(document: Document, config) -> ValidationResult | None:
    """The file's validation in a pool worker; None (and the file refused) when it crashed there."""
    try:
        return validate_bounded(document.data, filename=document.name, config=config, allow_plain_pdf=True)
    except Exception:  # a reader bug must refuse one file with a message, never fail the whole deposit
        log.exception("validation crashed on deposit file %s", document.name)
        failed = deposit_finding("CHORALE-VALIDATION-FAILED", document.name, name=document.name)
        document.findings.append(failed)
        return None


def _route(document: Document, result: ValidationResult, form: dict | None, context: RoutingContext) -> None:
    document.result = result
    plain = result.format == "pdf" and result.has_text is not None
    if plain:
        if form is None:
            document.findings.append(deposit_finding("CHORALE-PDF-FORM-REQUIRED", document.name))
            return
        result.invoice = invoice_from_form(form)
    elif form is not None and result.format != "unknown":
        document.findings.append(deposit_finding("CHORALE-FORM-IGNORED", "", "warning"))
    if result.invoice is None:
        return
    document.routing = route(result, context, duplicates=False)
    result.findings = promote_ctc(result.findings, document.routing.recipient)


def invoice_from_form(form: dict) -> ExtractedInvoice:
    """The invoice data a supplier typed in for a plain PDF (Chorus Pro's deposit with data entry)."""
    total = form.get("total_with_vat")
    return ExtractedInvoice(
        number=single_line(form.get("number")) or None,
        type_code=form.get("type_code") or "380",
        issue_date=form.get("issue_date"),
        due_date=form.get("due_date"),
        currency=form.get("currency") or "EUR",
        buyer_siret=single_line(form.get("recipient_siret")) or None,
        service_code=single_line(form.get("service_code")) or None,
        engagement=single_line(form.get("engagement")) or None,
        preceding_invoice=single_line(form.get("preceding_invoice")) or None,
        total_without_vat=form.get("total_without_vat"),
        total_vat=form.get("total_vat"),
        total_with_vat=total,
        amount_due=total,
    )


def _attach(document: Document, extras: list[Document], limits: Limits) -> None:
    document.attachments = extras
    for extra in extras:
        if any(f.is_error for f in extra.findings):
            document.findings.append(
                deposit_finding("CHORALE-ATTACHMENT-REFUSED", extra.name, name=extra.name)
            )
    total = document.size + sum(extra.size for extra in extras)
    if total > limits.max_invoice_bytes:
        document.findings.append(
            deposit_finding(
                "CHORALE-INVOICE-TOO-LARGE",
                "attachments",
                size=Size(total),
                limit=Size(limits.max_invoice_bytes),
            )
        )


def _mark_duplicates_within(invoices: list[Document]) -> None:
    """Two files of one deposit with the same supplier, number and year: the second is a duplicate."""
    seen: dict[tuple, str] = {}
    for document in invoices:
        if not document.acceptable:
            continue
        extracted = document.result.invoice
        key = (document.routing.supplier.pk, extracted.number.strip(), extracted.issue_date.year)
        if key in seen:
            location = locations_for(document.result)["number"]
            document.findings.append(
                deposit_finding("CHORALE-DUPLICATE-IN-DEPOSIT", location, number=key[1], other=seen[key])
            )
        else:
            seen[key] = document.name


def _known_files(documents: list[Document]) -> dict:
    """The originals already kept, by (sha256, size), for every file of the deposit: one query."""
    digests = {d.sha256 for d in documents if d.sha256}
    if not digests:
        return {}
    return {(s.sha256, s.size): s for s in StoredFile.objects.filter(sha256__in=digests).order_by("-pk")}


def _mark_already_deposited(user, documents: list[Document], known: dict) -> None:
    """Tell the user when a file was deposited before (by them or their structures).

    Only files already kept can have been deposited, so a new file costs no query here.
    """
    stored = {known[(d.sha256, d.size)].pk for d in documents if (d.sha256, d.size) in known}
    if not stored:
        return
    mine = access.structures_with_right(user, access.DEPOSIT).values("pk")
    earlier = (
        DepositDocument.objects.filter(stored_file_id__in=stored)
        .filter(Q(deposit__created_by=user) | Q(deposit__supplier__in=mine))
        .select_related("deposit", "stored_file")
        .order_by("deposit__created_at")
    )
    first_seen: dict[str, Deposit] = {}
    for row in earlier:
        first_seen.setdefault(row.stored_file.sha256, row.deposit)
    for document in documents:
        previous = first_seen.get(document.sha256)
        if previous is None:
            continue
        document.previous = {"deposit": str(previous.uuid), "at": previous.created_at.isoformat()}
        document.findings.append(
            deposit_finding(
                "CHORALE-ALREADY-DEPOSITED",
                document.name,
                "warning",
                date=f"{timezone.localtime(previous.created_at):%d/%m/%Y %H:%M}",
                deposit=str(previous.uuid)[:8],
            )
        )


def _record(
    user, key, channel, supplier, documents, extras, deposit_findings, limits, known, *, chosen
) -> Deposit:
    """Write the originals, the accepted invoices and the deposit (one transaction, files removed on failure).

    The daily quota is charged first, in the same transaction (QuotaExceeded: nothing kept, nothing recorded),
    as `flows.deposit_flow` does: its counter row stays locked until the commit, so two deposits of one
    structure record one after the other (they already meet on the structure's invoice counters), and a
    deposit that fails or is answered by an earlier one with its idempotency key is not charged.

    The deposit row comes last, complete: a concurrent retry with the same idempotency key fails on its
    unique constraint there, rolls everything back (its invoices, if any, were refused as duplicates of
    the first request's, or blocked on them) and answers with the first deposit.
    """
    invoices = [d for d in documents if d.kind == "invoice"]
    routed = next((d.routing.supplier for d in invoices if d.routing and d.routing.supplier), None)
    try:
        with files_removed_on_failure(), transaction.atomic():
            quota.charge_deposit(user, chosen, documents + extras)
            kept = [d for d in documents + extras if d.data is not None]
            originals = store_files([(d.data, d.name, d.sha256) for d in kept], user=user, known=known)
            for document, original in zip(kept, originals, strict=True):
                document.stored = original
            create_invoices([d for d in invoices if d.acceptable], user)
            integrated = sum(1 for d in invoices if d.invoice is not None)
            deposit = Deposit(
                created_by=user,
                supplier=supplier or routed,
                channel=channel,
                idempotency_key=key,
                status=(
                    DepositStatus.REJETE
                    if integrated == 0
                    else DepositStatus.INTEGRE
                    if integrated == len(invoices)
                    else DepositStatus.INTEGRE_PARTIELLEMENT
                ),
            )
            deposit.report = build_report(deposit, documents, extras, deposit_findings, limits)
            deposit.save(force_insert=True)
            rows = [document_row(deposit, d) for d in documents + extras if d.stored]
            DepositDocument.objects.bulk_create(rows)
    except IntegrityError:
        first = deposit_for_key(user, key) if key else None
        if first is None:
            raise
        log.info("idempotent retry of deposit %s by user %s", first.uuid, user.pk)
        return first
    deposit.replayed = False
    return deposit


# Lookups, scoped to the user: every deposit id goes through here.


def deposits_for_user(user):
    """The deposits a user may see: their own, and those of the supplier structures they deposit for."""
    depositable = access.structures_with_right(user, access.DEPOSIT).values("pk")
    return Deposit.objects.filter(Q(created_by=user) | Q(supplier__in=depositable)).select_related(
        "supplier", "created_by"
    )


def get_deposit_for_user(user, uuid) -> Deposit:
    """The deposit with this public id if the user may see it, else 404 (outsiders learn nothing)."""
    deposit = deposits_for_user(user).filter(uuid=uuid).first()
    if deposit is None:
        raise Http404("No such deposit")
    return deposit
