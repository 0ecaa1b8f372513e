"""Counters stay exact when many transactions move invoices of the same structures at once.

Single changes, bulk batches over overlapping invoices and new deliveries race on the same counter rows;
each adds its difference atomically (INSERT … ON CONFLICT DO UPDATE), so none is lost and the check passes.
PostgreSQL only: SQLite serialises writers.
"""

import contextlib

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from invoices import lifecycle
from invoices.lifecycle import LifecycleError
from invoices.lifecycle.bulk import StatusChange, change_statuses
from invoices.lifecycle.operations import create_delivered
from invoices.models import Invoice, InvoiceCount, InvoiceStatus
from tests.concurrently import at_once
from tests.factories import InvoiceFactory, StoredFileFactory
from tests.factories_lifecycle import accountant_of, invoice_in, world

S = InvoiceStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them); CI runs this on PostgreSQL")


def _together(attempts) -> list:
    """Run the attempts at once; the errors they met other than a refused change."""
    return [r for r in at_once(*attempts) if isinstance(r, Exception) and not isinstance(r, LifecycleError)]


def test_racing_changes_bulk_batches_and_deliveries_leave_exact_counters():
    w = world()
    colleague = accountant_of(w["recipient"])
    invoices = [invoice_in(supplier=w["supplier"], recipient=w["recipient"]) for _ in range(24)]
    original = StoredFileFactory()

    def single(chunk, who):
        def attempt():
            for invoice in chunk:
                with contextlib.suppress(LifecycleError):
                    lifecycle.set_status(Invoice.objects.get(pk=invoice.pk), S.PRISE_EN_COMPTE, actor=who)

        return attempt

    def batch(chunk, who):
        return lambda: change_statuses([StatusChange(i.uuid, S.SERVICE_FAIT) for i in chunk], actor=who)

    def deliveries(count):
        def attempt():
            for _ in range(count):
                with transaction.atomic():
                    invoice = InvoiceFactory.build(
                        supplier=w["supplier"],
                        recipient=w["recipient"],
                        original=original,
                        deposited_by=w["supplier_user"],
                    )
                    create_delivered(invoice, actor=w["supplier_user"])

        return attempt

    errors = _together(
        [
            single(invoices[:12], w["accountant"]),
            single(invoices[6:18], colleague),
            batch(invoices[::2], colleague),
            batch(invoices[8:], w["accountant"]),
            deliveries(8),
            deliveries(8),
        ]
    )
    assert errors == []
    call_command("recount_statuses", "--check", verbosity=0)
    received = InvoiceCount.objects.filter(side=InvoiceCount.Side.RECEIVED, structure=w["recipient"])
    assert sum(received.values_list("n", flat=True)) == 24 + 16
