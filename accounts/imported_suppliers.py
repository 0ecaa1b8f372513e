"""Suppliers known from another platform before anyone of them comes to Chorale.

An invoice the Chorus Pro connector brings in needs its supplier as a structure. A supplier not yet on
Chorale is registered from what Chorus Pro says of it (identifier and name), the way public bodies are: held
by platform support, whose account is its principal manager until a person of the company asks to be
attached and support hands the role over. Nobody gets to deposit in its name in the meantime but support.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import identifiers, public_structures, services
from accounts.journal import log_event
from accounts.models import Membership, SecurityEvent, Structure


def supplier_for_import(id_type: str, identifier: str, name: str, *, support_email: str = "") -> Structure:
    """The structure with this identifier, registered (held by support) when Chorale does not know it yet.

    Raises `services.StructureError` for an identifier that is not valid, or when no support account can
    hold the new structure.
    """
    identifier = identifiers.normalise(id_type, identifier)
    error = identifiers.check(id_type, identifier)
    if error:
        raise services.StructureError(
            _("Fournisseur %(id)s : %(error)s") % {"id": identifier, "error": _(error)}
        )
    existing = Structure.objects.filter(id_type=id_type, identifier=identifier).first()
    if existing is not None:
        return existing
    support = public_structures.support_account(support_email or None)
    structure = Structure(
        kind=Structure.Kind.PRIVATE,
        id_type=id_type,
        identifier=identifier,
        name=" ".join((name or "").split())[:200] or identifier,
        country=services._country_for(id_type, identifier, ""),
        principal_manager=support,
    )
    try:
        with transaction.atomic():
            structure.save()
            Membership.objects.create(
                user=support, structure=structure, role=Membership.Role.MANAGER, **services.ALL_RIGHTS
            )
            log_event(
                support,
                SecurityEvent.Kind.OTHER,
                detail=f"Fournisseur inscrit depuis Chorus Pro : {structure.name} ({identifier})",
                actor=support,
            )
    except IntegrityError:  # registered by a concurrent pull between the check and the insert
        return Structure.objects.get(id_type=id_type, identifier=identifier)
    return structure
