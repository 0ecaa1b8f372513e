"""The PES V2 export operation: select, write, validate, keep, mark — in one transaction per export.

The pure writer (`invoices.pes.core`) turns documents into PES_Aller files. Around it: who may export what
(`scope`), the invoices an export takes (`selection`), the documents of one invoice (`documents`), signing
(`signing`) and reading an export back (`report`). This module writes the files in a private temporary folder
(validated against the DGFiP schemas when `CHORALE_PES_XSD_DIR` is set), then keeps them in Django storage
with a record of who exported what. A file that does not validate is never kept.
"""

import logging
import shutil
import tempfile
import uuid as uuid_lib
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.journal import log_event
from accounts.models import Structure
from invoices.models import (
    Invoice,
    InvoiceAttachment,
    PesExport,
    PesExportItem,
    PesFile,
)
from invoices.pes import core as pes
from invoices.pes.documents import invoice_of_key, left_out_reason, pj_documents, renderer
from invoices.pes.report import summaries
from invoices.pes.scope import (
    SHAPES,
    XML_FORMATS,
    AlreadyExported,
    ExportFilters,
    InvalidPesFile,
    NothingToExport,
    PesExportError,
    check_pes_parameters,
    export_memberships,
    parameters_refused,
)
from invoices.pes.selection import (
    BATCH,
    batches,
    check_shape,
    listed,
    numbers_of,
    previously_exported,
    selected_pks,
)
from invoices.pes.signing import SIGNATURE_ROOM, sign_files, signing_certificate_for

logger = logging.getLogger(__name__)


def _journal(actor, detail: str) -> None:
    if actor is not None:
        log_event(actor, "other", detail=detail, actor=actor)
    logger.info("%s", detail)


def _nom_fic_prefix(header: pes.PesHeader, export_uuid: uuid_lib.UUID, now) -> str:
    # The date alone is not unique: two exports of the same second must not share a NomFic.
    return f"{header.typ_fic}_{header.id_coll}_{now:%Y%m%d%H%M%S}_{export_uuid.hex[:8].upper()}"


def _line(level: str, code: str, fr: str, en: str, key: str | None = None) -> dict:
    return pes.ReportLine(level, code, fr, en, document_key=key).as_dict()


def export_pes(
    structure: Structure,
    *,
    actor,
    invoices: Iterable | None = None,
    filters: ExportFilters | None = None,
    shape: str = PesExport.Shape.PJ_LIST,
    reexport_reason: str | None = None,
    sign: bool = True,
) -> PesExport:
    """Write the PES_Aller file(s) carrying the selected invoices and record the export.

    `invoices` (objects or UUIDs) is an explicit selection; without it, every exportable invoice matching
    `filters` and suiting `shape` goes. An invoice exported before goes again only with `reexport_reason`
    (journaled), under the same IdUnique. `actor` None is the scheduled export (every service). The files
    are signed when `sign` and the actor holds a signing certificate for the structure; otherwise they are
    left for the body's parapheur.
    """
    try:
        with transaction.atomic():
            return _export(structure, actor, invoices, filters, shape, reexport_reason, sign)
    except InvalidPesFile as exc:
        # Journaled outside the rolled-back transaction, so the refusal stays on record.
        _journal(actor, exc.journal)
        raise


