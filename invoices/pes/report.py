"""Reading an export back (invoices, report lines, PJ lists, downloads); the preview before an export."""

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse

from accounts.journal import log_event
from accounts.models import Structure
from invoices.models import (
    Invoice,
    PesExport,
    PesExportItem,
    PesFile,
)
from invoices.pes import core as pes
from invoices.pes.core.naming import unique_name
from invoices.pes.documents import left_out_reason, pj_documents


def summaries(invoices: QuerySet[Invoice], reexported_pks=frozenset()) -> list[dict]:
    rows = invoices.select_related("original", "supplier").order_by("issue_date", "number", "pk")
    return [
        {
            "id": str(invoice.uuid),
            "number": invoice.number,
            "year": invoice.year,
            "supplier": invoice.seller_name or invoice.supplier.name,
            "status": invoice.status,
            "format": invoice.format,
            "original_sha256": invoice.original.sha256,
            "reexport": invoice.pk in reexported_pks,
        }
        for invoice in rows
    ]


def export_invoices(export: PesExport) -> QuerySet[Invoice]:
    """The invoices an export carries, in file order."""
    return (
        Invoice.objects.filter(pk__in=PesExportItem.objects.filter(export=export).values("invoice_id"))
        .select_related("supplier", "original")
        .order_by("issue_date", "number", "pk")
    )


def export_invoice_rows(export: PesExport) -> list[dict]:
    """Per invoice of the export: number, supplier, format, SHA-256 of the original, re-exported or not."""
    again = set(
        PesExportItem.objects.filter(export=export).exclude(reason="").values_list("invoice_id", flat=True)
    )
    return summaries(export_invoices(export), again)


def report_lines(export: PesExport, language: str = "fr") -> list[dict]:
    """The report's lines with the message in the user's language."""
    key = "message_en" if (language or "fr").startswith("en") else "message_fr"
    lines = export.report.get("lines", [])
    return [{**line, "message": line.get(key) or line.get("message_fr", "")} for line in lines]


def pj_list_csv(export: PesExport) -> str:
    return pes.pj_list_csv(export.pj_list)


def pj_list_json(export: PesExport) -> str:
    return pes.pj_list_json(export.pj_list)


def record_download(pes_file: PesFile, *, actor, request=None, channel: str = "web") -> None:
    """Journal a download of an export file (who, which file, its SHA-256)."""
    log_event(
        actor,
        "export_download",
        request=request,
        actor=actor,
        detail=(
            f"PES {pes_file.nom_fic}.xml ({pes_file.export.structure.identifier}, export "
            f"{pes_file.export.uuid}, sha256 {pes_file.sha256}, {channel})"
        )[:500],
    )


def record_download_list(export: PesExport, *, actor, request=None, fmt: str = "csv") -> None:
    log_event(
        actor,
        "export_download",
        request=request,
        actor=actor,
        detail=f"Liste des PJ ({fmt}) de l'export PES {export.uuid} ({export.structure.identifier})"[:500],
    )


def open_pes_file(pes_file: PesFile):
    return pes_file.file.storage.open(pes_file.file.name, "rb")


def pes_file_response(pes_file: PesFile) -> FileResponse:
    """The download of one export file (pages and API alike), with its SHA-256 for the receiving end."""
    response = FileResponse(
        open_pes_file(pes_file),
        as_attachment=True,
        filename=f"{pes_file.nom_fic}.xml",
        content_type="application/xml",
    )
    response["X-Content-SHA256"] = pes_file.sha256
    return response


def preview(structure: Structure, selected: list[Invoice], *, shape: str) -> dict:
    """What an export of `selected` would carry: per invoice its documents with their NomPJ and IdUnique.

    Computed without reading the files, so NomPJ collisions (suffixes `_2`) show as they will be written.
    """
    taken: set[str] = set()
    rows = []
    total = 0
    for invoice in selected:
        docs = []
        left_out = left_out_reason(invoice)
        documents = (
            [] if left_out else pj_documents(invoice, with_ref_compta=shape == PesExport.Shape.REF_COMPTA)
        )
        for doc in documents:
            try:
                name = unique_name(pes.document_name(doc), taken)
            except ValueError:
                name = ""
            docs.append(
                {
                    "nom_pj": name,
                    "id_unique": pes.id_unique(structure.identifier, doc.key, revision=doc.revision),
                    "revision": doc.revision,
                    "type_pj": doc.type_pj,
                    "type_objet": doc.ref_compta.type_bordereau if doc.ref_compta else "",
                    "mime_type": doc.mime_type,
                    "size": doc.size,
                    "rendered": doc.size is None,
                }
            )
            total += doc.size or 0
        rows.append({"invoice": invoice, "documents": docs, "left_out": left_out[0] if left_out else ""})
    return {
        "rows": rows,
        "invoices": len(selected),
        "documents": sum(len(r["documents"]) for r in rows),
        "bytes": total,
        "max_file_bytes": settings.CHORALE_PES_MAX_FILE_BYTES,
    }
