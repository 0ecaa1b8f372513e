"""A deposited invoice reaches its recipient and no one else: the recipient's accountants (of its service
when they are limited to some services) see it; the supplier sees it sent; every other user gets 404."""

import pytest
from django.test import Client

from invoices.deposit.operations import deposit_files
from invoices.lifecycle.queries import get_invoice_for_user, received_invoices_for, sent_invoices_for
from invoices.models import Deposit, Invoice
from tests.conftest import verified_client
from tests.factories import MembershipFactory, ServiceFactory, StructureFactory
from tests.factories_deposit import invoice_upload, make_world, token_headers


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def invoice(world):
    deposit_files(world.supplier, [invoice_upload(world, "ubl", number="VIS-1")], channel=Deposit.Channel.API)
    return Invoice.objects.get()


def test_the_recipient_s_accountant_sees_the_invoice(world, invoice):
    assert list(received_invoices_for(world.accountant)) == [invoice]
    assert get_invoice_for_user(world.accountant, invoice.uuid) == invoice
    response = Client().get(f"/api/v1/invoices/{invoice.uuid}/", **token_headers(world.accountant))
    assert response.status_code == 200 and response.json()["number"] == "VIS-1"


def test_an_accountant_limited_to_another_service_does_not_see_it(world, invoice):
    schools = ServiceFactory(structure=world.recipient, code="ECOLES")
    limited = MembershipFactory(structure=world.recipient, can_triage=True, services=[schools]).user
    roads = MembershipFactory(structure=world.recipient, can_triage=True, services=[world.service]).user

    assert list(received_invoices_for(limited)) == []
    assert verified_client(Client(), limited).get(f"/factures/{invoice.uuid}/").status_code == 404
    assert list(received_invoices_for(roads)) == [invoice]


def test_the_supplier_sees_it_among_its_sent_invoices(world, invoice):
    assert list(sent_invoices_for(world.supplier)) == [invoice]
    assert list(received_invoices_for(world.supplier)) == []


def test_every_other_structure_gets_404(world, invoice):
    outsiders = [
        world.other_accountant,
        world.other_recipient.principal_manager,
        StructureFactory().principal_manager,
    ]
    for outsider in outsiders:
        assert list(received_invoices_for(outsider)) == []
        assert verified_client(Client(), outsider).get(f"/factures/{invoice.uuid}/").status_code == 404
        assert Client().get(f"/api/v1/invoices/{invoice.uuid}/", **token_headers(outsider)).status_code == 404


def test_a_refused_invoice_reaches_no_one(world):
    deposit_files(
        world.supplier, [invoice_upload(world, "ubl", service_code="NOPE")], channel=Deposit.Channel.API
    )

    assert not Invoice.objects.exists()
    assert list(received_invoices_for(world.accountant)) == []
