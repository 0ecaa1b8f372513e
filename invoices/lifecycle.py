"""The invoice status machine. (First version: the lifecycle engineer grows the transition table here.)"""

from django.db import transaction
from django.utils import timezone

from invoices.models import Invoice, InvoiceEvent
from invoices.statuses import InvoiceStatus


def record_deposit(invoice: Invoice, *, actor) -> InvoiceEvent:
    """The first history row of a new invoice (status `deposee`)."""
    return InvoiceEvent.objects.create(invoice=invoice, from_status="", to_status=InvoiceStatus.DEPOSEE, actor=actor)


@transaction.atomic
def deliver(invoice: Invoice, *, actor) -> Invoice:
    """Routed: the invoice is made available to its recipient; the payment clock starts."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    now = timezone.now()
    InvoiceEvent.objects.create(
        invoice=invoice, from_status=invoice.status, to_status=InvoiceStatus.MISE_A_DISPOSITION, actor=actor, at=now
    )
    invoice.status = InvoiceStatus.MISE_A_DISPOSITION
    invoice.status_changed_at = now
    invoice.delivered_at = now
    invoice.version += 1
    invoice.save(update_fields=["status", "status_changed_at", "delivered_at", "version"])
    return invoice
