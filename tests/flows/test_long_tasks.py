"""The other long work as tasks: a status for many invoices, the PES export, the status e-mails. Each can run
twice (its worker died before acknowledging it) without doing its work twice."""

import pytest
import redis
from django.core import mail

from accounts.site import serving_from
from invoices.lifecycle.bulk import StatusChange, change_statuses
from invoices.lifecycle.notifications import send_batch_status_emails, send_status_emails
from invoices.lifecycle.tasks import set_statuses
from invoices.models import InvoiceEvent, InvoiceStatus, PesExport
from invoices.pes.tasks import export_pes_files
from tests.factories_lifecycle import accountant_of, invoice_in, public_structure, supplier_member
from tests.factories_pes import (  # noqa: F401
    accepted_invoice,
    pes_accountant,
    pes_commune,
    pes_schemas_if_present,
)

pytestmark = pytest.mark.django_db


def test_a_status_for_many_invoices_changes_each_once_and_reports_each(outsider):
    recipient = public_structure()
    accountant = accountant_of(recipient)
    mine = [invoice_in(recipient=recipient) for _ in range(3)]
    theirs = invoice_in()
    ids = [str(i.uuid) for i in mine] + [str(theirs.uuid)]

    first = set_statuses.delay(accountant.pk, ids, InvoiceStatus.PRISE_EN_COMPTE).get()
    again = set_statuses.delay(accountant.pk, ids, InvoiceStatus.PRISE_EN_COMPTE).get()

    assert [r["ok"] for r in first] == [True, True, True, False]
    assert first[3]["error"] == "not_found"  # another structure's invoice: not even named
    assert again == first
    for invoice in mine:
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.PRISE_EN_COMPTE and invoice.version == 1
    assert InvoiceEvent.objects.filter(to_status=InvoiceStatus.PRISE_EN_COMPTE).count() == 3


def test_a_refused_change_is_reported_with_its_reason():
    recipient = public_structure()
    invoice = invoice_in(recipient=recipient)

    [result] = set_statuses.delay(
        accountant_of(recipient).pk, [str(invoice.uuid)], InvoiceStatus.DEPOSEE
    ).get()

    assert result["ok"] is False and result["error"] == "illegal_transition"


def test_a_status_e_mail_task_run_twice_sends_its_messages_once(django_capture_on_commit_callbacks):
    recipient = public_structure()
    invoice = invoice_in(recipient=recipient)
    supplier_member(invoice.supplier)
    with django_capture_on_commit_callbacks(execute=True):
        set_statuses.delay(accountant_of(recipient).pk, [str(invoice.uuid)], InvoiceStatus.PRISE_EN_COMPTE)
    sent = len(mail.outbox)
    event = InvoiceEvent.objects.get(to_status=InvoiceStatus.PRISE_EN_COMPTE)

    again = send_status_emails.delay(invoice.pk, event.pk).get()

    assert sent >= 1 and again == 0 and len(mail.outbox) == sent


@pytest.mark.usefixtures("pes_schemas_if_present")
def test_a_pes_export_task_run_twice_exports_once(structure, accountant):
    invoice = accepted_invoice(structure)

    first = export_pes_files.delay(structure.pk, accountant.pk, [str(invoice.uuid)]).get()
    again = export_pes_files.delay(structure.pk, accountant.pk, [str(invoice.uuid)]).get()

    assert first["refused"] is None
    assert PesExport.objects.get().uuid.hex == first["export"].replace("-", "")
    assert again["export"] is None and "exportée" in again["refused"]
    assert PesExport.objects.count() == 1


def test_a_batch_e_mail_task_run_twice_sends_its_messages_once():
    recipient = public_structure()
    invoices = [invoice_in(recipient=recipient) for _ in range(2)]
    supplier_member(invoices[0].supplier)
    changes = [{"invoice_id": i.pk, "to_status": InvoiceStatus.SERVICE_FAIT} for i in invoices]

    with serving_from("https://factures.example.test/"):  # the request that queued the task
        first = send_batch_status_emails.delay("batch-1", changes).get()
        again = send_batch_status_emails.delay("batch-1", changes).get()

    assert first >= 1 and again == 0 and len(mail.outbox) == first
    assert all("https://factures.example.test/factures/" in message.body for message in mail.outbox)


@pytest.mark.queue
def test_a_bulk_change_leaves_its_e_mails_to_the_queue(redis_broker, django_capture_on_commit_callbacks):
    recipient = public_structure()
    invoices = [invoice_in(recipient=recipient) for _ in range(3)]
    supplier_member(invoices[0].supplier)

    with django_capture_on_commit_callbacks(execute=True):
        results = change_statuses(
            [StatusChange(i.uuid, InvoiceStatus.PRISE_EN_COMPTE) for i in invoices],
            actor=accountant_of(recipient),
        )

    assert all(r.ok for r in results)
    assert mail.outbox == []  # nothing rendered nor sent by the request that made the change
    assert redis.Redis.from_url(redis_broker["url"]).llen(redis_broker["queue"]) == 1  # one task, the batch's
