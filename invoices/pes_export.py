"""PES V2 export of accepted invoices: which invoices may go, what each one carries, where the files are kept.

The pure writer (`invoices.pes`) turns documents into PES_Aller files; this module decides which invoices
an accountant may export, builds their documents from the stored originals, writes the files in a private
temporary folder (validated against the DGFiP schemas when `CHORALE_PES_XSD_DIR` is set), then keeps them in
Django storage with a record of who exported what. A file that does not validate is never kept.
"""

import base64
import contextlib
import hashlib
import logging
import shutil
import tempfile
import uuid as uuid_lib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import access
from accounts.journal import log_event
from accounts.models import Membership, Service, Structure
from invoices import pes, queries
from invoices.models import (
    Invoice,
    InvoiceAttachment,
    PesExport,
    PesExportItem,
    PesFile,
    PesSigningCertificate,
)
from invoices.pes.naming import unique_name
from invoices.statuses import InvoiceStatus

logger = logging.getLogger(__name__)

ACCEPTED_STATUSES = (
    InvoiceStatus.SERVICE_FAIT,
    InvoiceStatus.MANDATEE,
    InvoiceStatus.MISE_A_DISPOSITION_COMPTABLE,
    InvoiceStatus.COMPTABILISEE,
    InvoiceStatus.MISE_EN_PAIEMENT,
)
SHAPES = tuple(PesExport.Shape.values)
XML_FORMATS = ("cii", "ubl")
TYPE_PJ_INVOICE = "003"  # Dépense: a supplier invoice on the expense side (CommunPES.xsd, TPJ)

# The structure's PES parameters, named as the writer's PesHeader names them, with the label users see.
PARAMETER_LABELS = {
    "id_post": gettext_lazy("poste comptable (IdPost)"),
    "id_coll": gettext_lazy("SIRET de la collectivité (IdColl)"),
    "cod_col": gettext_lazy("code collectivité (CodCol)"),
    "cod_bud": gettext_lazy("code budget (CodBud)"),
    "libelle_col_bud": gettext_lazy("libellé collectivité/budget"),
}


class PesExportError(Exception):
    """An export refused for a reason the user can act on; nothing was kept nor marked."""

    def __init__(self, message: str, *, details: Iterable[str] = ()):
        super().__init__(message)
        self.message = message
        self.details = list(details)


class MissingPesParameters(PesExportError):
    """The structure's PES parameters are missing or wrong; `fields` names them (PesHeader names)."""

    def __init__(self, message: str, *, fields: list[str], details: Iterable[str] = ()):
        super().__init__(message, details=details)
        self.fields = fields


class NothingToExport(PesExportError):
    pass


class AlreadyExported(PesExportError):
    """Some selected invoices were exported before: a re-export needs a reason."""


class InvalidPesFile(PesExportError):
    """A written file did not validate against the schemas; it was deleted, the failure journaled."""

    journal = ""


@dataclass(frozen=True)
class ExportFilters:
    """What the accountant narrows the exportable invoices to (every field optional)."""

    service: Service | None = None
    supplier: str = ""
    """A supplier SIRET, or part of the supplier's name."""
    number: str = ""
    issued_from: date | None = None
    issued_to: date | None = None
    since: date | None = None
    """Invoices whose status changed on or after this day (the scheduled export's `--since`)."""
    status: str = ""


# Who may export -------------------------------------------------------------------------------------


def export_memberships(user) -> QuerySet[Membership]:
    """The user's memberships of public structures that carry the PES export right (managers hold it)."""
    memberships = access.memberships_with_right(user, access.EXPORT_PES)
    return memberships.filter(structure__kind=Structure.Kind.PUBLIC)


def exportable_structures(user) -> QuerySet[Structure]:
    return Structure.objects.filter(pk__in=export_memberships(user).values("structure")).order_by("name")


