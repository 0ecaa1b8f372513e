"""Accepting an invoice is one transaction: the invoice, its files and its first history rows all exist,
or none does. A database failure is forced with a trigger (no mock of our own code)."""

import pytest
from django.db import DatabaseError, connection

from invoices.deposit.operations import deposit_files
from invoices.models import (
    Deposit,
    DepositDocument,
    DepositStatus,
    Invoice,
    InvoiceAttachment,
    InvoiceEvent,
    StoredFile,
)
from tests.factories_deposit import PNG, error_rules_of, invoice_upload, upload


def fail_inserts_into(table):
    """Make every INSERT into `table` fail from now on (until the test's transaction rolls back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION chorale_forced_failure() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'forced failure'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER chorale_forced_failure BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION chorale_forced_failure()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER chorale_forced_failure BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
            )


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_failure_after_the_invoice_insert_leaves_no_invoice_behind(world):
    # The history row is written after the invoice and its attachments: make it fail.
    fail_inserts_into("invoices_invoiceevent")

    deposit = deposit_files(
        world.supplier,
        [invoice_upload(world, "facturx")],
        attachments=[upload("bon.png", PNG)],
        channel=Deposit.Channel.WEB,
    )

    assert deposit.status == DepositStatus.REJETE
    assert error_rules_of(deposit) == {"CHORALE-RECORD-FAILED"}
    assert not Invoice.objects.exists()
    assert not InvoiceEvent.objects.exists()
    assert not InvoiceAttachment.objects.exists()
    # The deposit, its report and its originals are kept, as for any refused deposit.
    assert DepositDocument.objects.filter(deposit=deposit, invoice=None).count() == 2


def test_one_failing_invoice_does_not_take_the_others_down(world):
    first = deposit_files(
        world.supplier, [invoice_upload(world, "cii", number="OK-1")], channel=Deposit.Channel.WEB
    )
    assert first.status == DepositStatus.INTEGRE
    fail_inserts_into("invoices_invoiceattachment")

    deposit = deposit_files(
        world.supplier,
        [invoice_upload(world, "cii", number="OK-2")],
        attachments=[upload("bon.png", PNG)],
        channel=Deposit.Channel.WEB,
    )

    assert deposit.status == DepositStatus.REJETE
    assert list(Invoice.objects.values_list("number", flat=True)) == ["OK-1"]
    assert InvoiceEvent.objects.count() == 2


def test_a_failure_while_recording_the_deposit_leaves_nothing_at_all(world, settings):
    fail_inserts_into("invoices_depositdocument")

    with pytest.raises(DatabaseError):
        deposit_files(
            world.supplier,
            [invoice_upload(world, "ubl")],
            attachments=[upload("bon.png", PNG)],
            channel=Deposit.Channel.WEB,
        )

    assert not Deposit.objects.exists()
    assert not Invoice.objects.exists()
    assert not InvoiceEvent.objects.exists()
    assert not StoredFile.objects.exists()
    assert media_files(settings) == []  # the originals written to storage were removed with the rollback
