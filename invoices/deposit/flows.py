"""Asynchronous deposits (Chorus Pro's *flux*): the upload is kept at once, workers check its invoices.

`start_flow` keeps the uploaded files byte-for-byte and records the deposit `en_cours`; the caller answers at
once. Workers then run the synchronous deposit's own steps (`invoices.deposit.operations`), spread over tasks:
`expand_flow` reads the files (ZIPs opened with the same limits) into one `FlowItem` per invoice file, and
`run_flow_items` validates, routes and records a range of them; `finish_flow` writes the report, the same as a
synchronous deposit's, once every file is done.

Each file is claimed by a conditional update and recorded in one transaction that checks the claim is still
the worker's own, with its invoice, its DepositDocument and its part of the report: a worker that dies loses
only the file it held, which another worker takes over once the claim has expired
(`CHORALE_FLOW_LEASE_SECONDS`); a file whose workers died `CHORALE_FLOW_MAX_ATTEMPTS` times is reported
failed. No invoice is created twice.
"""

import logging
import time
import uuid as uuid_lib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from invoices.deposit import quota
from invoices.deposit.operations import (
    IDEMPOTENCY_KEY_MAX,
    DepositError,
    Document,
    _known_files,
    _mark_already_deposited,
    _read,
    _read_files,
    _validate,
    deposit_for_key,
)
from invoices.deposit.recording import create_invoices
from invoices.deposit.report import REPORT_VERSION, assemble_report, document_row, finding_dict, report_entry
from invoices.deposit.routing import RoutingContext, check_duplicate
from invoices.deposit.validation import Limits, deposit_finding, validation_config
from invoices.formats.findings import Finding
from invoices.models import Deposit, DepositDocument, DepositStatus, FlowItem, Invoice, StoredFile
from invoices.storage import files_removed_on_failure, store_file

log = logging.getLogger(__name__)


