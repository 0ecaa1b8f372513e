"""Acceptance 2: a Factur-X invoice addressed to a public structure that requires a service code is refused
without one, accepted with one, and shows up in that structure's received invoices: visible to its
accountant, invisible to every other structure."""

import pytest
from django.test import Client

from invoices.lifecycle.queries import received_invoices_for
from invoices.models import DepositStatus, Invoice, InvoiceStatus
from tests.conftest import verified_client
from tests.factories_deposit import invoice_upload, make_world, token_headers


@pytest.fixture
def villebelle(db):
    return make_world(code_service_obligatoire=True)


def test_a_facturx_invoice_needs_the_service_code_the_structure_requires(client, villebelle):
    w = villebelle
    supplier = verified_client(client, w.supplier)

    refused = supplier.post(
        "/factures/deposer/",
        {"files": [invoice_upload(w, "facturx", number="VB-1", service_code=None)]},
        follow=True,
    )

    page = refused.content.decode()
    assert "Rejeté" in page and "CHORALE-SERVICE-REQUIRED" in page
    assert "Commune de Villebelle exige un code service" in page
    assert "ram:ApplicableHeaderTradeAgreement/ram:BuyerReference" in page
    assert not Invoice.objects.exists()

    accepted = supplier.post(
        "/factures/deposer/",
        {"files": [invoice_upload(w, "facturx", number="VB-1", service_code="VOIRIE")]},
        follow=True,
    )

    assert "Intégré" in accepted.content.decode()
    invoice = Invoice.objects.get()
    assert (invoice.recipient, invoice.service, invoice.status) == (
        w.recipient,
        w.service,
        InvoiceStatus.MISE_A_DISPOSITION,
    )
    assert invoice.deposit_documents.get().deposit.status == DepositStatus.INTEGRE

    # Visible to Villebelle's accountant: in the received list, the page and the API.
    assert list(received_invoices_for(w.accountant)) == [invoice]
    accountant = verified_client(Client(), w.accountant)
    assert "VB-1" in accountant.get("/factures/recues/").content.decode()
    assert accountant.get(f"/factures/{invoice.uuid}/").status_code == 200
    api = Client()
    received = api.get("/api/v1/invoices/?direction=received", **token_headers(w.accountant)).json()
    assert [i["id"] for i in received["results"]] == [str(invoice.uuid)]

    # Invisible to every other structure.
    other = verified_client(Client(), w.other_accountant)
    assert list(received_invoices_for(w.other_accountant)) == []
    assert "VB-1" not in other.get("/factures/recues/").content.decode()
    assert other.get(f"/factures/{invoice.uuid}/").status_code == 404
    other_api = api.get("/api/v1/invoices/?direction=received", **token_headers(w.other_accountant)).json()
    assert other_api["results"] == []
    assert (
        api.get(f"/api/v1/invoices/{invoice.uuid}/", **token_headers(w.other_accountant)).status_code == 404
    )
