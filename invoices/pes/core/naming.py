"""Names the PES file gives to things: NomPJ, IdUnique, NomFic."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime

from anyascii import anyascii

from invoices.pes.core.text import ID_UNIQUE_MAX, NOM_FIC_MAX, NOM_PJ_MAX, to_latin1

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_EXTENSION = re.compile(r"[A-Za-z0-9]{2,4}")
_MIN_SUPPLIER = 16


def _slug(text: str) -> str:
    """ASCII letters and digits, other runs turned into one hyphen: safe on every file system."""
    latin1, _changed = to_latin1(str(text or ""))
    ascii_text = anyascii(latin1)
    return _UNSAFE.sub("-", ascii_text).strip("-")


def clean_extension(extension: str) -> str:
    """The extension without dot, lower case; ValueError when Hélios would reject it (2-4 letters/digits)."""
    ext = str(extension or "").strip().lstrip(".").lower()
    if not _EXTENSION.fullmatch(ext):
        raise ValueError(f"extension {extension!r} must be 2 to 4 letters or digits")
    return ext


def pj_name(
    invoice_number: str, year: int | str, supplier_name: str, extension: str, *, max_length: int = NOM_PJ_MAX
) -> str:
    """`Facture_<number>_<year>_<supplier>.<ext>` in safe characters, at most `max_length` long.

    When too long the supplier name is cut first (keeping at least 16 characters of it), then the number.
    """
    ext = clean_extension(extension)
    number = _slug(invoice_number) or "SN"
    supplier = _slug(supplier_name) or "Fournisseur"
    year_text = _slug(str(year)) or "0000"
    room = max_length - len(ext) - 1 - len("Facture___") - len(year_text)
    if room < 2:
        raise ValueError("max_length too small for a PJ name")
    if len(number) + len(supplier) > room:
        keep_supplier = min(len(supplier), _MIN_SUPPLIER, room - 1)
        number = number[: max(room - keep_supplier, 1)].rstrip("-") or number[:1]
        supplier = supplier[: room - len(number)].rstrip("-") or supplier[:1]
    return f"Facture_{number}_{year_text}_{supplier}.{ext}"


def attachment_name(
    invoice_number: str,
    year: int | str,
    supplier_name: str,
    index: int,
    extension: str,
    *,
    max_length: int = NOM_PJ_MAX,
) -> str:
    """`Facture_<number>_<year>_<supplier>_PJ<index>.<ext>`: the `index`-th attachment of an invoice.

    The invoice's own name tells a person which invoice the file belongs to; the suffix and the attachment's
    own extension set it apart from the invoice and from its other attachments.
    """
    if isinstance(index, bool) or not isinstance(index, int) or index < 1:
        raise ValueError(f"attachment index must be a whole number >= 1, not {index!r}")
    suffix = f"_PJ{index}"
    base = pj_name(invoice_number, year, supplier_name, extension, max_length=max_length - len(suffix))
    stem, _dot, ext = base.rpartition(".")
    return f"{stem}{suffix}.{ext}"


def document_name(doc, *, max_length: int = NOM_PJ_MAX) -> str:
    """The NomPJ of a `PjDocument` before de-duplication: an attachment's own name, else the invoice's."""
    if doc.attachment_index is not None:
        return attachment_name(
            doc.invoice_number,
            doc.year,
            doc.supplier_name,
            doc.attachment_index,
            doc.extension,
            max_length=max_length,
        )
    return pj_name(doc.invoice_number, doc.year, doc.supplier_name, doc.extension, max_length=max_length)


def unique_name(name: str, taken: set[str], *, max_length: int = NOM_PJ_MAX) -> str:
    """`name`, or `name` with `_2`, `_3`... before the extension, so that it differs from `taken` (any case).

    Adds the chosen name (lower case) to `taken`.
    """
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f"_{n}"
        room = max_length - len(suffix) - len(dot) - len(ext)
        candidate = f"{stem[:room]}{suffix}{dot}{ext}"
    taken.add(candidate.lower())
    return candidate


def id_unique(siret: str, key: str, *, revision: int = 0) -> str:
    """A deterministic IdUnique: the collectivity's SIRET, 'CHO', then 26 base32 characters of a hash.

    Hélios rejects a PJ whose IdUnique it already integrated, for the collectivity's whole history; hashing
    the SIRET with the document's stable key gives the same id on a re-export and, in practice, never the
    same id to two documents. A corrected re-send (new mandat, file rejected by Hélios) passes the next
    `revision`: each revision gets its own id; revision 0 is the id of the first sending.
    """
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 0:
        raise ValueError(f"revision must be a whole number >= 0, not {revision!r}")
    material = f"{siret}\x1f{key}" if revision == 0 else f"{siret}\x1f{key}\x1frevision={revision}"
    digest = hashlib.sha256(material.encode()).digest()
    tail = base64.b32encode(digest).decode("ascii").rstrip("=")[:26]
    value = f"{siret}CHO{tail}"
    assert len(value) <= ID_UNIQUE_MAX and value.isalnum()
    return value


def nom_fic(prefix: str, part: int) -> str:
    """NomFic for the `part`-th file of an export: `<prefix>_<part on 3 digits>`, safe characters only.

    The part number has a fixed width so that every file of an export has a header of the same length.
    """
    if not 1 <= part <= 999:
        raise ValueError("an export is limited to 999 files")
    suffix = f"_{part:03d}"
    safe_prefix = re.sub(r"[^A-Za-z0-9_-]+", "-", prefix).strip("-") or "PES"
    return safe_prefix[: NOM_FIC_MAX - len(suffix)] + suffix


def default_nom_fic_prefix(typ_fic: str, id_coll: str, now: datetime) -> str:
    return f"{typ_fic}_{id_coll}_{now:%Y%m%d%H%M%S}"
