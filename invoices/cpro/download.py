"""`factures/v1/telecharger/groupe`: the invoices a recipient asks for, as the suppliers deposited them.

Chorale keeps every original byte-for-byte, so whatever `format` is asked (PDF, PIVOT, XML, ZIP) the answer
is the original: one invoice alone is its file; several, or one with its attachments, are a ZIP with a
folder per invoice. Each invoice is then marked downloaded (`factureTelechargeeParDestinataire`).
"""

import io
import re
import zipfile

from django.conf import settings

from invoices.cpro.models import RecipientDownload
from invoices.models import Invoice

MAX_INVOICES = 100  # Chorus Pro recommends 10 per call
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class TooLarge(Exception):
    """More than a download may weigh (Chorus Pro answers HTTP 413 past 120 MB)."""


def _read(stored) -> bytes:
    with stored.file.open("rb") as handle:
        return handle.read()


def group_file(invoices: list[Invoice], *, attachments: bool) -> bytes:
    """The file answering the request: one original, or a ZIP of every invoice's folder."""
    extras = {
        i.pk: list(i.attachments.select_related("stored_file")) if attachments else [] for i in invoices
    }
    total = sum(i.original.size for i in invoices) + sum(
        a.stored_file.size for e in extras.values() for a in e
    )
    if total > settings.CHORALE_MAX_INVOICE_BYTES:
        raise TooLarge(total)
    if len(invoices) == 1 and not extras[invoices[0].pk]:
        return _read(invoices[0].original)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for invoice in invoices:
            folder = f"{invoice.pk}_{_UNSAFE.sub('_', invoice.number)[:60]}"
            archive.writestr(f"{folder}/{_safe(invoice.original.original_name)}", _read(invoice.original))
            for n, attachment in enumerate(extras[invoice.pk], 1):
                name = _safe(attachment.stored_file.original_name)
                archive.writestr(f"{folder}/pj/{n:02d}_{name}", _read(attachment.stored_file))
    return buffer.getvalue()


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip("._") or "fichier"


def record_downloads(invoices: list[Invoice], *, user) -> None:
    RecipientDownload.objects.bulk_create(
        [RecipientDownload(invoice=invoice, by=user) for invoice in invoices], ignore_conflicts=True
    )