def start_flow(
    user, files, *, supplier=None, channel=Deposit.Channel.API, idempotency_key: str = ""
) -> Deposit:
    """Keep the uploaded files (one invoice, a ZIP, or several files) and record the deposit `en_cours`.

    Nothing is read beyond the per-file limit nor validated here: the workers do it (`invoices.deposit.tasks`
    is told by the caller, once this has committed). With an idempotency key this user already used, returns
    that first deposit, with `replayed` set.
    """
    key = (idempotency_key or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise DepositError(
            deposit_finding(
                "CHORALE-IDEMPOTENCY-KEY", "Idempotency-Key", length=len(key), limit=IDEMPOTENCY_KEY_MAX
            )
        )
    if key and (first := deposit_for_key(user, key)) is not None:
        return first
    limits = Limits.from_settings()
    sources = [_read(upload, limits) for upload in files]
    try:
        with files_removed_on_failure(), transaction.atomic():
            quota.charge_deposit(user, supplier, sources)  # QuotaExceeded: nothing kept, nothing recorded
            known = _known_files(sources)
            for source in sources:
                if source.data is not None:
                    source.stored = store_file(
                        source.data, name=source.name, user=user, sha256=source.sha256, known=known
                    )
            deposit = Deposit(
                created_by=user,
                supplier=supplier,
                channel=channel,
                idempotency_key=key,
                status=DepositStatus.EN_COURS,
                report={
                    "version": REPORT_VERSION,
                    "status": DepositStatus.EN_COURS,
                    # The structure the user chose: routing must not take the one it later records for others.
                    "chosen_supplier": supplier.pk if supplier else None,
                    "sources": [_source(s) for s in sources],
                },
            )
            deposit.save(force_insert=True)
    except IntegrityError:
        first = deposit_for_key(user, key) if key else None
        if first is None:
            raise
        return first
    deposit.replayed = False
    log.info("flow %s started by user %s: %d file(s)", deposit.uuid, user.pk, len(sources))
    return deposit


def _source(document: Document) -> dict:
    return {
        "file": document.name,
        "stored": document.stored.pk if document.stored else None,
        "size": document.size if document.data is not None else None,
        "sha256": document.sha256,
        "findings": [finding_dict(f) for f in document.findings],
    }


def _findings(dicts: list[dict]) -> list[Finding]:
    return [Finding(**d) for d in dicts]


def _read_stored(stored: StoredFile) -> bytes:
    with stored.file.open("rb") as handle:
        return handle.read()


def expand_flow(deposit_id: int) -> bool:
    """Read the flow's files into one FlowItem per invoice file (once, whoever asks); False if not running.

    The files unfit for validation (too large, misnamed, refused by the ZIP checks) are done at once, refused
    with their findings, as the synchronous deposit refuses them.
    """
    deposit = Deposit.objects.select_related("created_by").filter(pk=deposit_id).first()
    if deposit is None or deposit.status != DepositStatus.EN_COURS:
        return False
    if deposit.documents_total is not None:
        return True
    limits = Limits.from_settings()
    documents = []
    for source in deposit.report.get("sources", []):
        if source["stored"] is None:
            documents.append(Document(name=source["file"], findings=_findings(source["findings"])))
            continue
        data = _read_stored(StoredFile.objects.get(pk=source["stored"]))
        documents += _read_files([ContentFile(data, name=source["file"])], limits, archives=True)
    invoices = [d for d in documents if d.kind == "invoice"]
    deposit_findings = [] if documents else [deposit_finding("CHORALE-DEPOSIT-EMPTY", "files")]
    known = _known_files(documents)
    _mark_already_deposited(deposit.created_by, documents, known)

    with files_removed_on_failure(), transaction.atomic():
        # The claim and the items commit together: a second worker expanding the same flow finds it taken.
        if not Deposit.objects.filter(pk=deposit.pk, documents_total=None).update(
            documents_total=len(invoices)
        ):
            return True
        for document in documents:
            if document.data is not None:
                document.stored = store_file(
                    document.data,
                    name=document.name,
                    user=deposit.created_by,
                    sha256=document.sha256,
                    known=known,
                )
        items = []
        for position, document in enumerate(invoices):
            item = FlowItem(
                deposit=deposit,
                position=position,
                name=document.name,
                container=document.container,
                stored_file=document.stored,
                findings=[finding_dict(f) for f in document.findings],
                previous=document.previous,
            )
            if document.data is None or any(f.is_error for f in document.findings):
                item.done, item.entry = True, report_entry(document)
            items.append(item)
        rows = [
            document_row(deposit, d) for d in documents if d.stored and (d.kind == "zip" or _refused_now(d))
        ]
        FlowItem.objects.bulk_create(items)
        DepositDocument.objects.bulk_create(rows)
        zip_findings = [f for d in documents if d.kind == "zip" for f in d.findings]
        report = {
            **deposit.report,
            "findings": [finding_dict(f) for f in deposit_findings + zip_findings],
            "archives": [
                {"file": d.name, "size": d.size, "sha256": d.sha256} for d in documents if d.kind == "zip"
            ],
        }
        Deposit.objects.filter(pk=deposit.pk).update(report=report)
    log.info("flow %s: %d invoice file(s) to check", deposit.uuid, len(invoices))
    return True


def _refused_now(document: Document) -> bool:
    return document.kind == "invoice" and any(f.is_error for f in document.findings)


def pending_ranges(deposit_id: int, chunk: int | None = None) -> list[tuple[int, int]]:
    """The [first, last) position ranges, `chunk` files each at most, that still hold a file to do."""
    chunk = chunk or settings.CHORALE_FLOW_CHUNK
    positions = FlowItem.objects.filter(deposit_id=deposit_id, done=False).values_list("position", flat=True)
    starts = sorted({p - p % chunk for p in positions})
    return [(start, start + chunk) for start in starts]


@dataclass
class ChunkRun:
    processed: int = 0
    wait: float = 0.0  # seconds until another worker's claim on one of the range's files expires


def run_flow_items(deposit_id: int, first: int, last: int) -> ChunkRun:
    """Check and record the flow's files at positions [first, last) that are not done yet.

    The files free to take are claimed in one statement, checked one by one outside any transaction, and
    recorded together in one (sooner if checking takes a third of the lease, and the claims renewed): two
    writes per range rather than per file, which keeps concurrent workers from queueing on SQLite's one
    writer lock. `wait` is set when another worker holds some of the files: try again then (its claim may be
    a dead worker's).
    """
    run = ChunkRun()
    deposit = Deposit.objects.select_related("created_by").filter(pk=deposit_id).first()
    if deposit is None or deposit.status != DepositStatus.EN_COURS:
        return run
    chosen = deposit.report.get("chosen_supplier")
    context = RoutingContext(deposit.created_by, supplier=deposit.supplier if chosen else None)
    config = validation_config()
    token = uuid_lib.uuid4()
    claimed = claim_files(deposit, first, last, token)
    held = FlowItem.objects.filter(deposit=deposit, done=False, position__gte=first, position__lt=last)
    until = held.exclude(claim=token).values_list("claimed_until", flat=True)
    now = timezone.now()
    run.wait = max([(u - now).total_seconds() if u else 1.0 for u in until], default=0.0)
    batch, since = [], time.monotonic()
    for item in claimed:
        if item.attempts > settings.CHORALE_FLOW_MAX_ATTEMPTS:
            batch.append((item, _failed(item)))
            continue
        try:
            document = _document_of(item)
        except OSError:  # the kept file cannot be read back: refused, as a file whose checks crashed
            log.exception("flow item %s: its stored file is unreadable", item)
            batch.append((item, _refused(item, "CHORALE-VALIDATION-FAILED", name=item.name)))
            continue
        if document.data is not None:
            _validate(document, config, None, context)
        batch.append((item, document))
        if time.monotonic() - since > settings.CHORALE_FLOW_LEASE_SECONDS / 3:
            run.processed += record_files(deposit, token, batch)
            batch, since = [], time.monotonic()
            FlowItem.objects.filter(claim=token, done=False).update(claimed_until=_lease_end())
    run.processed += record_files(deposit, token, batch)
    return run


def _lease_end():
    return timezone.now() + timedelta(seconds=settings.CHORALE_FLOW_LEASE_SECONDS)


def claim_files(deposit: Deposit, first: int, last: int, token) -> list[FlowItem]:
    """Take the range's files nobody holds (or whose holder's lease ended) until this worker's lease ends.

    One conditional update: the files another worker holds are left out; each file taken counts one more
    attempt.
    """
    now = timezone.now()
    FlowItem.objects.filter(deposit=deposit, done=False, position__gte=first, position__lt=last).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    ).update(claim=token, claimed_until=_lease_end(), attempts=F("attempts") + 1)
    return list(
        FlowItem.objects.filter(deposit=deposit, claim=token, done=False)
        .select_related("stored_file")
        .order_by("position")
    )


