"""E-mails to the supplier's users when one of their invoices changes status.

Sent by a task (`send_status_emails`) queued after commit by `invoices.lifecycle`: one message per change
and per user, or, for a bulk change, one
message per user listing every invoice of their structure that the batch moved. Each is rendered in its
recipient's language. A mail server failure is logged, never turned into an error for an action already saved.
"""

import logging
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import Membership, User
from accounts.site import site_url
from invoices.lifecycle import reasons
from invoices.lifecycle.transitions import lifecycle_code
from invoices.models import Invoice, InvoiceEvent, InvoiceStatus

logger = logging.getLogger(__name__)


def supplier_users(invoice: Invoice) -> list[User]:
    """The people attached to the supplier structure (technical accounts read the API instead)."""
    memberships = Membership.objects.filter(
        structure_id=invoice.supplier_id, is_active=True, user__is_active=True
    ).select_related("user")
    return [m.user for m in memberships if not m.user.is_technical]


def _message(user: User, invoice: Invoice, event: InvoiceEvent, kind: str) -> EmailMessage:
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "user": user,
            "invoice": invoice,
            "event": event,
            "kind": kind,
            "status_label": InvoiceStatus(event.to_status).label,
            "code": lifecycle_code(event.to_status),
            "reason_label": reasons.label(event.reason) if event.reason else "",
            "url": site_url() + reverse("invoices:invoice", args=[invoice.uuid]),
        }
        subject = " ".join(render_to_string("emails/invoices/status_changed_subject.txt", context).split())
        body = render_to_string("emails/invoices/status_changed.txt", context)
    return EmailMessage(subject, body, None, [user.email], headers={"Content-Language": language})


def status_changed(invoice_id: int, event_id: int, *, kind: str = "status") -> int:
    """Send one message per supplier user about this history row; returns how many were sent."""
    invoice = Invoice.objects.select_related("supplier", "recipient", "service").get(pk=invoice_id)
    event = InvoiceEvent.objects.select_related("actor").get(pk=event_id)
    messages = [_message(user, invoice, event, kind) for user in supplier_users(invoice)]
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:  # the change is saved; a mail outage must not turn it into an error
        logger.exception("Could not send status e-mails for invoice %s", invoice.uuid)
        return 0


# --- Bulk changes: one message per supplier user and per batch ----------------------------------------------


@dataclass(frozen=True)
class Moved:
    """One change of a bulk batch, as its message tells it."""

    invoice_id: int
    to_status: str
    reason: str = ""
    comment: str = ""


def _batch_message(user: User, rows: list[tuple[Invoice, Moved]], site: str) -> EmailMessage:
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        lines = [
            {
                "invoice": invoice,
                "status_label": InvoiceStatus(moved.to_status).label,
                "code": lifecycle_code(moved.to_status),
                "reason": moved.reason,
                "reason_label": reasons.label(moved.reason) if moved.reason else "",
                "comment": moved.comment,
                "url": site + reverse("invoices:invoice", args=[invoice.uuid]),
            }
            for invoice, moved in rows
        ]
        context = {"user": user, "lines": lines, "count": len(lines)}
        subject = " ".join(render_to_string("emails/invoices/statuses_changed_subject.txt", context).split())
        body = render_to_string("emails/invoices/statuses_changed.txt", context)
    return EmailMessage(subject, body, None, [user.email], headers={"Content-Language": language})


def statuses_changed(changes: list[Moved]) -> int:
    """One message to each supplier user listing their invoices a batch moved; returns how many were sent."""
    if not changes:
        return 0
    invoices = (
        Invoice.objects.select_related("recipient")
        .only("uuid", "number", "supplier_id", "recipient__name")
        .in_bulk({c.invoice_id for c in changes})
    )
    per_supplier: dict[int, list] = defaultdict(list)
    for moved in changes:
        invoice = invoices.get(moved.invoice_id)
        if invoice is not None:
            per_supplier[invoice.supplier_id].append((invoice, moved))
    memberships = Membership.objects.filter(
        structure_id__in=list(per_supplier), is_active=True, user__is_active=True
    ).select_related("user")
    site = site_url()
    messages = [
        _batch_message(m.user, per_supplier[m.structure_id], site)
        for m in memberships
        if not m.user.is_technical
    ]
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:  # the changes are saved; a mail outage must not turn them into an error
        logger.exception("Could not send the status e-mails of a bulk change (%d invoices)", len(changes))
        return 0


# A history row's e-mails are claimed for this long: a task run twice (its worker died before acknowledging)
# sends them once. The claim lives in the cache, shared between workers when CACHE_URL is (Redis).
SENT_CLAIM_SECONDS = 7 * 24 * 3600


def _once(claim: str, send) -> int:
    """Run `send` unless a run with this claim already did (a task redelivered after its worker died)."""
    if not cache.add(claim, True, timeout=SENT_CLAIM_SECONDS):
        return 0
    try:
        return send()
    except Exception:  # retried (a database error): the next run must be free to send
        cache.delete(claim)
        raise


@shared_task
def send_status_emails(invoice_id: int, event_id: int, kind: str = "status") -> int:
    """`status_changed` in a worker, at most once per history row."""
    return _once(
        f"chorale:status-emails:{event_id}:{kind}", lambda: status_changed(invoice_id, event_id, kind=kind)
    )


@shared_task
def send_batch_status_emails(batch_id: str, changes: list[dict]) -> int:
    """`statuses_changed` in a worker, at most once per batch: a bulk change of a thousand invoices writes
    dozens of messages, which the request that made it must not wait for. Their links follow the request
    that queued the task (`portal/celery.py` carries its address)."""
    moved = [Moved(**change) for change in changes]
    return _once(f"chorale:batch-emails:{batch_id}", lambda: statuses_changed(moved))


def queue_batch_emails_on_commit(changes: list[Moved]) -> None:
    """Once committed, queue the messages of a batch (nothing when it moved nothing); `changes` fills as the
    batch's chunks commit."""
    transaction.on_commit(
        lambda: changes and send_batch_status_emails.delay(uuid.uuid4().hex, [asdict(c) for c in changes])
    )