def get_structure_for_exporter(user, key) -> Structure:
    """The public structure (by UUID or SIRET) the user may export for, else 404.

    A member without the export right gets 404 too: the export pages reveal invoices' amounts and suppliers.
    """
    key = str(key or "").strip()
    lookup = Q(structure__identifier=key)
    with contextlib.suppress(ValueError):
        lookup |= Q(structure__uuid=uuid_lib.UUID(key))
    membership = export_memberships(user).filter(lookup).first()
    if membership is None:
        raise Http404("No such structure")
    structure = membership.structure
    structure.membership_of_user = membership
    return structure


def _membership(user, structure: Structure) -> Membership | None:
    membership = getattr(structure, "membership_of_user", None)
    if membership is not None and membership.user_id == getattr(user, "pk", None):
        return membership
    return export_memberships(user).filter(structure=structure).first()


def invoices_in_scope(structure: Structure, *, actor) -> QuerySet[Invoice]:
    """Accepted invoices of the structure within the actor's services (every one for a scheduled export)."""
    if actor is None:
        invoices = Invoice.objects.all()
    else:
        invoices = queries.received_invoices_for(actor, right=queries.EXPORT_PES)
    return invoices.filter(recipient=structure, status__in=ACCEPTED_STATUSES)


def _exported():
    return Exists(PesExportItem.objects.filter(invoice=OuterRef("pk")))


def _mandated() -> Q:
    return Q(mandat_exercice__isnull=False) & ~Q(mandat_numero="")


def exportable_invoices(
    structure: Structure, *, actor, filters: ExportFilters | None = None, shape: str | None = None
) -> QuerySet[Invoice]:
    """Accepted, not yet exported invoices the actor may export, narrowed by `filters`.

    With a shape, only those it suits: RefCompta needs the mandat reference, the PJ list is for the others.
    """
    invoices = invoices_in_scope(structure, actor=actor).filter(~_exported())
    if shape == PesExport.Shape.REF_COMPTA:
        invoices = invoices.filter(_mandated())
    elif shape == PesExport.Shape.PJ_LIST:
        invoices = invoices.exclude(_mandated())
    invoices = _filtered(invoices, filters or ExportFilters())
    return invoices.select_related("supplier", "service", "original").order_by("issue_date", "number", "pk")


def _filtered(invoices: QuerySet[Invoice], f: ExportFilters) -> QuerySet[Invoice]:
    if f.service is not None:
        invoices = invoices.filter(service=f.service)
    if f.supplier:
        text = f.supplier.strip()
        invoices = invoices.filter(
            Q(supplier__identifier=text)
            | Q(seller_siret=text)
            | Q(seller_name__icontains=text)
            | Q(supplier__name__icontains=text)
        )
    if f.number:
        invoices = invoices.filter(number__icontains=f.number.strip())
    if f.issued_from:
        invoices = invoices.filter(issue_date__gte=f.issued_from)
    if f.issued_to:
        invoices = invoices.filter(issue_date__lte=f.issued_to)
    if f.since:
        invoices = invoices.filter(status_changed_at__date__gte=f.since)
    if f.status:
        invoices = invoices.filter(status=f.status)
    return invoices


def is_exported(invoice: Invoice) -> bool:
    return PesExportItem.objects.filter(invoice=invoice).exists()


def structure_exports(structure: Structure, *, actor) -> QuerySet[PesExport]:
    """The structure's past exports the actor may see, newest first."""
    exports = PesExport.objects.filter(structure=structure)
    membership = _membership(actor, structure)
    if membership is None:
        return PesExport.objects.none()
    if not access.sees_all_services(membership):
        # A member limited to some services sees only exports made entirely of their services' invoices.
        outside = PesExportItem.objects.filter(export=OuterRef("pk")).exclude(
            invoice__service__in=access.visible_services(membership)
        )
        exports = exports.filter(~Exists(outside))
    return exports.select_related("created_by").prefetch_related("files").order_by("-created_at", "-pk")