def _document_of(item: FlowItem) -> Document:
    document = Document(
        name=item.name,
        container=item.container,
        findings=_findings(item.findings),
        stored=item.stored_file,
        previous=item.previous,
    )
    if item.stored_file is not None:
        document.data = _read_stored(item.stored_file)
        document.sha256 = item.stored_file.sha256
    return document


def _refused(item: FlowItem, rule: str, **params) -> Document:
    """The file refused unread, with the findings it had and this one."""
    finding = deposit_finding(rule, item.name, **params)
    return Document(
        name=item.name,
        container=item.container,
        findings=[*_findings(item.findings), finding],
        stored=item.stored_file,
        sha256=item.stored_file.sha256 if item.stored_file else "",
        previous=item.previous,
    )


def _failed(item: FlowItem) -> Document:
    """A file whose workers kept dying on it: refused, with what happened, rather than tried for ever."""
    log.error("flow item %s refused after %d interrupted attempts", item, item.attempts - 1)
    return _refused(item, "CHORALE-FLOW-FAILED", name=item.name, attempts=item.attempts - 1)


def record_files(deposit: Deposit, token, batch: list[tuple[FlowItem, Document]]) -> int:
    """Each checked file's invoice (if accepted), DepositDocument and report entry, in one transaction, for
    the files this worker's claim still holds (another worker that took one over records it instead).

    A few statements for the whole batch, whatever its size: the files marked done in one update, the
    accepted invoices created together (`_create_invoices`), the report entries written in one update.
    """
    if not batch:
        return 0
    user = deposit.created_by
    with transaction.atomic():
        ids = [item.pk for item, _ in batch]
        FlowItem.objects.filter(pk__in=ids, done=False, claim=token).update(done=True, claimed_until=None)
        held = set(FlowItem.objects.filter(pk__in=ids, done=True, claim=token).values_list("pk", flat=True))
        mine = [(item, document) for item, document in batch if item.pk in held]
        for item, _ in batch:
            if item.pk not in held:
                log.info("flow item %s was taken over by another worker: its result is theirs", item)
        for _, document in mine:
            if document.routing is not None and not document.acceptable:
                check_duplicate(document.result, document.routing)
        create_invoices([document for _, document in mine if document.acceptable], user)
        for item, document in mine:
            item.invoice = document.invoice
        FlowItem.objects.bulk_update([item for item, d in mine if d.invoice is not None], ["invoice"])
        for item, document in mine:
            _duplicate_within_flow(deposit, document)
            item.entry = report_entry(document)
        FlowItem.objects.bulk_update([item for item, _ in mine], ["entry"])
        routed = next((d.routing.supplier for _, d in mine if d.routing and d.routing.supplier), None)
        if routed is not None and deposit.supplier_id is None:
            # The first routed supplier names the deposit: its colleagues see it, as a synchronous one.
            Deposit.objects.filter(pk=deposit.pk, supplier=None).update(supplier=routed)
            deposit.supplier_id = routed.pk
        DepositDocument.objects.bulk_create(
            [document_row(deposit, document) for _, document in mine if document.stored is not None]
        )
    return len(mine)


