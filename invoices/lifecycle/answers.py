"""The supplier's answers: correct the routing of an invoice *à recycler*, complete a *suspendue* one with the
missing documents, acknowledge a rejection. Each needs more than a status, so each has its own operation.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoices.deposit.routing import check_destination
from invoices.deposit.validation import (
    Limits,
    Size,
    check_attachment,
    check_filename,
    deposit_finding,
    read_bounded,
)
from invoices.formats.extract import single_line
from invoices.lifecycle import counters
from invoices.lifecycle.clock import reopened_period
from invoices.lifecycle.operations import _change, _check_transition, _check_version, _lock, _notify
from invoices.lifecycle.queries import SUPPLIER, roles_of
from invoices.lifecycle.transitions import (
    COMMENT_MAX,
    COMPLETE,
    RECYCLE,
    LifecycleError,
    RoutingRefused,
    _finding_text,
)
from invoices.models import Invoice, InvoiceAttachment
from invoices.models import InvoiceStatus as S
from invoices.storage import files_removed_on_failure, store_file

# A rejection left unread this long is shown to the supplier's users at every login until acknowledged.
REJECTION_ACKNOWLEDGE_DAYS = 7


# --- À recycler: the supplier corrects the routing data -----------------------------------------------------


@dataclass
class Routed:
    """Where the corrected routing data send the invoice."""

    recipient: object
    service: object
    buyer_siret: str
    code_service: str
    engagement: str


def _route(invoice: Invoice, *, actor, buyer_siret: str, code_service: str, engagement: str) -> Routed:
    """The deposit-time checks of the recipient, its service and engagement, on the corrected data.

    The supplier, the number and the duplicate checks are left out on purpose: the invoice keeps its
    supplier and its number, and it is its own "duplicate".
    """
    routing = check_destination(
        actor, invoice.supplier, buyer_siret=buyer_siret, code_service=code_service, engagement=engagement
    )
    errors = [f for f in routing.findings if f.is_error]
    if errors:
        raise RoutingRefused(
            _("Les données d'acheminement corrigées sont refusées : %(why)s")
            % {"why": " ".join(_finding_text(f) for f in errors)},
            errors,
        )
    return Routed(
        recipient=routing.recipient,
        service=routing.service,
        buyer_siret=routing.recipient.identifier,
        code_service=single_line(code_service),
        engagement=single_line(engagement),
    )


def recycle_invoice(
    invoice: Invoice,
    *,
    actor,
    buyer_siret: str,
    code_service: str = "",
    engagement: str = "",
    comment: str = "",
    expected_version=None,
) -> Invoice:
    """Resend an invoice *à recycler* with corrected routing data: same invoice, same number, same history.

    Only the routing fields change; the deposited file is kept as it was. The invoice goes through the
    deposit-time routing checks again and is delivered at once, possibly to another structure or service
    (whose accountants then see it with its whole history, and the former recipient no longer does). Its
    payment clock starts again: the right recipient receives it only now.
    """
    buyer_siret = (buyer_siret or "").strip()
    code_service = (code_service or "").strip()
    engagement = (engagement or "").strip()
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _lock(invoice)
        _check_version(locked, expected_version)
        _check_transition(locked, S.DEPOSEE, roles_of(actor, locked), RECYCLE)
        if len(comment) > COMMENT_MAX:
            raise LifecycleError(_("Le commentaire est trop long."), field="comment")
        routed = _route(
            locked, actor=actor, buyer_siret=buyer_siret, code_service=code_service, engagement=engagement
        )
        before = _routing_snapshot(locked)
        counted_at = counters.place_of(locked)
        fields = {
            "recipient": routed.recipient,
            "service": routed.service,
            "code_service": routed.code_service,
            "engagement": routed.engagement,
            "buyer_identifier": routed.buyer_siret[:40],
        }
        if routed.recipient.pk != locked.recipient_id:
            # The name read from the file named the wrong entity; lists and exports show the real one.
            fields["buyer_name"] = routed.recipient.name[:200]
        for name, value in fields.items():
            setattr(locked, name, value)
        data = {"recycled": {"before": before, "after": _routing_snapshot(locked)}}
        _change(
            locked,
            S.DEPOSEE,
            actor=actor,
            comment=comment,
            data=data,
            extra_fields=fields,
            counted_at=counted_at,
        )
        event = _change(
            locked,
            S.MISE_A_DISPOSITION,
            actor=actor,
            data=data,
            # Received by the right recipient only now: its whole délai runs from here.
            extra_fields={"delivered_at": timezone.now(), "clock_period_days": None},
        )
        _notify(locked, event, kind="recycled")
    return locked


def _routing_snapshot(invoice: Invoice) -> dict:
    """The routing data as the history keeps them (identifiers, not keys: they must outlive renames)."""
    return {
        "recipient": invoice.recipient.identifier,
        "recipient_name": invoice.recipient.name,
        "service": invoice.service.code if invoice.service_id else "",
        "code_service": invoice.code_service,
        "engagement": invoice.engagement,
    }


# --- Suspendue: the supplier adds the missing documents -----------------------------------------------------


def complete_invoice(
    invoice: Invoice, *, actor, attachments, comment: str = "", expected_version=None
) -> Invoice:
    """Add the documents a suspended invoice waits for and send it back to its recipient (`completee`).

    The deposit's limits apply (types checked against the content, sizes, names). The files are read and
    checked before the row is locked, so a large upload does not hold up the accountants; the table is
    checked first so that an intruder learns nothing about files. Completion restarts the payment clock.
    """
    comment = (comment or "").strip()
    current = Invoice.objects.select_related("supplier", "recipient", "service").get(pk=invoice.pk)
    _check_version(current, expected_version)
    _check_transition(current, S.COMPLETEE, roles_of(actor, current), COMPLETE)
    if len(comment) > COMMENT_MAX:
        raise LifecycleError(_("Le commentaire est trop long."), field="comment")
    limits = Limits.from_settings()
    documents = _read_attachments(attachments or [], limits)
    # Files first: a failed commit must also take the stored files away.
    with files_removed_on_failure(), transaction.atomic():
        locked = _lock(invoice)
        _check_version(locked, expected_version)
        _check_transition(locked, S.COMPLETEE, roles_of(actor, locked), COMPLETE)
        stored = _store_attachments(locked, documents, actor=actor, comment=comment, limits=limits)
        # A new délai opens on completion: thirty days, or the balance left if longer (R. 2192-29).
        period = reopened_period(locked.clock_balance_days or 0)
        event = _change(
            locked,
            S.COMPLETEE,
            actor=actor,
            comment=comment,
            data={"attachments": [a.stored_file.original_name for a in stored], "period_days": period},
            extra_fields={"delivered_at": timezone.now(), "clock_period_days": period},
        )
        _notify(locked, event)
    return locked


def _read_attachments(files, limits: Limits) -> list[tuple[str, bytes]]:
    """Each upload's name and bytes, or a LifecycleError listing every file refused and why."""
    if not files:
        raise LifecycleError(_("Joignez au moins une pièce."), field="attachments")
    documents, problems = [], []
    for upload in files:
        name = (getattr(upload, "name", "") or "fichier").replace("\\", "/").rsplit("/", 1)[-1].strip()
        name = name or "fichier"
        findings = check_filename(name, limits)
        size = getattr(upload, "size", None)
        data = None
        if size is None or size <= limits.max_file_bytes:
            data = read_bounded(upload, limits.max_file_bytes + 1)
        if data is None or len(data) > limits.max_file_bytes:
            findings.append(
                deposit_finding("CHORALE-FILE-TOO-LARGE", name, name=name, limit=Size(limits.max_file_bytes))
            )
        else:
            findings += check_attachment(name, data)
        errors = [f for f in findings if f.is_error]
        if errors:
            problems += errors
        else:
            documents.append((name, data))
    if problems:
        raise LifecycleError(" ".join(_finding_text(f) for f in problems), field="attachments")
    return documents


