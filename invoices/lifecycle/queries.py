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
from django.db import connection
from django.db.models import BooleanField, Expression, F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
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


def _scope_condition(structure_id: int, services, *, field: str = "recipient") -> Q:
    if services is None:
        return Q(**{f"{field}_id": structure_id})
    return Q(**{f"{field}_id": structure_id, "service_id__in": sorted(services)})


def received_scopes(user, right: str = TRIAGE) -> list[Q]:
    """One condition per structure (and services) the user receives for: the pages partition by them."""
    return [_scope_condition(s, services) for s, services in access.access_of(user).received_scopes(right)]


def sent_scopes(user) -> list[Q]:
    return [Q(supplier_id=s) for s in access.access_of(user).structure_ids(DEPOSIT)]


def _any(conditions: list[Q]) -> Q:
    combined = Q(pk__in=[])
    for condition in conditions:
        combined |= condition
    return combined


def _received_filter(user, right: str = TRIAGE) -> Q:
    return _any(received_scopes(user, right))


def _accountant_filter(user) -> Q:
    structures = access.memberships_with_right(user, PUBLIC_ACCOUNTANT).values("structure_id")
    return Q(recipient_id__in=structures)


def _sent_filter(user) -> Q:
    return Q(supplier_id__in=access.access_of(user).structure_ids(DEPOSIT))


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


def roles_of(user, invoice: Invoice, *, user_access=None) -> set[str]:
    """The capacities in which `user` acts on `invoice` (None is the platform itself).

    `user_access` is the user's `accounts.access.UserAccess` when the caller already holds it (a bulk change).
    """
    if user is None:
        return {SYSTEM}
    held = user_access or access.access_of(user)
    roles = set()
    grant = held.grant(invoice.recipient_id)
    service_structure = invoice.service.structure_id if invoice.service_id else None
    if grant is not None and grant.has(TRIAGE) and grant.sees_service(invoice.service_id, service_structure):
        roles.add(RECIPIENT)
    if grant is not None and grant.has(PUBLIC_ACCOUNTANT):
        roles.add(PUBLIC_ACCOUNTANT)
    if held.has_right(invoice.supplier_id, DEPOSIT):
        roles.add(SUPPLIER)
    return roles


# --- Keyset pagination -------------------------------------------------------------------------------------
# OFFSET scans and throws away every row before the page; a keyset page starts from the last row seen
# (sort value, id), which an index on (structure, sort column, id) answers directly however deep the page:
# the position is written as a row comparison, `(created_at, id) < (X, Y)`, which PostgreSQL uses as an
# index bound (the equivalent `created_at < X OR (created_at = X AND id < Y)` is only a filter).

SORTS = {
    "-received": ("created_at", True),
    "received": ("created_at", False),
    "-issue_date": ("issue_date", True),
    "issue_date": ("issue_date", False),
    "-amount": ("amount_sort", True),
    "amount": ("amount_sort", False),
    "number": ("number", False),
    "-number": ("number", True),
    "party": ("seller_name", False),
    "-party": ("seller_name", True),
    "-status_changed": ("status_changed_at", True),
}
DEFAULT_SORT = "-received"
_CURSOR_SALT = "chorale.invoices.cursor"
# A page of a user with several structures (or a multiple filter) is read as one ordered index range per
# structure, status or supplier, merged: an `IN` list would make PostgreSQL read every matching row and
# sort them. Past this many ranges the plain query is cheaper.
MAX_PARTITIONS = 24


class RowComparison(Expression):
    """`(a, b) < (x, y)` in SQL (row values: PostgreSQL, and SQLite since 3.15)."""

    conditional = True

    def __init__(self, fields: list[str], operator: str, values: list):
        super().__init__(output_field=BooleanField())
        if operator not in ("<", ">"):
            raise ValueError(operator)
        self.operator = operator
        targets = [Invoice._meta.get_field(name) for name in fields]
        self.lhs = [F(name) for name in fields]
        self.rhs = [
            Value(value, output_field=getattr(target, "output_field", None) or target)
            for value, target in zip(values, targets, strict=True)
        ]

    def get_source_expressions(self):
        return [*self.lhs, *self.rhs]

    def set_source_expressions(self, expressions):
        self.lhs, self.rhs = expressions[: len(self.lhs)], expressions[len(self.lhs) :]

    def as_sql(self, compiler, connection):
        sides, params = [], []
        for side in (self.lhs, self.rhs):
            parts = []
            for expression in side:
                sql, part_params = compiler.compile(expression)
                parts.append(sql)
                params.extend(part_params)
            sides.append(f"({', '.join(parts)})")
        return f"{sides[0]} {self.operator} {sides[1]}", params


def apply_sort(queryset: QuerySet[Invoice], sort: str) -> tuple[QuerySet[Invoice], str, bool]:
    field, descending = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return queryset, field, descending


def partitions(*dimensions: list[Q]) -> list[Q] | None:
    """The conditions whose ordered ranges make up a page: the product of the dimensions given (structures,
    statuses, suppliers), the finest first dropped when too many; None when one range is the whole list."""
    kept = [d for d in dimensions if len(d) > 1]
    while kept:
        count = 1
        for dimension in kept:
            count *= len(dimension)
        if count <= MAX_PARTITIONS:
            break
        kept.pop()
    if not kept:
        return None
    combined = [Q()]
    for dimension in kept:
        combined = [c & d for c in combined for d in dimension]
    return combined


def _merged_ids(queryset, parts: list[Q], field: str, order: list[str], descending: bool, limit: int):
    """The ids of the first `limit` rows over all `parts`: each part's first `limit` (sort key, id) read from
    its index in order, merged and cut in one statement (PostgreSQL merges the ordered ranges and stops
    early), so that only the page's own rows are then fetched and joined."""
    ranges = [queryset.filter(part).order_by(*order).values_list(field, "pk")[:limit] for part in parts]
    compiled = [r.query.sql_with_params() for r in ranges]
    direction = "DESC" if descending else "ASC"
    # Only SQL compiled by the ORM from our querysets goes into the text; every value stays a parameter.
    sql = (
        "SELECT merged.id FROM ("  # noqa: S608
        + " UNION ALL ".join(f"({part_sql})" for part_sql, _params in compiled)
        + f") AS merged (sort_key, id) ORDER BY merged.sort_key {direction}, merged.id {direction} LIMIT %s"
    )
    return RawSQL(sql, [*(p for _sql, params in compiled for p in params), limit])  # noqa: S611


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


def keyset_page(
    queryset: QuerySet[Invoice],
    *,
    sort: str = DEFAULT_SORT,
    cursor: str = "",
    size: int = 50,
    parts: list[Q] | None = None,
):
    """One page of `queryset` in `sort` order, after (or before) the row named by `cursor`.

    `parts` (from `partitions`) split the list into ranges each read in index order, then merged.
    """
    if sort not in SORTS:
        sort = DEFAULT_SORT
    queryset, field, descending = apply_sort(queryset, sort)
    position = read_cursor(cursor, sort)
    direction = position[2] if position else "next"
    # Walking backwards means reading in the opposite order, then turning the page round.
    forward_desc = descending if direction == "next" else not descending
    if position:
        value, pk = position[0], position[1]
        queryset = queryset.filter(RowComparison([field, "id"], "<" if forward_desc else ">", [value, pk]))
    order = [f"-{field}", "-pk"] if forward_desc else [field, "pk"]
    if parts and connection.features.supports_slicing_ordering_in_compound:
        queryset = queryset.filter(pk__in=_merged_ids(queryset, parts, field, order, forward_desc, size + 1))
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
