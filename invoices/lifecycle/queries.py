"""Tenant-scoped invoice lookups: what a user may see, in which capacity, and keyset pages over it.

Every view and API view finds invoices through these helpers, so the rules live in one place: a user sees
the invoices *received* by the structures where they hold the triage right (only those of their services
when their attachment is limited to some services: then not those addressed to the structure without a
service either), and the invoices *sent* by the structures where they hold the deposit right.
Managers hold every right and see every service (`accounts.access`). The public accountant of a structure's
poste comptable reads every invoice it received. Anything else answers 404.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core import signing
from django.db.models import DecimalField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts import access
from invoices.models import Invoice

RECIPIENT = "recipient"
SUPPLIER = "supplier"
SYSTEM = "system"
PUBLIC_ACCOUNTANT = access.PUBLIC_ACCOUNTANT

# Rights accepted by `get_invoice_for_user` and `received_invoices_for`.
VIEW = "view"
TRIAGE = access.TRIAGE
DEPOSIT = access.DEPOSIT
EXPORT_PES = access.EXPORT_PES


def _received_filter(user, right: str = TRIAGE) -> Q:
    condition = Q(pk__in=[])
    memberships = access.memberships_with_right(user, right).prefetch_related("services")
    for membership in memberships:
        services = [s.pk for s in membership.services.all() if s.structure_id == membership.structure_id]
        if membership.is_manager or not membership.services.all():
            condition |= Q(recipient_id=membership.structure_id)
        elif services:
            condition |= Q(recipient_id=membership.structure_id, service_id__in=services)
    return condition


def _accountant_filter(user) -> Q:
    structures = access.memberships_with_right(user, PUBLIC_ACCOUNTANT).values("structure_id")
    return Q(recipient_id__in=structures)


def _sent_filter(user) -> Q:
    structures = list(access.memberships_with_right(user, DEPOSIT).values_list("structure_id", flat=True))
    return Q(supplier_id__in=structures)


def _base() -> QuerySet[Invoice]:
    return Invoice.objects.select_related("supplier", "recipient", "service")


def received_invoices_for(user, *, right: str = TRIAGE) -> QuerySet[Invoice]:
    """Invoices received by the user's structures (and services), for `right` (triage or export_pes)."""
    if right not in (TRIAGE, EXPORT_PES):
        raise ValueError(f"Not a recipient-side right: {right!r}")
    return _base().filter(_received_filter(user, right))


def sent_invoices_for(user) -> QuerySet[Invoice]:
    """Invoices sent by the structures where the user may deposit."""
    return _base().filter(_sent_filter(user))


def accountant_invoices_for(user) -> QuerySet[Invoice]:
    """Invoices received by the structures of the user's poste comptable (public accountant)."""
    return _base().filter(_accountant_filter(user))


def visible_invoices_for(user) -> QuerySet[Invoice]:
    """Received, sent, or read as their public accountant: every invoice the user may open."""
    return _base().filter(_received_filter(user) | _sent_filter(user) | _accountant_filter(user))


def invoices_for(user, *, right: str = VIEW) -> QuerySet[Invoice]:
    if right == VIEW:
        return visible_invoices_for(user)
    if right == PUBLIC_ACCOUNTANT:
        return accountant_invoices_for(user)
    if right == DEPOSIT:
        return sent_invoices_for(user)
    return received_invoices_for(user, right=right)


def get_invoice_for_user(user, uuid, *, right: str = VIEW) -> Invoice:
    """The invoice with this public id if the user may see it in that capacity; 404 otherwise."""
    invoice = invoices_for(user, right=right).filter(uuid=uuid).first()
    if invoice is None:
        raise Http404("No such invoice")
    return invoice


def roles_of(user, invoice: Invoice) -> set[str]:
    """The capacities in which `user` acts on `invoice` (None is the platform itself)."""
    if user is None:
        return {SYSTEM}
    roles = set()
    recipient_membership = access.get_membership(user, invoice.recipient)
    if access.membership_has_right(recipient_membership, TRIAGE) and access.can_see_service(
        recipient_membership, invoice.service
    ):
        roles.add(RECIPIENT)
    if access.membership_has_right(recipient_membership, PUBLIC_ACCOUNTANT):
        roles.add(PUBLIC_ACCOUNTANT)
    if access.has_right(user, invoice.supplier, DEPOSIT):
        roles.add(SUPPLIER)
    return roles


