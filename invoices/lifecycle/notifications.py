"""E-mails to the supplier's users when one of their invoices changes status.

Called after commit by `invoices.lifecycle` (one message per change and per user), each rendered in its
recipient's language. A mail server failure is logged, never turned into an error for an action already saved.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
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