def _export(structure, actor, invoices, filters, shape, reexport_reason, sign) -> PesExport:
    if shape not in SHAPES:
        raise PesExportError(_("Forme d'export inconnue : %(shape)s.") % {"shape": shape})
    if actor is not None and not export_memberships(actor).filter(structure=structure).exists():
        raise Http404("No such structure")
    header = check_pes_parameters(structure)
    # One export at a time per structure, so two concurrent exports cannot carry the same invoice. NO KEY
    # UPDATE where available: deposits to the structure (foreign-key share locks) are not blocked meanwhile.
    list(
        Structure.objects.select_for_update(no_key=connection.features.has_select_for_no_key_update)
        .filter(pk=structure.pk)
        .values_list("pk", flat=True)
    )

    pks = selected_pks(structure, actor=actor, invoices=invoices, filters=filters, shape=shape)
    if not pks:
        raise NothingToExport(
            _(
                "Aucune facture à exporter : aucune facture acceptée et non encore exportée "
                "ne correspond à votre sélection."
            )
        )
    check_shape(pks, shape)
    reason = " ".join((reexport_reason or "").split())
    exported_before = previously_exported(pks)
    if exported_before and not reason:
        count, numbers, ids = numbers_of(Invoice.objects.all(), sorted(exported_before))
        raise AlreadyExported(
            _("Déjà exportée(s) : %(numbers)s. Un nouvel export de ces factures demande un motif.")
            % {"numbers": listed(count, numbers)},
            details=ids,
        )

    export_uuid = uuid_lib.uuid4()
    now = timezone.localtime()
    run = _Run(pks, with_ref_compta=shape == PesExport.Shape.REF_COMPTA)
    certificate = signing_certificate_for(actor, structure) if sign else None
    # A signature adds a few kilobytes at the end of each file: room is kept for it under the cap.
    room = min(SIGNATURE_ROOM, settings.CHORALE_PES_MAX_FILE_BYTES // 8) if certificate else 0
    workdir = tempfile.mkdtemp(prefix="chorale-pes-")
    try:
        report = _write(structure, run.documents(), header, workdir, export_uuid, now, room)
        signature = sign_files(report, certificate) if certificate else None
        export = _record(structure, actor, shape, run, exported_before, reason, report, export_uuid)
        if signature:
            export.report["signature"] = signature
            export.save(update_fields=["report"])
        return export
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


class _Run:
    """The documents of the selected invoices, read batch by batch as the writer asks for them."""

    def __init__(self, pks: list[int], *, with_ref_compta: bool):
        self.pks = pks
        self.with_ref_compta = with_ref_compta
        self.pk_of: dict[str, int] = {}
        self.revision_of: dict[str, int] = {}
        self.left_out: dict[str, dict] = {}
        """Invoices that cannot go on the expense side at all (a credit note of a closed exercice)."""
        self.xml_formats = 0

    def documents(self) -> Iterator[pes.PjDocument]:
        for batch in batches(self.pks):
            # Attachments fetched per batch into a plain dict: prefetch_related would tie each batch's objects
            # in reference cycles that outlive the batch until the cyclic collector runs.
            attachments: dict[int, list[InvoiceAttachment]] = {}
            rows = InvoiceAttachment.objects.filter(invoice_id__in=batch).select_related("stored_file")
            for attachment in rows.order_by("pk"):
                attachments.setdefault(attachment.invoice_id, []).append(attachment)
            invoices = Invoice.objects.filter(pk__in=batch).select_related("supplier", "original")
            position = {pk: n for n, pk in enumerate(batch)}
            for invoice in sorted(invoices, key=lambda i: position[i.pk]):
                key = str(invoice.uuid)
                reason = left_out_reason(invoice)
                if reason is not None:
                    fr, en = reason
                    self.left_out[key] = _line(
                        "error",
                        "left_out_previous_exercice",
                        f"Facture {invoice.number} : {fr}",
                        f"Invoice {invoice.number}: {en}",
                        key,
                    )
                    continue
                self.pk_of[key] = invoice.pk
                self.revision_of[key] = invoice.revision
                self.xml_formats += invoice.format in XML_FORMATS
                yield from pj_documents(
                    invoice, with_ref_compta=self.with_ref_compta, attachments=attachments.get(invoice.pk, [])
                )


def _write(structure, documents, header, workdir, export_uuid, now, room=0) -> pes.ExportReport:
    xsd_dir = settings.CHORALE_PES_XSD_DIR or None
    try:
        return pes.write_pes(
            documents,
            header,
            workdir,
            max_bytes=settings.CHORALE_PES_MAX_FILE_BYTES - room,
            nom_fic_prefix=_nom_fic_prefix(header, export_uuid, now),
            xsd_dir=xsd_dir,
            now=now.replace(tzinfo=None),
        )
    except pes.InvalidHeaderError as exc:
        raise parameters_refused(exc.errors) from exc
    except pes.EmptyExportError as exc:
        raise NothingToExport(_("Aucune facture à exporter.")) from exc
    except pes.PesValidationError as exc:
        # Never offered: the writer deleted the file. Journaled (by export_pes) for the exporter and support.
        logger.error("PES file %s failed schema validation: %s", exc.path, exc.errors)
        error = InvalidPesFile(
            _(
                "Le fichier PES écrit n'est pas conforme au schéma PES_Aller ; il n'est pas proposé au "
                "téléchargement. L'erreur a été journalisée."
            ),
            details=exc.errors[:20],
        )
        error.journal = (
            f"Export PES refusé pour {structure.identifier} : fichier {exc.path} non conforme "
            f"au schéma PES_Aller ({'; '.join(exc.errors[:3])})"
        )[:500]
        raise error from exc
    except pes.SchemaNotFoundError as exc:
        logger.error("PES schemas not found: %s", exc)
        raise PesExportError(
            _("Les schémas PES configurés sont introuvables : export impossible."), details=[str(exc)]
        ) from exc


def _record(structure, actor, shape, run: _Run, exported_before, reason, report, export_uuid) -> PesExport:
    """Keep the files in storage and mark each invoice whose documents were all written."""
    skipped = {invoice_of_key(key) for key in report.skipped_keys}
    written = {invoice_of_key(pj.key) for pj in report.documents}
    done = {key for key in written if key not in skipped}
    lines = [line.as_dict() for line in report.lines]
    if run.xml_formats and renderer() is None:
        lines.append(
            _line(
                "warning",
                "no_rendering",
                "La version lisible (PDF) des factures CII/UBL n'est pas disponible : seul le XML "
                "d'origine est joint.",
                "The readable PDF of CII/UBL invoices is not available: only the original XML is attached.",
            )
        )
    lines += list(run.left_out.values())
    left_out = [key for key in run.pk_of if key not in done]
    left_out_rows = summaries(Invoice.objects.filter(uuid__in=left_out[:100]), exported_before)
    set_aside = summaries(Invoice.objects.filter(uuid__in=list(run.left_out)[:100]), exported_before)
    for row in left_out_rows:
        lines.append(
            _line(
                "error",
                "invoice_not_exported",
                f"Facture {row['number']} : une de ses pièces n'a pas pu être écrite ; elle n'est pas "
                "marquée exportée.",
                f"Invoice {row['number']}: one of its documents could not be written; not marked exported.",
                row["id"],
            )
        )
    left_out_rows += set_aside
    if not done:
        raise NothingToExport(
            _("Aucune facture n'a pu être écrite dans le fichier PES."),
            details=[line["message_fr"] for line in lines if line["level"] == "error"],
        )
    stored_paths = []
    try:
        export = PesExport.objects.create(
            uuid=export_uuid, structure=structure, created_by=actor, shape=shape, report={}, pj_list=[]
        )
        files_by_nom = {}
        for written_file in report.files:
            pes_file = PesFile(
                export=export,
                nom_fic=written_file.nom_fic,
                size=written_file.size,
                sha256=written_file.sha256,
            )
            with written_file.path.open("rb") as handle:
                pes_file.file.save(f"{written_file.nom_fic}.xml", File(handle), save=False)
            stored_paths.append(pes_file.file.name)
            pes_file.save()
            files_by_nom[written_file.nom_fic] = pes_file
        items = []
        for pj in report.documents:
            key = invoice_of_key(pj.key)
            if key not in done:
                continue
            pk = run.pk_of[key]
            items.append(
                PesExportItem(
                    export=export,
                    invoice_id=pk,
                    pes_file=files_by_nom[pj.nom_fic],
                    id_unique=pj.id_unique,
                    nom_pj=pj.nom_pj,
                    reason=reason if pk in exported_before else "",
                    revision=run.revision_of[key],
                )
            )
            if len(items) >= BATCH:
                PesExportItem.objects.bulk_create(items)
                items = []
        PesExportItem.objects.bulk_create(items)
        if shape == PesExport.Shape.PJ_LIST:
            # What the financial software needs for its PJRef; with RefCompta the PJ link themselves.
            export.pj_list = [row for row in report.pj_list if invoice_of_key(row["document_key"]) in done]
        reexported = len({run.pk_of[key] for key in done} & exported_before)
        export.report = {
            "files": [
                {"nom_fic": f.nom_fic, "size": f.size, "sha256": f.sha256, "documents": len(f.documents)}
                for f in report.files
            ],
            "lines": lines,
            "skipped": report.skipped_keys,
            "invoice_count": len(done),
            "document_count": sum(len(f.documents) for f in report.files),
            "reexport_count": reexported,
            "left_out": left_out_rows,
            "reexport_reason": reason if reexported else "",
            "validated": bool(settings.CHORALE_PES_XSD_DIR),
        }
        export.save(update_fields=["pj_list", "report"])
    except BaseException:
        for name in stored_paths:
            PesFile._meta.get_field("file").storage.delete(name)
        raise
    if reexported:
        again = Invoice.objects.filter(pes_items__export=export, pk__in=exported_before).distinct()
        numbers = list(again.values_list("number", flat=True)[:20])
        _journal(
            actor,
            (
                f"Réexport PES {export.uuid} ({structure.identifier}) de {reexported} facture(s) "
                f"({listed(reexported, numbers)}), motif : {reason}"
            )[:500],
        )
    count = len(done)
    transaction.on_commit(
        lambda: logger.info(
            "PES export %s for %s: %d invoice(s), %d file(s)",
            export_uuid,
            structure.identifier,
            count,
            len(files_by_nom),
        )
    )
    return export