# --- Keyset pagination -------------------------------------------------------------------------------------
# OFFSET scans and throws away every row before the page; a keyset page starts from the last row seen
# (sort value, id), which an index on the sort column answers directly however deep the page.

SORTS = {
    "-received": ("created_at", True),
    "received": ("created_at", False),
    "-issue_date": ("issue_date", True),
    "issue_date": ("issue_date", False),
    "-amount": ("sort_amount", True),
    "amount": ("sort_amount", False),
    "number": ("number", False),
    "-number": ("number", True),
    "party": ("seller_name", False),
    "-party": ("seller_name", True),
    "-status_changed": ("status_changed_at", True),
}
DEFAULT_SORT = "-received"
_CURSOR_SALT = "chorale.invoices.cursor"


def apply_sort(queryset: QuerySet[Invoice], sort: str) -> tuple[QuerySet[Invoice], str, bool]:
    field, descending = SORTS.get(sort, SORTS[DEFAULT_SORT])
    if field == "sort_amount":
        queryset = queryset.annotate(
            sort_amount=Coalesce("total_with_vat", Value(Decimal("0")), output_field=DecimalField())
        )
    return queryset, field, descending


def _encode_value(value):
    if isinstance(value, datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, date):
        return ["d", value.isoformat()]
    if isinstance(value, Decimal):
        return ["dec", str(value)]
    return ["s", value]


def _decode_value(raw):
    kind, value = raw
    return {
        "dt": datetime.fromisoformat,
        "d": date.fromisoformat,
        "dec": Decimal,
        "s": str,
    }[kind](value)


def make_cursor(sort: str, value, pk: int, direction: str) -> str:
    payload = json.dumps(
        {"s": sort, "v": _encode_value(value), "i": pk, "d": direction}, separators=(",", ":")
    )
    signed = signing.Signer(salt=_CURSOR_SALT).sign(payload)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def read_cursor(cursor: str, sort: str) -> tuple | None:
    """(value, pk, direction) from a cursor made for this sort; None when absent, forged or stale."""
    if not cursor:
        return None
    try:
        signed = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        data = json.loads(signing.Signer(salt=_CURSOR_SALT).unsign(signed))
        if data["s"] != sort or data["d"] not in ("next", "prev"):
            return None
        return _decode_value(data["v"]), int(data["i"]), data["d"]
    except (signing.BadSignature, binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


@dataclass
class KeysetPage:
    items: list
    next_cursor: str | None
    previous_cursor: str | None


def keyset_page(queryset: QuerySet[Invoice], *, sort: str = DEFAULT_SORT, cursor: str = "", size: int = 50):
    """One page of `queryset` in `sort` order, after (or before) the row named by `cursor`."""
    if sort not in SORTS:
        sort = DEFAULT_SORT
    queryset, field, descending = apply_sort(queryset, sort)
    position = read_cursor(cursor, sort)
    direction = position[2] if position else "next"
    # Walking backwards means reading in the opposite order, then turning the page round.
    forward_desc = descending if direction == "next" else not descending
    if position:
        value, pk = position[0], position[1]
        op = "lt" if forward_desc else "gt"
        queryset = queryset.filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk}))
    order = [f"-{field}", "-pk"] if forward_desc else [field, "pk"]
    rows = list(queryset.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if direction == "prev":
        rows.reverse()
    if not rows:
        return KeysetPage([], None, None)

    def cursor_at(row, towards):
        return make_cursor(sort, getattr(row, field), row.pk, towards)

    if direction == "next":
        next_cursor = cursor_at(rows[-1], "next") if more else None
        previous_cursor = cursor_at(rows[0], "prev") if position else None
    else:
        next_cursor = cursor_at(rows[-1], "next")
        previous_cursor = cursor_at(rows[0], "prev") if more else None
    return KeysetPage(rows, next_cursor, previous_cursor)
