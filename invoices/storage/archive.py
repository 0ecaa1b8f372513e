"""The yearly archive of a structure: every original and attachment of the year's invoices, an index (CSV and
XLSX) and a SHA-256 manifest, in one ZIP written to a temporary file so that memory stays flat.

The manifest uses the `sha256sum` format, so anyone can check the archive with standard tools
(`sha256sum -c SHA256SUMS`); it lists the index files too.
"""

import csv
import hashlib
import io
import posixpath
import re
import tempfile
import zipfile
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts import access
from accounts.models import Structure
from invoices.lifecycle.exports import _csv_value, _xlsx_cell
from invoices.models import Invoice, InvoiceAttachment, InvoiceStatus, StoredFile
from invoices.storage.conservation import CHUNK

MANIFEST = "SHA256SUMS"
_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")


def archive_structures(user):
    """Structures whose yearly archive the user may take: managers, and accountants who see all services."""
    memberships = access.active_memberships(user)
    allowed = [
        m.structure_id
        for m in memberships.prefetch_related("services")
        if m.is_manager or (access.membership_has_right(m, access.TRIAGE) and access.sees_all_services(m))
    ]
    return Structure.objects.filter(pk__in=allowed).order_by("name")


def archive_invoices(structure: Structure, year: int):
    """The invoices the structure sent or received, issued in `year`."""
    return (
        Invoice.objects.filter(Q(recipient=structure) | Q(supplier=structure), year=year)
        .select_related("supplier", "recipient", "original")
        .order_by("issue_date", "number", "pk")
    )


def archive_years(structure: Structure) -> list[int]:
    years = Invoice.objects.filter(Q(recipient=structure) | Q(supplier=structure)).values_list(
        "year", flat=True
    )
    return sorted(set(years.distinct()), reverse=True)


def _safe(text: str, limit: int = 60) -> str:
    return _UNSAFE.sub("_", text).strip("._")[:limit] or "x"


def _member_name(invoice: Invoice, stored: StoredFile, kind: str, n: int = 0) -> str:
    """A readable, unique path in the ZIP: never a name taken as is from an upload (no `..`, no `/`)."""
    ext = posixpath.splitext(stored.original_name)[1].lower()
    ext = ext if re.fullmatch(r"\.[0-9a-z]{1,5}", ext) else ""
    base = f"{invoice.issue_date:%Y-%m-%d}_{_safe(invoice.number)}_{invoice.uuid.hex[:8]}"
    return f"{kind}/{base}{'_PJ' + str(n) if n else ''}{ext}"


@dataclass
class Archive:
    path: str
    filename: str
    invoices: int
    files: int


def _index_columns():
    return [
        _("Numéro"),
        _("Fournisseur"),
        _("SIRET fournisseur"),
        _("Destinataire"),
        _("Date d'émission"),
        _("Date de dépôt"),
        _("Montant HT"),
        _("TVA"),
        _("Montant TTC"),
        _("Devise"),
        _("Statut"),
        _("Original"),
        _("SHA-256 de l'original"),
        _("Pièces jointes"),
    ]


def build_yearly_archive(structure: Structure, year: int, directory: str | None = None) -> Archive:
    """Write the archive ZIP; the caller serves or moves the file and deletes it."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115  (kept past this function: the caller serves it)
        prefix="chorale-archive-", suffix=".zip", dir=directory, delete=False
    )
    sums: list[tuple[str, str]] = []
    rows = []
    count = files = 0
    with handle, zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        attachments = {}
        for attachment in (
            InvoiceAttachment.objects.filter(invoice__in=archive_invoices(structure, year))
            .select_related("stored_file")
            .order_by("pk")
        ):
            attachments.setdefault(attachment.invoice_id, []).append(attachment.stored_file)
        for invoice in archive_invoices(structure, year).iterator(chunk_size=500):
            count += 1
            original = _member_name(invoice, invoice.original, "originaux")
            sums.append((_copy(zf, invoice.original, original), original))
            names = []
            for n, stored in enumerate(attachments.get(invoice.pk, []), start=1):
                name = _member_name(invoice, stored, "pieces_jointes", n)
                sums.append((_copy(zf, stored, name), name))
                names.append(name)
            files += 1 + len(names)
            rows.append(
                [
                    invoice.number,
                    invoice.seller_name or invoice.supplier.name,
                    invoice.seller_siret,
                    invoice.recipient.name,
                    invoice.issue_date,
                    invoice.created_at,
                    invoice.total_without_vat,
                    invoice.total_vat,
                    invoice.total_with_vat,
                    invoice.currency,
                    str(InvoiceStatus(invoice.status).label),
                    original,
                    invoice.original.sha256,
                    " ".join(names),
                ]
            )
        for name, data in (("index.csv", _index_csv(rows)), ("index.xlsx", _index_xlsx(rows))):
            zf.writestr(name, data)
            sums.append((hashlib.sha256(data).hexdigest(), name))
        zf.writestr(MANIFEST, "".join(f"{digest}  {name}\n" for digest, name in sums))
    filename = f"archive_{_safe(structure.identifier)}_{year}.zip"
    return Archive(handle.name, filename, count, files)


def _copy(zf: zipfile.ZipFile, stored: StoredFile, name: str) -> str:
    """Copy a kept file into the ZIP in chunks; its SHA-256 is computed from the bytes actually written."""
    digest = hashlib.sha256()
    with (
        stored.file.storage.open(stored.file.name, "rb") as source,
        zf.open(name, "w", force_zip64=True) as target,
    ):
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            target.write(chunk)
    return digest.hexdigest()


def _index_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(_index_columns())
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _index_xlsx(rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Index"))
    sheet.append(_index_columns())
    for row in rows:
        sheet.append(
            [
                _xlsx_cell(sheet, v.replace(tzinfo=None) if hasattr(v, "tzinfo") and v.tzinfo else v)
                for v in row
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