def _duplicate_within_flow(deposit: Deposit, document: Document) -> None:
    """A number another file of this flow already took is a duplicate within the deposit, as synchronously."""
    result, routing = document.result, document.routing
    if document.invoice is not None or routing is None or routing.supplier is None or result.invoice is None:
        return
    for findings in (document.findings, routing.findings):
        for index, finding in enumerate(findings):
            if finding.rule != "CHORALE-DUPLICATE-NUMBER":
                continue
            number = (result.invoice.number or "").strip()
            other = (
                FlowItem.objects.filter(
                    deposit=deposit,
                    invoice__in=Invoice.objects.filter(
                        supplier=routing.supplier, number=number, year=result.invoice.issue_date.year
                    ),
                )
                .values_list("name", flat=True)
                .first()
            )
            if other is not None:
                findings[index] = deposit_finding(
                    "CHORALE-DUPLICATE-IN-DEPOSIT", finding.location, number=number, other=other
                )


def abandon_files(deposit_id: int, first: int = 0, last: int | None = None) -> int:
    """Refuse the flow's files not done yet in [first, last) after an internal error, so that the flow ends.

    A file is refused with CHORALE-VALIDATION-FAILED, as the synchronous deposit refuses a file its checks
    crashed on; a worker still holding one of them finds it done and records nothing. A flow whose files could
    not even be read ends refused with that finding on each of them.
    """
    deposit = Deposit.objects.filter(pk=deposit_id, status=DepositStatus.EN_COURS).first()
    if deposit is None:
        return 0
    if deposit.documents_total is None:
        failed = [
            finding_dict(deposit_finding("CHORALE-VALIDATION-FAILED", s["file"], name=s["file"]))
            for s in deposit.report.get("sources", [])
        ]
        report = {**deposit.report, "findings": failed, "archives": []}
        Deposit.objects.filter(pk=deposit.pk, documents_total=None).update(documents_total=0, report=report)
        return len(failed)
    items = FlowItem.objects.filter(deposit=deposit, done=False, position__gte=first)
    if last is not None:
        items = items.filter(position__lt=last)
    abandoned = 0
    for item in items:
        document = _refused(item, "CHORALE-VALIDATION-FAILED", name=item.name)
        abandoned += FlowItem.objects.filter(pk=item.pk, done=False).update(
            done=True, claimed_until=None, entry=report_entry(document)
        )
    log.error("flow %s: %d file(s) refused after an internal error", deposit.uuid, abandoned)
    return abandoned


def finish_flow(deposit_id: int) -> bool:
    """Once every file is done: the report, as a synchronous deposit's, and the final status (once)."""
    deposit = Deposit.objects.filter(pk=deposit_id).first()
    if deposit is None or deposit.status != DepositStatus.EN_COURS or deposit.documents_total is None:
        return False
    if FlowItem.objects.filter(deposit=deposit, done=False).exists():
        return False
    entries = list(
        FlowItem.objects.filter(deposit=deposit).order_by("position").values_list("entry", flat=True)
    )
    integrated = sum(1 for e in entries if e.get("accepted"))
    status = (
        DepositStatus.REJETE
        if integrated == 0
        else DepositStatus.INTEGRE
        if integrated == len(entries)
        else DepositStatus.INTEGRE_PARTIELLEMENT
    )
    report = assemble_report(
        status,
        entries,
        findings=deposit.report.get("findings", []),
        archives=deposit.report.get("archives", []),
        attachments=[],
        limits=Limits.from_settings(),
    )
    report["flow"] = {"total": len(entries), "finished_at": timezone.now().isoformat()}
    report["sources"] = deposit.report.get("sources", [])
    finished = Deposit.objects.filter(pk=deposit.pk, status=DepositStatus.EN_COURS).update(
        status=status, report=report
    )
    if finished:
        log.info("flow %s finished: %s (%d of %d integrated)", deposit.uuid, status, integrated, len(entries))
    return bool(finished)


def flow_progress(deposit: Deposit) -> tuple[int, int | None]:
    """(files done, files in all): the total is unknown (None) until the files are read."""
    if deposit.status != DepositStatus.EN_COURS:
        total = len(deposit.report.get("documents", []))
        return total, total
    if deposit.documents_total is None:
        return 0, None
    return FlowItem.objects.filter(deposit=deposit, done=True).count(), deposit.documents_total


def unfinished_flows() -> list[tuple[int, bool]]:
    """(deposit id, whether its files were read) of every flow still running, oldest first."""
    return [
        (pk, total is not None)
        for pk, total in Deposit.objects.filter(status=DepositStatus.EN_COURS)
        .order_by("created_at")
        .values_list("pk", "documents_total")
    ]
