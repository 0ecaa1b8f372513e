"""The counters against a real count of the invoice table: the proof (`check`) and the repair (`rebuild`).

Both read the table and the counters in one snapshot (REPEATABLE READ on PostgreSQL, a read transaction
on SQLite), so that changes committed meanwhile, which always move an invoice and its counters together,
never show as a difference. The repair holds writes to the invoice table off while it counts (SHARE lock).
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from invoices.lifecycle.clock import CLOCK_RUNNING
from invoices.lifecycle.counters import NO_SERVICE, RECEIVED, SENT, Tally
from invoices.models import Invoice, InvoiceCount, RunningInvoiceCount


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple
    stored: int
    real: int

    def __str__(self):
        return f"{self.table} {self.key}: stored {self.stored}, real {self.real}"


def real_counts(using: str) -> tuple[Counter, Counter]:
    """Counted on the invoice table: per-status counts, running invoices per delivery day (`Tally` keys)."""
    invoices = Invoice.objects.using(using).order_by()
    statuses: Counter = Counter()
    for recipient, service, status, n in (
        invoices.values_list("recipient_id", "service_id", "status").annotate(n=Count("id")).order_by()
    ):
        statuses[(RECEIVED, recipient, service or NO_SERVICE, status)] += n
    for supplier, status, n in (
        invoices.values_list("supplier_id", "status").annotate(n=Count("id")).order_by()
    ):
        statuses[(SENT, supplier, NO_SERVICE, status)] += n
    running: Counter = Counter()
    days = (
        invoices.filter(status__in=CLOCK_RUNNING, delivered_at__isnull=False)
        .annotate(day=TruncDate("delivered_at", tzinfo=timezone.get_current_timezone()))
        .values_list("recipient_id", "service_id", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    for recipient, service, day, n in days:
        running[(recipient, service or NO_SERVICE, day)] += n
    return statuses, running


def stored_counts(using: str) -> tuple[Counter, Counter]:
    statuses = Counter(
        {
            (side, structure, service, status): n
            for side, structure, service, status, n in InvoiceCount.objects.using(using).values_list(
                "side", "structure_id", "service_key", "status", "n"
            )
            if n
        }
    )
    running = Counter(
        {
            (structure, service, day): n
            for structure, service, day, n in RunningInvoiceCount.objects.using(using).values_list(
                "structure_id", "service_key", "delivered_on", "n"
            )
            if n
        }
    )
    return statuses, running


def _compare(table: str, stored: Counter, real: Counter) -> list[Difference]:
    keys = sorted(set(stored) | set(real), key=str)
    return [Difference(table, k, stored[k], real[k]) for k in keys if stored[k] != real[k]]


def _snapshot(using: str):
    """A transaction whose reads all see the same committed state."""
    connection = connections[using]
    outer = connection.in_atomic_block
    block = transaction.atomic(using=using)
    block.__enter__()
    if not outer and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    return block


def check(using: str | None = None) -> list[Difference]:
    """Every counter that differs from a real count (empty when they all agree)."""
    using = using or router.db_for_read(InvoiceCount)
    block = _snapshot(using)
    try:
        real_statuses, real_running = real_counts(using)
        stored_statuses, stored_running = stored_counts(using)
    finally:
        block.__exit__(None, None, None)
    return _compare("statuses", stored_statuses, real_statuses) + _compare(
        "running", stored_running, real_running
    )


def rebuild(using: str | None = None) -> tuple[int, int]:
    """Replace every counter by a real count; returns the number of (status, running) rows written."""
    using = using or router.db_for_write(InvoiceCount)
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Writers wait (they change an invoice before its counters); readers do not.
                cursor.execute(
                    f"LOCK TABLE {connection.ops.quote_name(Invoice._meta.db_table)} IN SHARE MODE"
                )
        statuses, running = real_counts(using)
        InvoiceCount.objects.using(using).all().delete()
        RunningInvoiceCount.objects.using(using).all().delete()
        tally = Tally()
        tally.statuses.update(statuses)
        tally.running.update(running)
        tally.save(using=using)
    return len(statuses), len(running)
