"""Lifecycle tasks: one status for many invoices, in a worker; the status e-mails (`notifications`).

Idempotent: an invoice already at the target status is reported done, not changed again. Retried on transient
failures by the project's task class (portal/celery.py).
"""

from celery import shared_task
from django.utils.translation import gettext as _

from accounts.models import User
from invoices.lifecycle.notifications import send_status_emails
from invoices.lifecycle.operations import set_status
from invoices.lifecycle.queries import received_invoices_for
from invoices.lifecycle.transitions import LifecycleError

__all__ = ["send_status_emails", "set_statuses"]


@shared_task
def set_statuses(actor_id: int, invoice_ids: list[str], target: str, reason: str = "", comment: str = ""):
    """The bulk status change of the received list, for `actor`: one result per invoice, in order."""
    actor = User.objects.get(pk=actor_id)
    visible = received_invoices_for(actor)
    results = []
    for invoice_id in invoice_ids:
        invoice = visible.filter(uuid=invoice_id).first()
        if invoice is None:
            results.append(
                {
                    "id": str(invoice_id),
                    "ok": False,
                    "error": "not_found",
                    "detail": _("Facture introuvable."),
                }
            )
            continue
        if invoice.status == target:  # done by an earlier run of this task
            results.append({"id": str(invoice.uuid), "ok": True, "status": invoice.status})
            continue
        try:
            invoice = set_status(invoice, target, actor=actor, reason=reason, comment=comment)
        except LifecycleError as error:
            results.append(
                {"id": str(invoice.uuid), "ok": False, "error": error.code, "detail": error.message}
            )
            continue
        results.append({"id": str(invoice.uuid), "ok": True, "status": invoice.status})
    return results
