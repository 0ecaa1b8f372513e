"""Rejetée: final, reason mandatory, a warning when a gentler answer fits, acknowledged by the supplier."""

from datetime import timedelta

import pytest
from django.utils import timezone

from invoices import lifecycle
from invoices.lifecycle import LifecycleError
from invoices.models import Invoice, InvoiceStatus
from tests.conftest import verified_client
from tests.factories import MembershipFactory, UserFactory
from tests.factories_lifecycle import invoice_in, pdf_upload, world

S = InvoiceStatus


@pytest.fixture
def w(db):
    return world()


@pytest.fixture
def rejected(w):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    return lifecycle.set_status(
        invoice, S.REJETEE, actor=w["accountant"], reason="DOUBLON", comment="Déjà reçue sous le n° F-1."
    )


def test_a_rejected_invoice_accepts_no_further_change_from_anyone(w, rejected):
    version = rejected.version
    for target in S.values:
        for actor in (w["accountant"], w["supplier_user"], w["recipient"].principal_manager, None):
            with pytest.raises(LifecycleError):
                lifecycle.set_status(rejected, target, actor=actor, reason="DOUBLON", comment="x")
    with pytest.raises(LifecycleError):
        lifecycle.recycle_invoice(
            rejected,
            actor=w["supplier_user"],
            buyer_siret=w["recipient"].identifier,
            code_service="",
            engagement="",
        )
    with pytest.raises(LifecycleError):
        lifecycle.complete_invoice(rejected, actor=w["supplier_user"], attachments=[pdf_upload()])
    rejected.refresh_from_db()
    assert (rejected.status, rejected.version) == (S.REJETEE, version)


def test_the_reject_form_warns_when_recycling_would_fit_the_reason(w, client):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    verified_client(client, w["accountant"])
    page = client.get(f"/factures/{invoice.uuid}/").content.decode()
    assert 'data-warning-for="CMD_ERR"' in page  # shown by the page's script as soon as the reason is chosen
    form = {
        "target": "rejetee",
        "rejetee-target": "rejetee",
        "rejetee-version": invoice.version,
        "rejetee-reason": "CMD_ERR",
        "rejetee-comment": "Engagement inconnu.",
    }
    warned = client.post(f"/factures/{invoice.uuid}/statut/", form)
    assert warned.status_code == 400
    body = warned.content.decode()
    assert "À recycler" in body and "Cochez la case de confirmation" in body
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    confirmed = client.post(f"/factures/{invoice.uuid}/statut/", {**form, "rejetee-confirm": "on"})
    assert confirmed.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == S.REJETEE


def test_a_reason_no_gentler_answer_covers_is_rejected_without_warning(w, client):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    verified_client(client, w["accountant"])
    response = client.post(
        f"/factures/{invoice.uuid}/statut/",
        {
            "target": "rejetee",
            "rejetee-target": "rejetee",
            "rejetee-version": invoice.version,
            "rejetee-reason": "TX_TVA_ERR",
            "rejetee-comment": "Taux de 5,5 % attendu.",
        },
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == S.REJETEE


def test_the_supplier_sees_the_reason_and_acknowledges_it(w, rejected, client):
    verified_client(client, w["supplier_user"])
    page = client.get(f"/factures/{rejected.uuid}/").content.decode()
    assert "Facture en doublon" in page and "Déjà reçue sous le n° F-1." in page
    assert 'data-testid="acknowledge-submit"' in page
    assert client.post(f"/factures/{rejected.uuid}/accuser-reception/").status_code == 302
    rejected.refresh_from_db()
    assert rejected.rejection_acknowledged_at is not None
    assert (
        'data-testid="acknowledge-submit"' not in client.get(f"/factures/{rejected.uuid}/").content.decode()
    )


def test_only_the_supplier_acknowledges(w, rejected, client):
    with pytest.raises(LifecycleError):
        lifecycle.acknowledge_rejection(rejected, actor=w["accountant"])
    assert (
        verified_client(client, w["accountant"])
        .post(f"/factures/{rejected.uuid}/accuser-reception/")
        .status_code
        == 404
    )
    rejected.refresh_from_db()
    assert rejected.rejection_acknowledged_at is None


def test_a_rejection_unread_after_seven_days_is_shown_at_every_login_until_acknowledged(w, rejected, client):
    verified_client(client, w["supplier_user"])
    assert 'data-testid="rejection-banner"' not in client.get("/").content.decode()  # a recent one waits
    Invoice.objects.filter(pk=rejected.pk).update(status_changed_at=timezone.now() - timedelta(days=8))
    for path in ("/", "/factures/envoyees/"):
        page = client.get(path).content.decode()
        assert 'data-testid="rejection-banner"' in page, path
        assert rejected.number in page
    colleague = UserFactory()
    MembershipFactory(structure=w["supplier"], user=colleague)
    client.logout()
    assert rejected.number in verified_client(client, colleague).get("/").content.decode()
    lifecycle.acknowledge_rejection(rejected, actor=colleague)
    assert 'data-testid="rejection-banner"' not in client.get("/").content.decode()


def test_the_recipient_side_never_gets_the_supplier_banner(w, rejected, client):
    Invoice.objects.filter(pk=rejected.pk).update(status_changed_at=timezone.now() - timedelta(days=30))
    for user in (w["accountant"], w["outsider"]):
        client.logout()
        assert 'data-testid="rejection-banner"' not in verified_client(client, user).get("/").content.decode()
