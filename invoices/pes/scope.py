"""Who may export PES files of which structure, which invoices are in scope, and the structure's PES
parameters; the errors every export step raises."""

import contextlib
import logging
import uuid as uuid_lib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import access
from accounts.models import Membership, Service, Structure
from invoices.lifecycle import queries
from invoices.models import (
    Invoice,
    InvoiceStatus,
    PesExport,
    PesExportItem,
    PesFile,
)
from invoices.pes import core as pes

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


def export_memberships(user) -> QuerySet[Membership]:
    """The user's memberships of public structures that carry the PES export right (managers hold it)."""
    memberships = access.memberships_with_right(user, access.EXPORT_PES)
    return memberships.filter(structure__kind=Structure.Kind.PUBLIC)


def reader_memberships(user) -> QuerySet[Membership]:
    """Who may read a structure's exports and acknowledgements: its exporters and its public accountant."""
    accountant = access.memberships_with_right(user, access.PUBLIC_ACCOUNTANT)
    return (export_memberships(user) | accountant).distinct()


def readable_structures(user) -> QuerySet[Structure]:
    return Structure.objects.filter(pk__in=reader_memberships(user).values("structure")).order_by("name")


def get_structure_for_reader(user, key) -> Structure:
    """The public structure (by UUID) whose exports the user may read, else 404."""
    try:
        wanted = uuid_lib.UUID(str(key))
    except ValueError:
        raise Http404("No such structure") from None
    membership = reader_memberships(user).filter(structure__uuid=wanted).first()
    if membership is None:
        raise Http404("No such structure")
    structure = membership.structure
    structure.membership_of_user = membership
    return structure


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
    return reader_memberships(user).filter(structure=structure).first()


def invoices_in_scope(structure: Structure, *, actor) -> QuerySet[Invoice]:
    """Accepted invoices of the structure within the actor's services (every one for a scheduled export)."""
    if actor is None:
        invoices = Invoice.objects.all()
    else:
        invoices = queries.received_invoices_for(actor, right=queries.EXPORT_PES)
    return invoices.filter(recipient=structure, status__in=ACCEPTED_STATUSES)


def _exported():
    """Sent at the invoice's current revision: a rejected mandat or Hélios file moves it to the next one."""
    return Exists(PesExportItem.objects.filter(invoice=OuterRef("pk"), revision=OuterRef("revision")))


def mandated() -> Q:
    return Q(mandat_exercice__isnull=False) & ~Q(mandat_numero="")


def exportable_invoices(
    structure: Structure, *, actor, filters: ExportFilters | None = None, shape: str | None = None
) -> QuerySet[Invoice]:
    """Accepted, not yet exported invoices the actor may export, narrowed by `filters`.

    With a shape, only those it suits: RefCompta needs the mandat reference, the PJ list is for the others.
    """
    invoices = invoices_in_scope(structure, actor=actor).filter(~_exported())
    if shape == PesExport.Shape.REF_COMPTA:
        invoices = invoices.filter(mandated())
    elif shape == PesExport.Shape.PJ_LIST:
        invoices = invoices.exclude(mandated())
    invoices = _filtered(invoices, filters or ExportFilters())
    return invoices.select_related("supplier", "service", "original").order_by("issue_date", "number", "pk")


def default_shape(structure: Structure, *, actor) -> str:
    """The PJ list, unless only mandated invoices wait: then RefCompta, the shape that exports them."""
    if exportable_invoices(structure, actor=actor, shape=PesExport.Shape.PJ_LIST).exists():
        return PesExport.Shape.PJ_LIST
    if exportable_invoices(structure, actor=actor, shape=PesExport.Shape.REF_COMPTA).exists():
        return PesExport.Shape.REF_COMPTA
    return PesExport.Shape.PJ_LIST


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
    return PesExportItem.objects.filter(invoice=invoice, revision=invoice.revision).exists()


def structure_exports(structure: Structure, *, actor) -> QuerySet[PesExport]:
    """The structure's past exports the actor may see, newest first."""
    exports = PesExport.objects.filter(structure=structure)
    membership = _membership(actor, structure)
    if membership is None:
        return PesExport.objects.none()
    accountant = access.membership_has_right(membership, access.PUBLIC_ACCOUNTANT)
    if not accountant and not access.sees_all_services(membership):
        # A member limited to some services sees only exports made entirely of their services' invoices.
        outside = PesExportItem.objects.filter(export=OuterRef("pk")).exclude(
            invoice__service__in=access.visible_services(membership)
        )
        exports = exports.filter(~Exists(outside))
    return exports.select_related("created_by").prefetch_related("files").order_by("-created_at", "-pk")


def get_export_for_user(user, export_uuid, *, read: bool = False) -> PesExport:
    """The export with this public id if the user may export for its structure and services, else 404.

    `read`: reading only (the page, the files, the acknowledgements), which the public accountant may too.
    """
    try:
        key = uuid_lib.UUID(str(export_uuid))
    except ValueError:
        raise Http404("No such export") from None
    export = PesExport.objects.select_related("structure", "created_by").filter(uuid=key).first()
    allowed = reader_memberships(user) if read else export_memberships(user)
    if export is None or not allowed.filter(structure=export.structure).exists():
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


def parameters_refused(errors: list[pes.FieldError]) -> MissingPesParameters:
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
        raise parameters_refused(errors)
    return pes_header(structure)
