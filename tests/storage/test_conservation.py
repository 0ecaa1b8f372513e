"""Invoices, their originals, attachments and history are kept ten years: the database itself refuses to
delete them, except inside the journaled purge of vouchers past the period."""

import os
from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.models import SecurityEvent
from invoices.models import Invoice, InvoiceAttachment, InvoiceEvent, StoredFile
from invoices.storage.conservation import purge_vouchers, retention_limit
from tests.factories import StoredFileFactory, UserFactory
from tests.factories_lifecycle import invoice_in

pytestmark = pytest.mark.django_db


def _refused(action):
    with pytest.raises(DatabaseError, match="conservation"), transaction.atomic():
        action()


def _invoice_with_history_and_attachment():
    invoice = invoice_in()
    InvoiceEvent.objects.create(invoice=invoice, from_status="", to_status="deposee")
    InvoiceAttachment.objects.create(
        invoice=invoice, stored_file=StoredFileFactory(), added_by=invoice.deposited_by
    )
    return invoice


def test_deleting_an_invoice_is_refused_by_the_database_even_through_the_orm():
    invoice = _invoice_with_history_and_attachment()
    _refused(lambda: Invoice.objects.filter(pk=invoice.pk).delete())
    assert Invoice.objects.filter(pk=invoice.pk).exists()
    assert invoice.events.count() == 1 and invoice.attachments.count() == 1


@pytest.mark.parametrize(
    "table",
    ["invoices_invoice", "invoices_invoiceevent", "invoices_invoiceattachment", "invoices_storedfile"],
)
def test_raw_sql_cannot_delete_vouchers_either(table):
    _invoice_with_history_and_attachment()

    def delete():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")

    _refused(delete)


def test_a_stored_original_cannot_be_rewritten_nor_its_fingerprint_changed():
    stored = _invoice_with_history_and_attachment().original
    _refused(lambda: StoredFile.objects.filter(pk=stored.pk).update(sha256="0" * 64))
    _refused(lambda: StoredFile.objects.filter(pk=stored.pk).update(size=1))
    stored.refresh_from_db()
    assert stored.sha256 != "0" * 64


def test_a_history_row_cannot_be_altered():
    event = InvoiceEvent.objects.create(invoice=invoice_in(), from_status="", to_status="deposee")
    _refused(lambda: InvoiceEvent.objects.filter(pk=event.pk).update(to_status="rejetee"))


def test_the_purge_refuses_a_year_still_inside_the_period():
    support = UserFactory(is_staff=True)
    with pytest.raises(ValueError, match="période de conservation"):
        purge_vouchers(up_to_year=date.today().year - 5, actor=support)


def test_the_purge_deletes_expired_vouchers_and_their_files_and_journals_it(
    django_capture_on_commit_callbacks,
):
    old_year = retention_limit()
    old = _invoice_with_history_and_attachment()
    Invoice.objects.filter(pk=old.pk).update(year=old_year)
    recent = _invoice_with_history_and_attachment()
    original_path = old.original.file.path
    support = UserFactory(is_staff=True)

    with django_capture_on_commit_callbacks(execute=True):
        report = purge_vouchers(up_to_year=old_year, actor=support)

    assert (report.invoices, report.events, report.attachments, report.files) == (1, 1, 1, 2)
    assert not Invoice.objects.filter(pk=old.pk).exists()
    assert Invoice.objects.filter(pk=recent.pk).exists() and recent.events.count() == 1
    assert not os.path.exists(original_path)
    assert SecurityEvent.objects.filter(user=support, detail__contains=str(old_year)).exists()
    # The permit closed with the purge: the guard is back.
    _refused(lambda: Invoice.objects.filter(pk=recent.pk).delete())
