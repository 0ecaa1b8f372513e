"""Counts per status, and the ageing of running invoices, kept in counters that move with the invoices.

A list page shows how many invoices each status holds and the dashboard how old the running ones are; at
millions of rows counting the invoice table for that costs seconds. So every operation that creates or moves
an invoice (deposit, delivery, status change, recycling, completion, bulk change) adds its difference to
`InvoiceCount` and `RunningInvoiceCount` in its own transaction: a rolled-back change is never counted,
and `recount_statuses --check` (`invoices.lifecycle.recount`) proves the counters equal to a real count.

The difference is written with one `INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`, which adds
atomically: two transactions moving invoices of the same structure never lose each other's change, on
PostgreSQL as on SQLite. Its rows go in key order, so that two such statements lock counters in the same
order and cannot deadlock on each other.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connections, router
from django.db.models import Q, Sum
from django.utils import timezone

from invoices.lifecycle.clock import CLOCK_RUNNING
from invoices.models import Invoice, InvoiceCount, RunningInvoiceCount

RECEIVED = InvoiceCount.Side.RECEIVED.value
SENT = InvoiceCount.Side.SENT.value
NO_SERVICE = 0
_BATCH = 500  # rows per upsert statement (SQLite allows 32,766 parameters)

# (structure id, service ids or None for the whole structure): what a user receives, from
# `accounts.access.UserAccess.received_scopes`.
Scope = tuple[int, frozenset[int] | None]


@dataclass(frozen=True)
class Place:
    """Where an invoice counts: its recipient and service, its supplier, its status, and the local day of its
    delivery while its payment clock runs (None otherwise)."""

    recipient_id: int
    service_key: int
    supplier_id: int
    status: str
    running_on: date | None


def delivery_day(delivered_at) -> date:
    """The local calendar day of a delivery: the payment clock and the ageing buckets count in local days."""
    return timezone.localdate(delivered_at)


def place_of(invoice: Invoice) -> Place:
    running = invoice.status in CLOCK_RUNNING and invoice.delivered_at is not None
    return Place(
        recipient_id=invoice.recipient_id,
        service_key=invoice.service_id or NO_SERVICE,
        supplier_id=invoice.supplier_id,
        status=invoice.status,
        running_on=delivery_day(invoice.delivered_at) if running else None,
    )


class Tally:
    """Differences to add to the counters, gathered then written in one statement per table."""

    def __init__(self):
        self.statuses: Counter = Counter()
        self.running: Counter = Counter()

    def add(self, place: Place, n: int = 1) -> None:
        self.statuses[(RECEIVED, place.recipient_id, place.service_key, place.status)] += n
        self.statuses[(SENT, place.supplier_id, NO_SERVICE, place.status)] += n
        if place.running_on is not None:
            self.running[(place.recipient_id, place.service_key, place.running_on)] += n

    def move(self, before: Place, after: Place) -> None:
        if before != after:
            self.add(before, -1)
            self.add(after, 1)

    def save(self, *, using: str | None = None) -> None:
        using = using or router.db_for_write(InvoiceCount)
        statuses, running = _rows(self.statuses), _rows(self.running)
        if (
            connections[using].vendor == "postgresql"
            and 0 < len(statuses) <= _BATCH
            and 0 < len(running) <= _BATCH
        ):
            _upsert_both(using, statuses, running)
        else:
            _upsert(using, InvoiceCount, _STATUS_KEY, statuses)
            _upsert(using, RunningInvoiceCount, _RUNNING_KEY, running)
        self.statuses.clear()
        self.running.clear()


_STATUS_KEY = ("side", "structure_id", "service_key", "status")
_RUNNING_KEY = ("structure_id", "service_key", "delivered_on")


def _rows(deltas: Counter) -> list[tuple[tuple, int]]:
    return sorted((key, n) for key, n in deltas.items() if n)


def _statement(using: str, model, key_columns: tuple[str, ...], count: int, *, select: bool = False):
    """`INSERT … ON CONFLICT DO UPDATE` adding `count` rows of differences (`select`: as `INSERT … SELECT`
    from a VALUES list named `delta`, whose WHERE the caller appends before the conflict clause)."""
    quote = connections[using].ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(c) for c in (*key_columns, "n"))
    keys = ", ".join(quote(c) for c in key_columns)
    values = ", ".join(["(" + ", ".join(["%s"] * (len(key_columns) + 1)) + ")"] * count)
    # Only our own tables' quoted names go into the text; every value is a parameter.
    insert = f"INSERT INTO {table} ({columns}) "  # noqa: S608
    if select:
        insert += f"SELECT * FROM (VALUES {values}) AS delta ({columns}) "  # noqa: S608
    else:
        insert += f"VALUES {values}"
    return insert, f" ON CONFLICT ({keys}) DO UPDATE SET n = {table}.n + excluded.n"


def _params(rows) -> list:
    return [value for key, n in rows for value in (*key, n)]


def _upsert(using: str, model, key_columns: tuple[str, ...], rows: list) -> None:
    with connections[using].cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            insert, conflict = _statement(using, model, key_columns, len(batch))
            cursor.execute(insert + conflict, _params(batch))


def _upsert_both(using: str, statuses: list, running: list) -> None:
    """Both tables in one statement (one round trip fewer, on every operation that moves an invoice).

    The WHERE, always true, makes PostgreSQL count every row the WITH wrote before it inserts the first
    running counter (a WITH's writes otherwise happen in no set order): the status counters are locked
    first, then the running ones, each in key order, as the two statements of `_upsert` lock them; the
    order every writer follows, so that none deadlocks on another.
    """
    first, first_conflict = _statement(using, InvoiceCount, _STATUS_KEY, len(statuses))
    second, second_conflict = _statement(using, RunningInvoiceCount, _RUNNING_KEY, len(running), select=True)
    sql = (
        f"WITH counted AS ({first}{first_conflict} RETURNING 1) "  # noqa: S608
        f"{second}WHERE (SELECT count(*) FROM counted) >= 0{second_conflict}"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [*_params(statuses), *_params(running)])


# --- Writing ----------------------------------------------------------------------------------------------


def count_new(invoices: Iterable[Invoice]) -> None:
    """Count invoices just created (in the caller's transaction)."""
    tally = Tally()
    for invoice in invoices:
        tally.add(place_of(invoice))
    tally.save()


def count_move(before: Place, after: Place) -> None:
    """Count one invoice moved from `before` to `after` (in the caller's transaction)."""
    tally = Tally()
    tally.move(before, after)
    tally.save()


# --- Reading ----------------------------------------------------------------------------------------------


def _scope_filter(scopes: Iterable[Scope]) -> Q:
    condition = Q(pk__in=[])
    for structure_id, services in scopes:
        if services is None:
            condition |= Q(structure_id=structure_id)
        else:
            condition |= Q(structure_id=structure_id, service_key__in=sorted(services))
    return condition


def received_counts(scopes: list[Scope]) -> dict[str, int]:
    """Invoices per status received by these structures (and services): one query on the counters."""
    if not scopes:
        return {}
    rows = (
        InvoiceCount.objects.filter(_scope_filter(scopes), side=RECEIVED)
        .values_list("status")
        .annotate(total=Sum("n"))
        .order_by()
    )
    return {status: total for status, total in rows if total}


def sent_counts(structure_ids: list[int]) -> dict[str, int]:
    """Invoices per status sent by these structures."""
    if not structure_ids:
        return {}
    rows = (
        InvoiceCount.objects.filter(side=SENT, structure_id__in=structure_ids)
        .values_list("status")
        .annotate(total=Sum("n"))
        .order_by()
    )
    return {status: total for status, total in rows if total}


def age_bounds(low: int, high: int | None, today: date) -> tuple[date | None, date | None]:
    """The first and last delivery days (inclusive; None: no bound) of invoices more than `low` and at most
    `high` days old. More than N days old means delivered before the start of the day N days ago, in local
    time, as the payment clock counts (`invoices.lifecycle.clock.payment_clock`)."""
    first = today - timedelta(days=high) if high is not None else None
    last = today - timedelta(days=low + 1) if low else None
    return first, last


def running_by_age(scopes: list[Scope], buckets, *, today: date | None = None) -> list[int]:
    """Running invoices per age bucket, each `(more than low days old, at most high days)` (high None: no
    limit), as `age_bounds` dates them."""
    if not scopes:
        return [0 for _bucket in buckets]
    today = today or timezone.localdate()
    sums = {}
    for index, (low, high) in enumerate(buckets):
        first, last = age_bounds(low, high, today)
        condition = Q()
        if first is not None:
            condition &= Q(delivered_on__gte=first)
        if last is not None:
            condition &= Q(delivered_on__lte=last)
        sums[f"b{index}"] = Sum("n", filter=condition) if condition else Sum("n")
    totals = RunningInvoiceCount.objects.filter(_scope_filter(scopes)).aggregate(**sums)
    return [totals[f"b{index}"] or 0 for index in range(len(buckets))]