def get_export_for_user(user, export_uuid) -> PesExport:
    """The export with this public id if the user may export for its structure and services, else 404."""
    try:
        key = uuid_lib.UUID(str(export_uuid))
    except ValueError:
        raise Http404("No such export") from None
    export = PesExport.objects.select_related("structure", "created_by").filter(uuid=key).first()
    if export is None or not export_memberships(user).filter(structure=export.structure).exists():
        raise Http404("No such export")
    if not structure_exports(export.structure, actor=user).filter(pk=export.pk).exists():
        raise Http404("No such export")
    return export


def get_pes_file(export: PesExport, n) -> PesFile:
    """The n-th file (1-based) of an export already found through `get_export_for_user`, else 404."""
    try:
        index = int(n)
    except (TypeError, ValueError):
        raise Http404("No such file") from None
    files = list(export.files.order_by("nom_fic", "pk"))
    if not 1 <= index <= len(files):
        raise Http404("No such file")
    return files[index - 1]


# PES parameters ---------------------------------------------------------------------------------------


def pes_header(structure: Structure) -> pes.PesHeader:
    return pes.PesHeader(
        id_post=structure.pes_id_post.strip(),
        id_coll=structure.identifier.strip(),
        cod_col=structure.pes_cod_col.strip(),
        cod_bud=structure.pes_cod_bud.strip(),
        libelle_col_bud=structure.pes_libelle_col_bud.strip(),
    )


def pes_parameter_errors(structure: Structure) -> list[pes.FieldError]:
    """Why the structure cannot export yet (empty list: it can), by PesHeader field."""
    return pes.validate_header(pes_header(structure))


def has_pes_parameters(structure: Structure) -> bool:
    return structure.is_public and not pes_parameter_errors(structure)


def _parameters_refused(errors: list[pes.FieldError]) -> MissingPesParameters:
    names = [str(PARAMETER_LABELS.get(e.field, e.field)) for e in errors]
    missing = [e for e in errors if e.code == "required"]
    wrong = [e for e in errors if e.code != "required"]
    parts = []
    if missing:
        parts.append(
            _("paramètres PES manquants : %(names)s")
            % {"names": ", ".join(str(PARAMETER_LABELS.get(e.field, e.field)) for e in missing)}
        )
    if wrong:
        parts.append(
            _("paramètres PES invalides : %(names)s")
            % {"names": ", ".join(str(PARAMETER_LABELS.get(e.field, e.field)) for e in wrong)}
        )
    message = _("Export impossible, %(what)s. Un gestionnaire de la structure doit les renseigner.") % {
        "what": " ; ".join(parts)
    }
    details = [f"{name} : {error.message_fr}" for name, error in zip(names, errors, strict=True)]
    return MissingPesParameters(message, fields=[e.field for e in errors], details=details)


def check_pes_parameters(structure: Structure) -> pes.PesHeader:
    """The structure's header, or MissingPesParameters naming every missing or wrong parameter."""
    if not structure.is_public:
        raise PesExportError(_("Seule une entité publique exporte en PES."))
    errors = pes_parameter_errors(structure)
    if errors:
        raise _parameters_refused(errors)
    return pes_header(structure)


# What goes in --------------------------------------------------------------------------------------


def document_key(invoice: Invoice, part: str = "") -> str:
    """The stable identity of one document of an invoice; IdUnique derives from it (same on re-export)."""
    return f"{invoice.uuid}/{part}" if part else str(invoice.uuid)


def invoice_of_key(key: str) -> str:
    return str(key).split("/", 1)[0]


def _ref_compta(invoice: Invoice) -> pes.RefCompta:
    return pes.RefCompta(
        exercice=invoice.mandat_exercice,
        id_pce=invoice.mandat_numero.strip(),
        id_ligne=invoice.mandat_ligne.strip(),
    )


def _opener(stored_file):
    # Storage.open returns a fresh file object each call; the writer reads it in chunks and closes it.
    return lambda: stored_file.file.storage.open(stored_file.file.name, "rb")


