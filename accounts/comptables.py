"""The public accountant (comptable DGFiP): attached to every public structure of his poste comptable.

A poste comptable (its codique, the structures' PES parameter IdPost) keeps the accounts of several bodies;
its comptable reads their invoices and PES exports and sets the statuses that are his. Support attaches him
(`attach_public_accountant`): one membership of role `comptable_public` per structure, no right of theirs.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.journal import log_event
from accounts.models import Membership, SecurityEvent, Structure, User

_NO_RIGHTS = {"can_deposit": False, "can_triage": False, "can_export_pes": False, "can_admin": False}


class PublicAccountantError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def poste_structures(id_post: str):
    """The active public structures whose accounts the poste comptable `id_post` keeps."""
    return Structure.objects.filter(
        kind=Structure.Kind.PUBLIC, is_active=True, pes_id_post=(id_post or "").strip()
    ).order_by("name")


@transaction.atomic
def attach_public_accountant(user: User, *, id_post: str, actor, request=None) -> list[Membership]:
    """Attach `user` as public accountant to every structure of the poste `id_post` (journaled)."""
    structures = list(poste_structures(id_post))
    if not structures:
        raise PublicAccountantError(
            _("Aucune structure publique active n'a le poste comptable %(id_post)s.") % {"id_post": id_post}
        )
    attached = []
    for structure in structures:
        membership, _ignored = Membership.objects.update_or_create(
            user=user,
            structure=structure,
            defaults={"role": Membership.Role.PUBLIC_ACCOUNTANT, "is_active": True, **_NO_RIGHTS},
        )
        attached.append(membership)
    names = ", ".join(s.name for s in structures)
    log_event(
        user,
        SecurityEvent.Kind.OTHER,
        request=request,
        actor=actor,
        detail=f"Rattaché comme comptable public du poste {id_post} : {names}"[:500],
    )
    return attached
