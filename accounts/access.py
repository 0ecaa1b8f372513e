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

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
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


# --- What a user holds, resolved once per request -------------------------------------------------------
# A list page asks "which structures, which services, which rights" several times (the tenant filter, the
# filter choices, the counts, the navigation, the role on each invoice). Each answer used to be its own
# query; here they come from one reading of the memberships, kept for the rest of the request and never
# past it (`request_scope`, opened by `accounts.middleware.AccessPerRequestMiddleware`).


@dataclass(frozen=True)
class Grant:
    """One active membership as the workspace needs it: the structure, the rights, the services it covers."""

    membership: Membership
    limited: bool
    """The member is attached to some services only (an empty set of services means the whole structure)."""
    service_ids: frozenset[int]
    """The services of the structure the member is limited to (ignored when not `limited`)."""

    @property
    def structure_id(self) -> int:
        return self.membership.structure_id

    @property
    def structure(self) -> Structure:
        return self.membership.structure

    def has(self, right: str | None) -> bool:
        return membership_has_right(self.membership, right)

    @property
    def sees_all_services(self) -> bool:
        return self.membership.is_manager or not self.limited

    def sees_service(self, service_id: int | None, service_structure_id: int | None = None) -> bool:
        """Whether the member sees what is addressed to this service (None: to the structure itself)."""
        if self.sees_all_services:
            return service_id is None or service_structure_id in (None, self.structure_id)
        return service_id is not None and service_id in self.service_ids


class UserAccess:
    """A user's active memberships, their rights and services: every tenant question answered without SQL."""

    def __init__(self, user, grants: list[Grant], services: list[Service] = ()):
        self.user = user
        self._grants = {grant.structure_id: grant for grant in grants}
        self._services = list(services)

    def grant(self, structure_id: int) -> Grant | None:
        return self._grants.get(structure_id)

    def grant_by_uuid(self, structure_uuid) -> Grant | None:
        wanted = str(structure_uuid)
        return next((g for g in self._grants.values() if str(g.structure.uuid) == wanted), None)

    def grants(self, right: str | None = None) -> list[Grant]:
        return [g for g in self._grants.values() if g.has(right)]

    def structure_ids(self, right: str | None = None) -> list[int]:
        return sorted(g.structure_id for g in self.grants(right))

    def structures(self, right: str | None = None) -> list[Structure]:
        return sorted((g.structure for g in self.grants(right)), key=lambda s: (s.name, s.pk))

    def has_right(self, structure_id: int, right: str | None) -> bool:
        grant = self.grant(structure_id)
        return grant is not None and grant.has(right)

    def received_scopes(self, right: str = TRIAGE) -> list[tuple[int, frozenset[int] | None]]:
        """(structure id, service ids or None for the whole structure) of what the user receives."""
        scopes = []
        for grant in self.grants(right):
            if grant.sees_all_services:
                scopes.append((grant.structure_id, None))
            elif grant.service_ids:
                scopes.append((grant.structure_id, grant.service_ids))
        return scopes

    def visible_services(self, right: str = TRIAGE) -> list[Service]:
        """The services the user sees for `right` (every service of a structure seen whole), by structure."""
        scopes = dict(self.received_scopes(right))
        visible = [
            service
            for service in self._services
            if service.structure_id in scopes
            and (scopes[service.structure_id] is None or service.pk in scopes[service.structure_id])
        ]
        return sorted(visible, key=lambda s: (s.structure.name, s.code, s.pk))


_REQUEST_ACCESS: ContextVar[dict | None] = ContextVar("chorale_request_access", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    """Keep each user's access for the duration of the block (one request), then forget it."""
    token = _REQUEST_ACCESS.set({})
    try:
        yield
    finally:
        _REQUEST_ACCESS.reset(token)


def _read_access(user) -> UserAccess:
    """Two queries: the memberships with their structures, then the services of those structures together
    with those the user's memberships are limited to (each row says which membership links it, if any)."""
    memberships = list(active_memberships(user))
    if not memberships:
        return UserAccess(user, [])
    structures = {m.structure_id: m.structure for m in memberships}
    rows = (
        Service.objects.annotate(mine=FilteredRelation("members", condition=Q(members__user=user)))
        .filter(Q(structure_id__in=list(structures)) | Q(mine__isnull=False))
        .annotate(linked_by=F("mine__id"))
        .order_by("code", "pk")
    )
    limited: dict[int, set[int]] = {m.pk: set() for m in memberships}
    structure_of = {m.pk: m.structure_id for m in memberships}
    linked, services = set(), {}
    for service in rows:
        if service.structure_id in structures:
            service.structure = structures[service.structure_id]
            services[service.pk] = service
        if service.linked_by in limited:
            linked.add(service.linked_by)
            # A link to another structure's service limits the member without opening that service.
            if service.structure_id == structure_of[service.linked_by]:
                limited[service.linked_by].add(service.pk)
    grants = [Grant(m, m.pk in linked, frozenset(limited[m.pk])) for m in memberships]
    return UserAccess(user, grants, services.values())


def access_of(user) -> UserAccess:
    """The user's access: read once per request inside `request_scope`, read afresh outside one."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return UserAccess(user, [])
    cache = _REQUEST_ACCESS.get()
    if cache is None:
        return _read_access(user)
    if user.pk not in cache:
        cache[user.pk] = _read_access(user)
    return cache[user.pk]


def _forget_access(**_kwargs) -> None:
    """A membership, structure or service changed during the request: the rest of it reads them again."""
    cache = _REQUEST_ACCESS.get()
    if cache:
        cache.clear()


for _model in (Membership, Structure, Service):
    post_save.connect(_forget_access, sender=_model, dispatch_uid=f"access-forget-save-{_model.__name__}")
    post_delete.connect(_forget_access, sender=_model, dispatch_uid=f"access-forget-del-{_model.__name__}")
m2m_changed.connect(_forget_access, sender=Membership.services.through, dispatch_uid="access-forget-services")


__all__ = [
    "ADMIN",
    "DEPOSIT",
    "EXPORT_PES",
    "MANAGE",
    "PUBLIC_ACCOUNTANT",
    "RIGHTS",
    "RIGHT_FIELDS",
    "TRIAGE",
    "Grant",
    "UserAccess",
    "access_of",
    "active_memberships",
    "can_see_service",
    "get_membership",
    "get_membership_for_user",
    "get_structure_for_user",
    "has_right",
    "is_manager",
    "membership_has_right",
    "request_scope",
    "memberships_with_right",
    "sees_all_services",
    "structures_with_right",
    "user_structures",
    "visible_services",
]
