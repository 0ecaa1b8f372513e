"""The directory of recipients: the public structures, their active services and what an invoice must carry.

The question a supplier asks before every invoice — which SIRET, which service code, is an engagement number
required? — answered from Chorale's own structures: the portal's directory page and the Chorus Pro-compatible
API (`structures/v1/…`, `transverses/v1/telecharger/annuaire/destinataire`) both read them here. Only public
structures are listed: private companies are no one else's business.
"""

import csv
import io

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import Service, Structure

SEARCH_LIMIT = 50
ANNUAIRE_COLUMNS = (
    "siret",
    "raison_sociale",
    "adresse",
    "code_postal",
    "ville",
    "code_service_obligatoire",
    "engagement_obligatoire",
    "service_ou_engagement_obligatoire",
    "gestion_mise_en_paiement",
    "code_service",
    "libelle_service",
    "service_engagement_obligatoire",
    "service_actif",
)


def public_structures() -> QuerySet[Structure]:
    """Every active public structure, its active services prefetched, by name."""
    active = Service.objects.filter(is_active=True).order_by("code")
    return (
        Structure.objects.filter(kind=Structure.Kind.PUBLIC, is_active=True)
        .prefetch_related(Prefetch("services", queryset=active, to_attr="active_services"))
        .order_by("name", "pk")
    )


def search_public_structures(query: str, *, limit: int = SEARCH_LIMIT) -> list[Structure]:
    """Public structures whose name, town, postal code or identifier matches every word of `query`."""
    words = (query or "").split()
    if not words:
        return []
    structures = public_structures()
    for word in words[:8]:
        compact = word.replace(".", "")
        condition = Q(name__icontains=word) | Q(town__icontains=word)
        if compact.isdigit():
            condition |= Q(identifier__startswith=compact) | Q(postal_code__startswith=compact)
        structures = structures.filter(condition)
    return list(structures[:limit])


def get_public_structure(uuid) -> Structure:
    """A public structure of the directory by its public id, or 404."""
    structure = public_structures().filter(uuid=uuid).first()
    if structure is None:
        raise Http404("No such public structure")
    return structure


def requirements(structure: Structure, service: Service | None = None) -> dict[str, bool]:
    """What an invoice to this structure (and service) must carry, in Chorus Pro's terms."""
    return {
        "service_code": structure.code_service_obligatoire,
        "engagement": structure.engagement_obligatoire
        or bool(service is not None and service.engagement_obligatoire),
        "service_or_engagement": structure.service_ou_engagement_obligatoire,
    }


def annuaire_csv() -> bytes:
    """The whole directory as one CSV (UTF-8, `;`), one row per active service, in the columns of
    `import_public_structures` plus the postal code and town: a structure without service has one row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(ANNUAIRE_COLUMNS)
    flag = {True: "1", False: "0"}
    for structure in public_structures():
        head = [
            structure.identifier,
            structure.name,
            " ".join(structure.address.split()),
            structure.postal_code,
            structure.town,
            flag[structure.code_service_obligatoire],
            flag[structure.engagement_obligatoire],
            flag[structure.service_ou_engagement_obligatoire],
            flag[structure.gestion_mise_en_paiement],
        ]
        rows = [
            [s.code, s.name, flag[s.engagement_obligatoire], flag[s.is_active]]
            for s in structure.active_services
        ]
        for row in rows or [["", "", "", ""]]:
            writer.writerow(head + row)
    return buffer.getvalue().encode("utf-8")
