"""Suspendue: the recipient names the missing documents, the supplier adds them and resends (complétée)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from invoices import lifecycle
from invoices.lifecycle import LifecycleError
from invoices.models import InvoiceAttachment, InvoiceStatus
from tests.conftest import verified_client
from tests.factories_lifecycle import invoice_in, pdf_upload, statuses_of, world

S = InvoiceStatus


@pytest.fixture
def w(db):
    return world()


@pytest.fixture
def suspended(w):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"], days=12)
    return lifecycle.set_status(
        invoice,
        S.SUSPENDUE,
        actor=w["accountant"],
        reason="JUSTIF_ABS",
        comment="Il manque le procès-verbal de réception.",
    )


def test_suspend_then_complete_brings_the_invoice_back_with_a_fresh_payment_clock(w, suspended):
    assert lifecycle.payment_clock(suspended).state == "paused"
    completed = lifecycle.complete_invoice(
        suspended,
        actor=w["supplier_user"],
        attachments=[pdf_upload("pv-reception.pdf")],
        comment="Voici le PV.",
    )
    completed.refresh_from_db()
    assert completed.status == S.COMPLETEE
    assert statuses_of(completed) == [S.SUSPENDUE, S.COMPLETEE]
    attachment = InvoiceAttachment.objects.get(invoice=completed)
    assert attachment.stored_file.original_name == "pv-reception.pdf"
    assert attachment.stored_file.file.read().startswith(b"%PDF")
    assert attachment.added_by == w["supplier_user"]
    clock = lifecycle.payment_clock(completed)
    assert (clock.state, clock.days_elapsed, clock.days_remaining) == ("running", 0, 30)
    # Back with the recipient, who carries on.
    lifecycle.set_status(completed, S.SERVICE_FAIT, actor=w["accountant"])
    completed.refresh_from_db()
    assert completed.status == S.SERVICE_FAIT


def test_completing_needs_a_document_of_an_accepted_type(w, suspended):
    with pytest.raises(LifecycleError) as refused:
        lifecycle.complete_invoice(suspended, actor=w["supplier_user"], attachments=[])
    assert refused.value.field == "attachments"
    disguised = SimpleUploadedFile("pv.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(LifecycleError) as refused:
        lifecycle.complete_invoice(suspended, actor=w["supplier_user"], attachments=[disguised])
    assert "pv.pdf" in refused.value.message
    executable = SimpleUploadedFile("outil.exe", b"MZ\x90\x00", "application/octet-stream")
    with pytest.raises(LifecycleError):
        lifecycle.complete_invoice(suspended, actor=w["supplier_user"], attachments=[executable])
    suspended.refresh_from_db()
    assert suspended.status == S.SUSPENDUE
    assert not InvoiceAttachment.objects.exists()


def test_the_file_limits_of_the_deposit_apply(w, suspended, settings):
    settings.CHORALE_MAX_FILE_BYTES = 20
    with pytest.raises(LifecycleError):
        lifecycle.complete_invoice(suspended, actor=w["supplier_user"], attachments=[pdf_upload()])
    settings.CHORALE_MAX_FILE_BYTES = 10 * 1024 * 1024
    settings.CHORALE_MAX_FILENAME_CHARS = 8
    with pytest.raises(LifecycleError):
        lifecycle.complete_invoice(
            suspended, actor=w["supplier_user"], attachments=[pdf_upload("long-name.pdf")]
        )


def test_only_the_supplier_completes(w, suspended):
    for intruder in (w["accountant"], w["outsider"]):
        with pytest.raises(LifecycleError):
            lifecycle.complete_invoice(suspended, actor=intruder, attachments=[pdf_upload()])


def test_a_suspended_invoice_left_incomplete_may_be_rejected(w, suspended):
    lifecycle.set_status(suspended, S.REJETEE, actor=w["accountant"], reason="DOUBLON")
    suspended.refresh_from_db()
    assert suspended.status == S.REJETEE


def test_the_supplier_completes_from_the_invoice_page(w, suspended, client):
    suspended.refresh_from_db()
    verified_client(client, w["supplier_user"])
    page = client.get(f"/factures/{suspended.uuid}/").content.decode()
    assert "Il manque le procès-verbal de réception." in page
    assert 'data-testid="complete-form"' in page
    response = client.post(
        f"/factures/{suspended.uuid}/completer/",
        {
            "complete-version": suspended.version,
            "complete-attachments": [pdf_upload("pv.pdf"), pdf_upload("rib.pdf")],
            "complete-comment": "PV et RIB joints.",
        },
    )
    assert response.status_code == 302
    suspended.refresh_from_db()
    assert suspended.status == S.COMPLETEE
    assert sorted(suspended.attachments.values_list("stored_file__original_name", flat=True)) == [
        "pv.pdf",
        "rib.pdf",
    ]
    page = client.get(f"/factures/{suspended.uuid}/").content.decode()
    assert "pv.pdf" in page and "PV et RIB joints." in page


def test_the_payment_clock_counts_from_the_completion(w, suspended):
    completed = lifecycle.complete_invoice(suspended, actor=w["supplier_user"], attachments=[pdf_upload()])
    completed.refresh_from_db()
    later = timezone.localdate() + timedelta(days=25)
    clock = lifecycle.payment_clock(completed, today=later)
    assert (clock.days_elapsed, clock.past_ordonnateur_share, clock.late) == (25, True, False)