def _extension(name: str, default: str) -> str:
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    return ext if ext.isalnum() and 2 <= len(ext) <= 4 else default


def _mime(stored_file, default: str) -> str:
    return (stored_file.content_type or "").split(";")[0].strip() or default


def _renderer():
    """The portal's readable PDF rendering of an invoice (`invoices.rendering`), or None when absent."""
    try:
        from invoices.rendering import render_invoice_pdf
    except ImportError:
        return None
    return render_invoice_pdf


def _rendered_pdf(invoice: Invoice):
    rendered = _renderer()(invoice)
    if isinstance(rendered, bytes | bytearray):
        return [bytes(rendered)]
    return rendered


def pj_documents(invoice: Invoice, *, with_ref_compta: bool, attachments=None) -> Iterator[pes.PjDocument]:
    """The PJ of one invoice, original first.

    A Factur-X or PDF deposit goes as its original PDF byte-for-byte; a CII or UBL deposit as its original
    XML plus the portal's readable PDF rendering (Hélios agreements ask for a document a person can read).
    Then the invoice's attachments, each as a further PJ (`attachments`: already fetched, else queried).
    """
    ref = _ref_compta(invoice) if with_ref_compta else None
    common = {
        "invoice_number": invoice.number,
        "year": invoice.year,
        "supplier_name": invoice.seller_name or invoice.supplier.name,
        "type_pj": TYPE_PJ_INVOICE,
        "ref_compta": ref,
    }
    original = invoice.original
    supplier = common["supplier_name"]
    if invoice.format in XML_FORMATS:
        yield pes.PjDocument(
            key=document_key(invoice),
            open=_opener(original),
            extension="xml",
            mime_type="application/xml",
            size=original.size,
            description=f"Facture {invoice.number} {supplier} ({invoice.format.upper()} d'origine)",
            **common,
        )
        if _renderer() is not None:
            yield pes.PjDocument(
                key=document_key(invoice, "pdf"),
                open=lambda: _rendered_pdf(invoice),
                extension="pdf",
                mime_type="application/pdf",
                description=f"Facture {invoice.number} {supplier} (version lisible)",
                **common,
            )
    else:
        yield pes.PjDocument(
            key=document_key(invoice),
            open=_opener(original),
            extension=_extension(original.original_name, "pdf"),
            mime_type=_mime(original, "application/pdf"),
            size=original.size,
            description=f"Facture {invoice.number} {supplier}",
            **common,
        )
    if attachments is None:
        attachments = invoice.attachments.select_related("stored_file").order_by("pk")
    for attachment in attachments:
        stored = attachment.stored_file
        yield pes.PjDocument(
            key=document_key(invoice, f"pj/{stored.uuid}"),
            open=_opener(stored),
            extension=_extension(stored.original_name, "bin"),
            mime_type=_mime(stored, "application/octet-stream"),
            size=stored.size,
            description=f"Pièce jointe {stored.original_name} de la facture {invoice.number} {supplier}",
            **common,
        )


# The export ----------------------------------------------------------------------------------------

# Invoices are read and marked by batches: memory holds one batch, never the whole export.
BATCH = 200


