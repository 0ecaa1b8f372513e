"""Who may see and do what within a structure: the one tenant guard every view and API view goes through.

Rights are per application, as in Chorus Pro: `deposit`, `triage`, `export_pes`, `admin` (the structure's
settings: services, routing and PES parameters). `manage` is the manager role itself (members, attachment
requests, technical accounts). Managers, principal and secondary, hold every right.

Lookups answer 404 to anyone who is not actively attached to the structure, so an outsider cannot even
learn that it exists; a member whose role is insufficient gets 403.

The public accountant (role `comptable_public`, the DGFiP poste comptable of public structures) holds none of
these rights whatever his membership's flags say: he reads the structure's invoices and PES exports and sets
only the statuses that are his (`invoices.lifecycle`); `PUBLIC_ACCOUNTANT` names that capacity.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404

from accounts.models import Membership, Service, Structure

DEPOSIT = "deposit"
TRIAGE = "triage"
EXPORT_PES = "export_pes"
ADMIN = "admin"
MANAGE = "manage"
PUBLIC_ACCOUNTANT = "public_accountant"

RIGHTS = (DEPOSIT, TRIAGE, EXPORT_PES, ADMIN)
RIGHT_FIELDS = {
    DEPOSIT: "can_deposit",
    TRIAGE: "can_triage",
    EXPORT_PES: "can_export_pes",
    ADMIN: "can_admin",
}


def _right_filter(right: str) -> Q:
    """A filter on memberships that hold `right` (managers hold them all)."""
    manager = Q(role=Membership.Role.MANAGER) | Q(structure__principal_manager=F("user"))
    if right == MANAGE:
        return manager
    if right == PUBLIC_ACCOUNTANT:
        return Q(role=Membership.Role.PUBLIC_ACCOUNTANT, structure__kind=Structure.Kind.PUBLIC)
    if right not in RIGHT_FIELDS:
        raise ValueError(f"Unknown right: {right!r}")
    return manager | (Q(**{RIGHT_FIELDS[right]: True}) & ~Q(role=Membership.Role.PUBLIC_ACCOUNTANT))


def active_memberships(user) -> QuerySet[Membership]:
    """The user's active attachments to active structures."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, is_active=True, structure__is_active=True).select_related(
        "structure"
    )


def memberships_with_right(user, right: str) -> QuerySet[Membership]:
    """The user's active memberships that carry `right` (one of RIGHTS, or MANAGE)."""
    return active_memberships(user).filter(_right_filter(right))


def user_structures(user, *, right: str | None = None) -> QuerySet[Structure]:
    """The structures the user is actively attached to (and holds `right` in, when given)."""
    memberships = memberships_with_right(user, right) if right else active_memberships(user)
    return Structure.objects.filter(pk__in=memberships.values("structure")).order_by("name")


def structures_with_right(user, right: str) -> QuerySet[Structure]:
    return user_structures(user, right=right)


def get_membership(user, structure: Structure) -> Membership | None:
    """The user's active membership in the structure, or None."""
    return active_memberships(user).filter(structure=structure).first()


def membership_has_right(membership: Membership | None, right: str | None) -> bool:
    if membership is None or not membership.is_active:
        return False
    accountant = membership.role == Membership.Role.PUBLIC_ACCOUNTANT
    if right == PUBLIC_ACCOUNTANT:
        return accountant and membership.structure.is_public
    if right is None or membership.is_manager:
        return True
    if right == MANAGE or accountant:
        return False
    if right not in RIGHT_FIELDS:
        raise ValueError(f"Unknown right: {right!r}")
    return bool(getattr(membership, RIGHT_FIELDS[right]))


def has_right(user, structure: Structure, right: str | None) -> bool:
    return membership_has_right(get_membership(user, structure), right)


def is_manager(user, structure: Structure) -> bool:
    return has_right(user, structure, MANAGE)


def get_structure_for_user(user, uuid, *, right: str | None = None) -> Structure:
    """The structure with this public id if the user is attached to it, else 404; 403 without `right`."""
    membership = active_memberships(user).filter(structure__uuid=uuid).first()
    if membership is None:
        raise Http404("No such structure")
    if not membership_has_right(membership, right):
        raise PermissionDenied
    structure = membership.structure
    structure.membership_of_user = membership
    return structure


def get_membership_for_user(user, uuid, *, right: str | None = None) -> Membership:
    """The user's own membership in the structure with this public id (same 404/403 rule)."""
    return get_structure_for_user(user, uuid, right=right).membership_of_user


def visible_services(membership: Membership | None) -> QuerySet[Service]:
    """The services of the structure the member may see (active or not: old invoices still name them).

    An empty `services` set means the whole structure; managers always see every service.
    """
    if membership is None or not membership.is_active:
        return Service.objects.none()
    everything = Service.objects.filter(structure_id=membership.structure_id)
    if membership.is_manager or not membership.services.exists():
        return everything
    return everything.filter(pk__in=membership.services.values("pk"))


def sees_all_services(membership: Membership | None) -> bool:
    """True when the member is not limited to some services (so also sees invoices without a service)."""
    return membership is not None and (membership.is_manager or not membership.services.exists())


def can_see_service(membership: Membership | None, service: Service | None) -> bool:
    """Whether the member sees what is addressed to `service` (None: addressed to the structure itself)."""
    if membership is None or not membership.is_active:
        return False
    if sees_all_services(membership):
        return service is None or service.structure_id == membership.structure_id
    return service is not None and membership.services.filter(pk=service.pk).exists()


__all__ = [
    "ADMIN",
    "DEPOSIT",
    "EXPORT_PES",
    "MANAGE",
    "PUBLIC_ACCOUNTANT",
    "RIGHTS",
    "RIGHT_FIELDS",
    "TRIAGE",
    "active_memberships",
    "can_see_service",
    "get_membership",
    "get_membership_for_user",
    "get_structure_for_user",
    "has_right",
    "is_manager",
    "membership_has_right",
    "memberships_with_right",
    "sees_all_services",
    "structures_with_right",
    "user_structures",
    "visible_services",
]
