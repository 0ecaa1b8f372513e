"""One accepted invoice costs a fixed, small number of SQL statements: the count must not creep back up.

Counted, not timed: each statement is a round trip to the database server (issue 11's deposit benchmark,
`bench/ingest.py`, shows them adding up on PostgreSQL).
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoices.deposit.operations import deposit_files
from invoices.models import Deposit, DepositStatus, Invoice
from tests.factories_deposit import invoice_upload

# Transaction control, which pytest-django's test transaction turns into savepoints on every database.
_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT", "ROLLBACK")


def statements_of_one_deposit(world, settings) -> list[str]:
    settings.CHORALE_DEPOSIT_DAILY_BYTES = 10_000_000
    deposit_files(
        world.supplier, [invoice_upload(world, "cii")], channel=Deposit.Channel.API
    )  # the day's quota row
    with CaptureQueriesContext(connection) as captured:
        deposit = deposit_files(world.supplier, [invoice_upload(world, "cii")], channel=Deposit.Channel.API)
    assert deposit.status == DepositStatus.INTEGRE
    return [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(_CONTROL)]


def test_one_accepted_invoice_costs_twelve_statements(world, settings):
    statements = statements_of_one_deposit(world, settings)

    # Reading: the depositor's memberships, the recipient with its service, the originals already kept.
    # Recording: the quota, the original, the company-wide number check, the invoice, its counters, its
    # history rows, the deposit and its document row; on PostgreSQL the number's lock, and both counter tables
    # in one statement (SQLite: two).
    assert len(statements) == 12, "\n".join(s[:120] for s in statements)
    assert Invoice.objects.count() == 2


def test_the_company_wide_number_check_runs_once_under_the_lock(world, settings):
    statements = statements_of_one_deposit(world, settings)

    company_checks = [s for s in statements if "LIKE" in s.upper() and "invoices_invoice" in s]
    assert len(company_checks) == 1
    if connection.vendor == "postgresql":
        lock = next(i for i, s in enumerate(statements) if "pg_advisory_xact_lock" in s)
        assert statements.index(company_checks[0]) == lock + 1
