"""Ten-year conservation of accounting vouchers: invoices, their originals, attachments and history.

Invoices are pièces justificatives that the Code de commerce (L. 123-22) and the Livre des procédures fiscales
(L. 102 B) require to be kept ten years. The database itself refuses to delete them (triggers written by the
migration `0003_vouchers_kept_ten_years`) unless the deletion runs inside `purge_permitted()`, which only the
journaled purge of vouchers past the period opens. `verify_archive` re-hashes every kept original.
"""

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, transaction

from accounts.journal import log_event
from invoices.models import DepositDocument, Invoice, InvoiceAttachment, InvoiceEvent, StoredFile
from invoices.storage.guards import GUARDED_DELETES as PROTECTED_TABLES  # noqa: F401  (the tests' list)
from invoices.storage.guards import PG_PERMIT_SETTING, SQLITE_PERMIT_TABLE

log = logging.getLogger(__name__)


CHUNK = 1024 * 1024


@contextmanager
def purge_permitted():
    """Let this transaction delete vouchers. The permit never outlives the transaction that opened it."""
    if not connection.in_atomic_block:
        raise RuntimeError("a voucher purge runs inside one transaction")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'on', true)", [PG_PERMIT_SETTING])
        else:
            cursor.execute(f"INSERT INTO {SQLITE_PERMIT_TABLE} (opened) VALUES (1)")  # noqa: S608
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, 'off', true)", [PG_PERMIT_SETTING])
            else:
                cursor.execute(f"DELETE FROM {SQLITE_PERMIT_TABLE}")  # noqa: S608


def retention_limit(today: date | None = None) -> int:
    """The last invoice year whose vouchers may be purged: kept for `CHORALE_RETENTION_YEARS` full years."""
    today = today or date.today()
    return today.year - settings.CHORALE_RETENTION_YEARS - 1


@dataclass
class PurgeReport:
    invoices: int = 0
    events: int = 0
    attachments: int = 0
    files: int = 0
    file_names: list[str] = field(default_factory=list)


def purge_vouchers(*, up_to_year: int, actor) -> PurgeReport:
    """Delete the vouchers of invoices issued up to `up_to_year`, refused for any year still in the period.

    One transaction; the files leave storage only once it has committed, so a failed purge loses nothing.
    """
    limit = retention_limit()
    if up_to_year > limit:
        raise ValueError(
            f"Les pièces de {up_to_year} sont encore dans la période de conservation "
            f"({settings.CHORALE_RETENTION_YEARS} ans) : purge possible jusqu'à {limit} inclus."
        )
    report = PurgeReport()
    with transaction.atomic(), purge_permitted():
        invoices = Invoice.objects.filter(year__lte=up_to_year)
        file_ids = set(invoices.values_list("original_id", flat=True))
        file_ids |= set(
            InvoiceAttachment.objects.filter(invoice__in=invoices).values_list("stored_file_id", flat=True)
        )
        report.events = InvoiceEvent.objects.filter(invoice__in=invoices)._raw_delete(connection.alias)
        report.attachments = InvoiceAttachment.objects.filter(invoice__in=invoices)._raw_delete(
            connection.alias
        )
        DepositDocument.objects.filter(invoice__in=invoices).update(invoice=None)
        report.invoices = invoices._raw_delete(connection.alias)
        still_used = _files_still_used(file_ids)
        orphans = StoredFile.objects.filter(pk__in=file_ids - still_used)
        report.file_names = list(orphans.values_list("file", flat=True))
        report.files = orphans._raw_delete(connection.alias)
        log_event(
            actor,
            "other",
            detail=f"Purge des pièces justificatives jusqu'à {up_to_year} : {report}"[:500],
            actor=actor,
        )
        transaction.on_commit(lambda: _delete_files(report.file_names))
    return report


def _files_still_used(file_ids: set[int]) -> set[int]:
    used = set(Invoice.objects.filter(original_id__in=file_ids).values_list("original_id", flat=True))
    used |= set(
        InvoiceAttachment.objects.filter(stored_file_id__in=file_ids).values_list("stored_file_id", flat=True)
    )
    used |= set(
        DepositDocument.objects.filter(stored_file_id__in=file_ids).values_list("stored_file_id", flat=True)
    )
    return used


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("could not delete purged file %s", name, exc_info=True)


@dataclass(frozen=True)
class FileCheck:
    pk: int
    name: str
    problem: str
    """"missing", "size" or "sha256"."""


def hash_stored(stored: StoredFile) -> tuple[int, str]:
    """Size and SHA-256 of a kept file, read in chunks: an original may be large, memory stays flat."""
    digest, size = hashlib.sha256(), 0
    with stored.file.storage.open(stored.file.name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def verify_stored_files(queryset=None) -> Iterator[tuple[StoredFile, FileCheck | None]]:
    """Every kept file re-hashed against what was recorded when it arrived."""
    kept = StoredFile.objects.filter(
        purged_at__isnull=True
    )  # refused uploads past their period have no bytes
    for stored in (queryset or kept).order_by("pk").iterator(chunk_size=500):
        try:
            size, sha256 = hash_stored(stored)
        except (FileNotFoundError, OSError):
            yield stored, FileCheck(stored.pk, stored.file.name, "missing")
            continue
        if size != stored.size:
            yield stored, FileCheck(stored.pk, stored.file.name, "size")
        elif sha256 != stored.sha256:
            yield stored, FileCheck(stored.pk, stored.file.name, "sha256")
        else:
            yield stored, None