def _batches(values: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _ordered(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return invoices.order_by("issue_date", "number", "pk")


def _selected(structure: Structure, *, actor, invoices, filters, shape) -> list[int]:
    """The primary keys of the invoices to export, in file order."""
    if invoices is None:
        return list(
            exportable_invoices(structure, actor=actor, filters=filters, shape=shape).values_list(
                "pk", flat=True
            )
        )
    wanted = {str(getattr(i, "uuid", i)) for i in invoices}
    found = []
    for batch in _batches(sorted(wanted)):
        found += invoices_in_scope(structure, actor=actor).filter(uuid__in=batch).values_list("pk", "uuid")
    unknown = wanted - {str(key) for _pk, key in found}
    if unknown:
        raise PesExportError(
            _(
                "%(count)d facture(s) sélectionnée(s) ne peuvent pas être exportées : introuvables, hors de "
                "vos services ou pas encore acceptées."
            )
            % {"count": len(unknown)},
            details=sorted(unknown),
        )
    pks = [pk for pk, _key in found]
    ordered = []
    for batch in _batches(pks):
        ordered += _ordered(Invoice.objects.filter(pk__in=batch)).values_list("issue_date", "number", "pk")
    return [pk for *_sort, pk in sorted(ordered)]


def _numbers(
    invoices: QuerySet[Invoice], pks: list[int], limit: int = 20
) -> tuple[int, list[str], list[str]]:
    """How many of `pks` are in `invoices`, with (at most `limit` of) their numbers and ids."""
    count, numbers, ids = 0, [], []
    for batch in _batches(pks):
        rows = invoices.filter(pk__in=batch).values_list("number", "uuid")
        for number, key in rows:
            count += 1
            if len(numbers) < limit:
                numbers.append(number)
                ids.append(str(key))
    return count, numbers, ids


def _listed(count: int, numbers: list[str]) -> str:
    return ", ".join(numbers) + ("…" if count > len(numbers) else "")


def _check_shape(pks: list[int], shape: str) -> None:
    if shape != PesExport.Shape.REF_COMPTA:
        return
    count, numbers, ids = _numbers(Invoice.objects.exclude(_mandated()), pks)
    if count:
        raise PesExportError(
            _(
                "Le lien RefCompta demande la référence du mandat ; ces factures ne l'ont pas : "
                "%(numbers)s. Exportez-les avec la liste pour les PJRef."
            )
            % {"numbers": _listed(count, numbers)},
            details=ids,
        )


def _exported_before(pks: list[int]) -> set[int]:
    before = set()
    for batch in _batches(pks):
        before.update(PesExportItem.objects.filter(invoice_id__in=batch).values_list("invoice_id", flat=True))
    return before


def export_problems(structure: Structure, selected: list[Invoice], *, shape: str) -> list[str]:
    """Why exporting `selected` with `shape` would be refused, for the preview (empty: it can go)."""
    pks = [i.pk for i in selected]
    problems = []
    for check in (lambda: check_pes_parameters(structure), lambda: _check_shape(pks, shape)):
        try:
            check()
        except PesExportError as exc:
            problems.append(exc.message)
    exported = _exported_before(pks)
    if exported:
        problems.append(
            _("%(count)d facture(s) déjà exportée(s) : un réexport demande un motif.")
            % {"count": len(exported)}
        )
    return problems


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

    pks = _selected(structure, actor=actor, invoices=invoices, filters=filters, shape=shape)
    if not pks:
        raise NothingToExport(
            _(
                "Aucune facture à exporter : aucune facture acceptée et non encore exportée "
                "ne correspond à votre sélection."
            )
        )
    _check_shape(pks, shape)
    reason = " ".join((reexport_reason or "").split())
    exported_before = _exported_before(pks)
    if exported_before and not reason:
        count, numbers, ids = _numbers(Invoice.objects.all(), sorted(exported_before))
        raise AlreadyExported(
            _("Déjà exportée(s) : %(numbers)s. Un nouvel export de ces factures demande un motif.")
            % {"numbers": _listed(count, numbers)},
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
        signature = _sign_files(report, certificate) if certificate else None
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
        self.xml_formats = 0

    def documents(self) -> Iterator[pes.PjDocument]:
        for batch in _batches(self.pks):
            # Attachments fetched per batch into a plain dict: prefetch_related would tie each batch's objects
            # in reference cycles that outlive the batch until the cyclic collector runs.
            attachments: dict[int, list[InvoiceAttachment]] = {}
            rows = InvoiceAttachment.objects.filter(invoice_id__in=batch).select_related("stored_file")
            for attachment in rows.order_by("pk"):
                attachments.setdefault(attachment.invoice_id, []).append(attachment)
            invoices = Invoice.objects.filter(pk__in=batch).select_related("supplier", "original")
            position = {pk: n for n, pk in enumerate(batch)}
            for invoice in sorted(invoices, key=lambda i: position[i.pk]):
                self.pk_of[str(invoice.uuid)] = invoice.pk
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
        raise _parameters_refused(exc.errors) from exc
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
    if run.xml_formats and _renderer() is None:
        lines.append(
            _line(
                "warning",
                "no_rendering",
                "La version lisible (PDF) des factures CII/UBL n'est pas disponible : seul le XML "
                "d'origine est joint.",
                "The readable PDF of CII/UBL invoices is not available: only the original XML is attached.",
            )
        )
    left_out = [key for key in run.pk_of if key not in done]
    left_out_rows = _summaries(Invoice.objects.filter(uuid__in=left_out[:100]), exported_before)
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
                f"({_listed(reexported, numbers)}), motif : {reason}"
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


def _summaries(invoices: QuerySet[Invoice], reexported_pks=frozenset()) -> list[dict]:
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


# Reading an export back ----------------------------------------------------------------------------


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
    return _summaries(export_invoices(export), again)


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
        for doc in pj_documents(invoice, with_ref_compta=shape == PesExport.Shape.REF_COMPTA):
            try:
                name = pes.pj_name(doc.invoice_number, doc.year, doc.supplier_name, doc.extension)
                name = unique_name(name, taken)
            except ValueError:
                name = ""
            docs.append(
                {
                    "nom_pj": name,
                    "id_unique": pes.id_unique(structure.identifier, doc.key),
                    "mime_type": doc.mime_type,
                    "size": doc.size,
                    "rendered": doc.size is None,
                }
            )
            total += doc.size or 0
        rows.append({"invoice": invoice, "documents": docs})
    return {
        "rows": rows,
        "invoices": len(selected),
        "documents": sum(len(r["documents"]) for r in rows),
        "bytes": total,
        "max_file_bytes": settings.CHORALE_PES_MAX_FILE_BYTES,
    }


# Signing ---------------------------------------------------------------------------------------------

SIGNATURE_ROOM = 16 * 1024


class CertificateError(PesExportError):
    """A signing certificate refused (unreadable, wrong password, expired, structures not allowed)."""


def _fernet():
    # The PKCS#12 and its password are encrypted with a key derived from SECRET_KEY: a database dump alone
    # does not hand out anyone's signature. Rotating SECRET_KEY means uploading the certificates again.
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"chorale-pes-signing", info=b"pkcs12").derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _read_pkcs12(pkcs12_bytes: bytes, password: str):
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        key, cert, _chain = pkcs12.load_key_and_certificates(pkcs12_bytes, password.encode() or None)
    except (ValueError, TypeError) as exc:
        raise CertificateError(_("Fichier PKCS#12 illisible ou mot de passe erroné.")) from exc
    if key is None or cert is None:
        raise CertificateError(_("Le fichier PKCS#12 doit contenir la clé privée et son certificat."))
    return cert


def user_certificates(user) -> QuerySet[PesSigningCertificate]:
    """The user's own signing certificates (never anyone else's)."""
    return PesSigningCertificate.objects.filter(owner=user).prefetch_related("structures")


def get_certificate_for_user(user, certificate_uuid) -> PesSigningCertificate:
    """One of the user's own certificates, else 404: a certificate is personal, even to a manager."""
    try:
        key = uuid_lib.UUID(str(certificate_uuid))
    except ValueError:
        raise Http404("No such certificate") from None
    certificate = user_certificates(user).filter(uuid=key).first()
    if certificate is None:
        raise Http404("No such certificate")
    return certificate


@transaction.atomic
def add_signing_certificate(
    owner, *, pkcs12_bytes: bytes, password: str, label: str, structures: Iterable[Structure]
) -> PesSigningCertificate:
    """Keep `owner`'s PKCS#12 to sign their exports for `structures` (where they hold the export right)."""
    structures = list(structures)
    allowed = set(exportable_structures(owner).values_list("pk", flat=True))
    if not structures or any(s.pk not in allowed for s in structures):
        raise CertificateError(
            _("Choisissez des structures pour lesquelles vous avez le droit d'export PES.")
        )
    cert = _read_pkcs12(pkcs12_bytes, password)
    if cert.not_valid_after_utc <= timezone.now():
        raise CertificateError(_("Ce certificat a expiré."))
    fernet = _fernet()
    certificate = PesSigningCertificate.objects.create(
        owner=owner,
        label=label.strip() or cert.subject.rfc4514_string()[:200],
        subject=cert.subject.rfc4514_string()[:500],
        issuer=cert.issuer.rfc4514_string()[:500],
        serial_number=format(cert.serial_number, "X")[:100],
        not_after=cert.not_valid_after_utc,
        pkcs12_encrypted=fernet.encrypt(pkcs12_bytes),
        password_encrypted=fernet.encrypt(password.encode()),
    )
    certificate.structures.set(structures)
    log_event(
        owner,
        "other",
        actor=owner,
        detail=f"Certificat de signature PES ajouté : {certificate.subject}"[:500],
    )
    return certificate


@transaction.atomic
def revoke_signing_certificate(certificate: PesSigningCertificate, *, actor) -> PesSigningCertificate:
    """Stop using a certificate and forget its key material (only its owner may)."""
    if certificate.owner_id != actor.pk:
        raise Http404("No such certificate")
    certificate.revoked_at = timezone.now()
    certificate.pkcs12_encrypted = b""
    certificate.password_encrypted = b""
    certificate.save(update_fields=["revoked_at", "pkcs12_encrypted", "password_encrypted"])
    log_event(
        actor,
        "other",
        actor=actor,
        detail=f"Certificat de signature PES retiré : {certificate.subject}"[:500],
    )
    return certificate


def signing_certificate_for(actor, structure: Structure) -> PesSigningCertificate | None:
    """The actor's own valid certificate for the structure; a scheduled export (no actor) is never signed.

    Only the owner's certificate signs the owner's export: another member's certificate configured for the
    same structure never signs on their behalf.
    """
    if actor is None or not getattr(actor, "pk", None):
        return None
    return (
        PesSigningCertificate.objects.filter(
            owner=actor, structures=structure, revoked_at__isnull=True, not_after__gt=timezone.now()
        )
        .order_by("-created_at")
        .first()
    )


def _sign_files(report: pes.ExportReport, certificate: PesSigningCertificate) -> dict:
    """Sign every written file in place (enveloped XAdES, verified and re-validated by the signer)."""
    fernet = _fernet()
    pkcs12_bytes = fernet.decrypt(bytes(certificate.pkcs12_encrypted))
    password = fernet.decrypt(bytes(certificate.password_encrypted)).decode()
    xsd_dir = settings.CHORALE_PES_XSD_DIR or None
    info = None
    for written in report.files:
        signed = written.path.with_suffix(".signed.xml")
        try:
            info = pes.sign_pes(written.path, signed, pkcs12_bytes, password, xsd_dir=xsd_dir)
        except pes.PesSignatureError as exc:
            logger.error("PES signature failed with certificate %s: %s", certificate.uuid, exc)
            raise PesExportError(
                _("La signature du fichier PES a échoué : export abandonné."), details=[str(exc)]
            ) from exc
        signed.replace(written.path)
        written.size, written.sha256 = _digest(written.path)
    return {
        "certificate": str(certificate.uuid),
        "subject": info.subject if info else certificate.subject,
        "signing_time": info.signing_time if info else "",
    }


def _digest(path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            size += len(chunk)
            digest.update(chunk)
    return size, digest.hexdigest()
