"""Originals kept byte-for-byte with their SHA-256: written once, shared by the deposit and the lifecycle.

A file already kept (same SHA-256 and size) is reused, never rewritten; files written inside a block that
fails are deleted with it (`files_removed_on_failure`): a rolled-back transaction leaves no orphan file.
"""

import contextvars
import hashlib
import logging
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from invoices.formats.sniff import content_type_of
from invoices.models import StoredFile

log = logging.getLogger(__name__)


# Storage files written by the current deposit, deleted if its transaction fails.
_written: contextvars.ContextVar[list | None] = contextvars.ContextVar("chorale_written_files", default=None)


@contextmanager
def files_removed_on_failure():
    """Delete the storage files written by `store_file` inside this block if the block raises.

    The database rows roll back with their transaction; the files in storage would stay behind, orphaned.
    """
    written: list[str] = []
    token = _written.set(written)
    try:
        yield written
    except BaseException:
        for name in written:
            try:
                default_storage.delete(name)
            except Exception:  # cleanup is best effort: the original error is the one to report
                log.warning("could not delete %s after a failed deposit", name, exc_info=True)
        raise
    finally:
        _written.reset(token)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_file(data: bytes, *, name: str, user, sha256: str = "", known: dict | None = None) -> StoredFile:
    """Keep an original byte-for-byte; a file already kept (same SHA-256 and size) is reused, never rewritten.

    `known` maps (sha256, size) to StoredFiles looked up beforehand, to save one query per file.
    """
    digest = sha256 or sha256_of(data)
    if known is None:
        existing = StoredFile.objects.filter(sha256=digest, size=len(data)).order_by("pk").first()
        known = {(digest, len(data)): existing} if existing is not None else {}
    return store_files([(data, name, digest)], user=user, known=known)[0]


def store_files(files: list[tuple[bytes, str, str]], *, user, known: dict) -> list[StoredFile]:
    """Keep several originals, given as (bytes, name, sha256): the new ones written to storage, then their
    rows inserted in one statement. `known` (see `store_file`) is completed with them; a file given twice is
    kept once."""
    kept, new = [], []
    for data, name, digest in files:
        key = (digest or sha256_of(data), len(data))
        stored = known.get(key)
        if stored is None:
            stored = StoredFile(
                original_name=name[:255],
                content_type=content_type_of(data),
                size=len(data),
                sha256=key[0],
                uploaded_by=user,
            )
            stored.file.save("original", ContentFile(data), save=False)
            written = _written.get()
            if written is not None:
                written.append(stored.file.name)
            known[key] = stored
            new.append(stored)
        kept.append(stored)
    StoredFile.objects.bulk_create(new)
    return kept