def _store_attachments(
    invoice: Invoice, documents: list[tuple[str, bytes]], *, actor, comment: str, limits: Limits
) -> list[InvoiceAttachment]:
    """Keep the files (as deposits keep originals) and attach them, within the per-invoice size limit."""
    total = _stored_bytes(invoice) + sum(len(data) for _name, data in documents)
    if total > limits.max_invoice_bytes:
        finding = deposit_finding(
            "CHORALE-INVOICE-TOO-LARGE",
            "attachments",
            size=Size(total),
            limit=Size(limits.max_invoice_bytes),
        )
        raise LifecycleError(_finding_text(finding), field="attachments")
    attachments = [
        InvoiceAttachment(
            invoice=invoice,
            stored_file=store_file(data, name=name, user=actor),
            added_by=actor,
            comment=comment,
        )
        for name, data in documents
    ]
    for attachment in attachments:
        attachment.save()
    return attachments


def _stored_bytes(invoice: Invoice) -> int:
    """What the invoice already weighs: its original and the attachments it has."""
    attached = invoice.attachments.values_list("stored_file__size", flat=True)
    return invoice.original.size + sum(attached)


# --- Rejetée: the supplier acknowledges -------------------------------------------------------------------


def acknowledge_rejection(invoice: Invoice, *, actor) -> Invoice:
    """The supplier has read the rejection: the login banner stops. Not a status change, so no history row."""
    with transaction.atomic():
        locked = _lock(invoice)
        if SUPPLIER not in roles_of(actor, locked):
            raise LifecycleError(_("Seul le fournisseur de la facture peut accuser réception de son rejet."))
        if locked.status != S.REJETEE:
            raise LifecycleError(_("Cette facture n'est pas rejetée."), field="status")
        if locked.rejection_acknowledged_at is None:
            locked.rejection_acknowledged_at = timezone.now()
            locked.save(update_fields=["rejection_acknowledged_at"])
    return locked


def overdue_unacknowledged_rejections(invoices):
    """Among `invoices`, the rejections the supplier has not acknowledged after 7 days."""
    limit = timezone.now() - timedelta(days=REJECTION_ACKNOWLEDGE_DAYS)
    return invoices.filter(
        status=S.REJETEE, rejection_acknowledged_at__isnull=True, status_changed_at__lt=limit
    )
