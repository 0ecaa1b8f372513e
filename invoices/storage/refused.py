"""Refused uploads are kept a while, so the supplier can look at what was refused, then their bytes go.

They are not accounting vouchers: nothing was integrated from them. What stays is the row with the file's
name, size and SHA-256, as the deposit report's record; the bytes leave storage after
`CHORALE_REFUSED_RETENTION_DAYS`. A file that also backs an invoice, an attachment or an accepted document is
never touched (the same bytes deposited twice are stored once).
"""

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef
from django.utils import timezone

from invoices.models import DepositDocument, Invoice, InvoiceAttachment, StoredFile

BATCH = 500


def refused_originals(now=None):
    """Stored files past the period whose every use is a refused document of a deposit."""
    limit = (now or timezone.now()) - timedelta(days=settings.CHORALE_REFUSED_RETENTION_DAYS)
    return (
        StoredFile.objects.filter(
            created_at__lt=limit,
            purged_at__isnull=True,
            deposit_documents__valid=False,
        )
        .exclude(
            Exists(DepositDocument.objects.filter(stored_file=OuterRef("pk"), valid=True))
            | Exists(Invoice.objects.filter(original=OuterRef("pk")))
            | Exists(InvoiceAttachment.objects.filter(stored_file=OuterRef("pk")))
        )
        .distinct()
    )


def purge_refused_originals(now=None) -> int:
    """Delete the bytes of refused uploads past the period, by batches; return how many files went."""
    now = now or timezone.now()
    purged = 0
    while batch := list(refused_originals(now).order_by("pk").values_list("pk", "file")[:BATCH]):
        for _pk, name in batch:
            default_storage.delete(name)
        # Marked after the bytes went: a crash in between leaves a row to purge again, never a lost mark.
        purged += StoredFile.objects.filter(pk__in=[pk for pk, _name in batch]).update(purged_at=now)
    return purged
