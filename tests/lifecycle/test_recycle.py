"""À recycler: the supplier corrects the routing data and resends the same invoice, which may change hands."""

import pytest

from invoices import lifecycle
from invoices.lifecycle import LifecycleError, RoutingRefused
from invoices.models import Invoice, InvoiceStatus
from tests.conftest import verified_client
from tests.factories import ServiceFactory
from tests.factories_lifecycle import (
    accountant_of,
    invoice_in,
    public_structure,
    statuses_of,
    valid_siret,
    world,
)

S = InvoiceStatus


@pytest.fixture
def w(db):
    data = world()
    data["right_structure"] = public_structure(name="Syndicat d'Essai", code_service_obligatoire=True)
    data["exploitation"] = ServiceFactory(structure=data["right_structure"], code="EXPLOITATION")
    data["right_accountant"] = accountant_of(data["right_structure"])
    return data


@pytest.fixture
def deposited(w):
    """An invoice deposited and delivered to the wrong structure, its history from the start."""
    invoice = invoice_in(
        S.DEPOSEE,
        supplier=w["supplier"],
        recipient=w["recipient"],
        service=w["voirie"],
        code_service="VOIRIE",
        number="F-2026-0042",
    )
    lifecycle.record_deposit(invoice, actor=w["supplier_user"])
    return lifecycle.deliver(invoice, actor=w["supplier_user"])


def test_a_recycled_invoice_moves_to_the_right_structure_with_its_number_and_history(w, deposited, client):
    lifecycle.set_status(
        deposited, S.A_RECYCLER, actor=w["accountant"], reason="SIRET_ERR", comment="Adressez-la au syndicat."
    )
    recycled = lifecycle.recycle_invoice(
        deposited,
        actor=w["supplier_user"],
        buyer_siret=w["right_structure"].identifier,
        code_service="EXPLOITATION",
        engagement="EJ-77",
        comment="Corrigée.",
    )
    invoice = Invoice.objects.get(pk=deposited.pk)
    assert invoice.pk == recycled.pk and invoice.number == "F-2026-0042"
    assert (invoice.recipient, invoice.service, invoice.code_service, invoice.engagement) == (
        w["right_structure"],
        w["exploitation"],
        "EXPLOITATION",
        "EJ-77",
    )
    assert invoice.buyer_identifier == w["right_structure"].identifier
    assert invoice.status == S.MISE_A_DISPOSITION
    assert statuses_of(invoice) == [
        S.DEPOSEE,
        S.MISE_A_DISPOSITION,
        S.A_RECYCLER,
        S.DEPOSEE,
        S.MISE_A_DISPOSITION,
    ]
    moved = invoice.events.order_by("-at", "-id").first()
    assert moved.data["recycled"]["before"]["recipient"] == w["recipient"].identifier
    assert moved.data["recycled"]["after"]["recipient"] == w["right_structure"].identifier
    # The new recipient's accountant sees it, with its whole history; the former one no longer does.
    page = verified_client(client, w["right_accountant"]).get(f"/factures/{invoice.uuid}/")
    assert page.status_code == 200
    assert "Adressez-la au syndicat." in page.content.decode()
    assert "F-2026-0042" in client.get("/factures/recues/").content.decode()
    client.logout()
    assert verified_client(client, w["accountant"]).get(f"/factures/{invoice.uuid}/").status_code == 404


def test_the_corrected_data_go_through_the_deposit_routing_checks(w, deposited):
    lifecycle.set_status(deposited, S.A_RECYCLER, actor=w["accountant"], reason="CODE_ROUTAGE_ERR")
    attempts = [
        ({"buyer_siret": "12345678901234"}, "CHORALE-BUYER-INVALID"),
        ({"buyer_siret": valid_siret()}, "CHORALE-BUYER-UNKNOWN"),
        ({"buyer_siret": w["right_structure"].identifier}, "CHORALE-SERVICE-REQUIRED"),
        ({"buyer_siret": w["right_structure"].identifier, "code_service": "NOPE"}, "CHORALE-SERVICE-UNKNOWN"),
    ]
    for fields, rule in attempts:
        arguments = {"code_service": "", "engagement": "", **fields}
        with pytest.raises(RoutingRefused) as refused:
            lifecycle.recycle_invoice(deposited, actor=w["supplier_user"], **arguments)
        assert [f.rule for f in refused.value.findings] == [rule]
    deposited.refresh_from_db()
    assert (deposited.status, deposited.recipient) == (S.A_RECYCLER, w["recipient"])


def test_a_service_of_the_same_structure_may_be_corrected(w, deposited):
    lifecycle.set_status(deposited, S.A_RECYCLER, actor=w["accountant"], reason="CODE_ROUTAGE_ERR")
    lifecycle.recycle_invoice(
        deposited,
        actor=w["supplier_user"],
        buyer_siret=w["recipient"].identifier,
        code_service="ECOLES",
        engagement="",
    )
    deposited.refresh_from_db()
    assert (deposited.recipient, deposited.service, deposited.status) == (
        w["recipient"],
        w["ecoles"],
        S.MISE_A_DISPOSITION,
    )


def test_only_the_supplier_recycles_and_only_an_invoice_a_recycler(w, deposited):
    with pytest.raises(LifecycleError):
        lifecycle.recycle_invoice(
            deposited,
            actor=w["supplier_user"],
            buyer_siret=w["recipient"].identifier,
            code_service="ECOLES",
            engagement="",
        )
    lifecycle.set_status(deposited, S.A_RECYCLER, actor=w["accountant"], reason="CODE_ROUTAGE_ERR")
    for intruder in (w["accountant"], w["outsider"]):
        with pytest.raises(LifecycleError):
            lifecycle.recycle_invoice(
                deposited,
                actor=intruder,
                buyer_siret=w["recipient"].identifier,
                code_service="ECOLES",
                engagement="",
            )


def test_the_supplier_corrects_the_service_code_on_the_invoice_page(w, deposited, client):
    lifecycle.set_status(deposited, S.A_RECYCLER, actor=w["accountant"], reason="CODE_ROUTAGE_ERR")
    deposited.refresh_from_db()
    verified_client(client, w["supplier_user"])
    page = client.get(f"/factures/{deposited.uuid}/").content.decode()
    assert 'data-testid="recycle-form"' in page
    assert 'value="VOIRIE"' in page  # the current values, ready to correct
    url = f"/factures/{deposited.uuid}/recycler/"
    form = {
        "recycle-version": deposited.version,
        "recycle-recipient_siret": w["recipient"].identifier,
        "recycle-service_code": "INCONNU",
        "recycle-engagement": "",
    }
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "existe pas chez" in refused.content.decode()
    accepted = client.post(url, {**form, "recycle-service_code": "ECOLES"})
    assert accepted.status_code == 302
    deposited.refresh_from_db()
    assert (deposited.code_service, deposited.status) == ("ECOLES", S.MISE_A_DISPOSITION)


def test_an_outsider_cannot_reach_the_recycle_action(w, deposited, client):
    lifecycle.set_status(deposited, S.A_RECYCLER, actor=w["accountant"], reason="CODE_ROUTAGE_ERR")
    for user in (w["outsider"], w["accountant"]):
        client.logout()
        response = verified_client(client, user).post(f"/factures/{deposited.uuid}/recycler/", {})
        assert response.status_code == 404
