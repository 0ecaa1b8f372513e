"""Acceptance 5: a flow deposited through /cpro/ is the same deposit, invoice and report as through /api/v1/
(one code path), and a technical account of structure A sees nothing of structure B through either API."""

import pytest

from accounts import cpro_identity
from invoices.cpro import mapping
from invoices.models import Deposit, Invoice
from tests.cpro.helpers import CproCaller, b64, make_cpro_world
from tests.factories import StructureFactory
from tests.factories_deposit import invoice_bytes, upload

pytestmark = pytest.mark.django_db


def api(client, token: str, path: str, **kwargs):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}", **kwargs)


@pytest.fixture
def w():
    return make_cpro_world()


@pytest.fixture
def flow(client, w):
    """A Factur-X invoice deposited by the supplier's software through /cpro/."""
    odoo = CproCaller(client, w.supplier_credentials)
    answer = odoo.ok(
        "factures/v1/deposer/flux",
        {
            "fichierFlux": b64(invoice_bytes(w.world, "facturx", number="ONE-1")),
            "nomFichier": "one.pdf",
            "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
        },
    )
    deposit = Deposit.objects.get(pk=mapping.deposit_key(answer["numeroFluxDepot"]))
    row = odoo.ok("factures/v1/rechercher/fournisseur", {"numeroFluxDepot": answer["numeroFluxDepot"]})[
        "listeFactures"
    ][0]
    return answer["numeroFluxDepot"], deposit, Invoice.objects.get(pk=row["identifiantFactureCPP"])


def test_a_cpro_flow_is_a_deposit_like_the_api_ones_with_the_same_report(client, w, flow):
    number, deposit, invoice = flow
    token = w.supplier_credentials["api_token"]

    assert Deposit.objects.count() == 1 and Invoice.objects.count() == 1
    assert deposit.created_by.email == w.supplier_credentials["login"]
    assert deposit.channel == Deposit.Channel.API
    report = api(client, token, f"/api/v1/deposits/{deposit.uuid}/").json()
    assert report["status"] == "integre"
    assert report["documents"][0]["invoice"] == str(invoice.uuid)
    seen = api(client, token, f"/api/v1/invoices/{invoice.uuid}/").json()
    assert (seen["number"], seen["status"]) == ("ONE-1", "mise_a_disposition")
    assert invoice.deposit_documents.get().deposit == deposit


def test_the_same_file_through_api_v1_meets_the_invoice_the_flow_created(client, w, flow):
    _number, deposit, invoice = flow
    same = invoice.original.file.open("rb").read()

    response = client.post(
        "/api/v1/invoices/",
        {"file": upload("one.pdf", same)},
        HTTP_AUTHORIZATION=f"Bearer {w.supplier_credentials['api_token']}",
    )

    assert response.status_code == 422
    assert {f["rule"] for f in response.json()["findings"]} >= {
        "CHORALE-DUPLICATE-NUMBER",
        "CHORALE-ALREADY-DEPOSITED",
    }
    assert Invoice.objects.count() == 1


def test_an_api_v1_deposit_is_found_through_cpro_too(client, w):
    response = client.post(
        "/api/v1/invoices/",
        {"file": upload("two.pdf", invoice_bytes(w.world, "facturx", number="TWO-1"))},
        HTTP_AUTHORIZATION=f"Bearer {w.supplier_credentials['api_token']}",
    )
    assert response.status_code == 201
    deposit = Deposit.objects.get(uuid=response.json()["deposit"])
    odoo = CproCaller(client, w.supplier_credentials)

    report = odoo.ok("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": mapping.flux_number(deposit)})
    found = odoo.ok("factures/v1/rechercher/fournisseur", {"numeroFacture": "TWO-1"})

    assert report["etatCourantDepotFlux"] == "IN_INTEGRE"
    assert found["listeFactures"][0]["numeroFluxDepot"] == mapping.flux_number(deposit)


def test_another_suppliers_account_sees_nothing_of_it_through_either_api(client, w, flow):
    number, deposit, invoice = flow
    other = cpro_identity.create_cpro_credentials(
        StructureFactory(), actor=None, name="ERP", rights=["deposit"]
    )[1]
    stranger = CproCaller(client, other)

    assert (
        stranger.call("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": number})["codeRetour"]
        == 20000
    )
    assert stranger.call("transverses/v1/consulterCR", {"numeroFluxDepot": number})["codeRetour"] == 20000
    assert (
        stranger.ok("factures/v1/rechercher/fournisseur", {"numeroFluxDepot": number})["listeFactures"] == []
    )
    assert stranger.ok("factures/v1/rechercher/fournisseur", {})["listeFactures"] == []
    assert stranger.call("factures/v1/consulter/historique", {"idFacture": invoice.pk})["codeRetour"] == 20000
    assert api(client, other["api_token"], f"/api/v1/deposits/{deposit.uuid}/").status_code == 404
    assert api(client, other["api_token"], f"/api/v1/invoices/{invoice.uuid}/").status_code == 404


def test_another_recipients_account_sees_nothing_of_it_through_either_api(client, w, flow):
    _number, _deposit, invoice = flow
    stranger = CproCaller(client, w.other_credentials)

    assert (
        stranger.call("factures/v1/rechercher/recipiendaire", {"typeDemandePaiement": "FACTURE"})[
            "codeRetour"
        ]
        == 20000
    )
    assert stranger.call("factures/v1/consulter/historique", {"idFacture": invoice.pk})["codeRetour"] == 20000
    download = stranger.call("factures/v1/telecharger/groupe", {"listeFacture": [{"idFacture": invoice.pk}]})
    assert download["codeRetour"] == 20000 and "fichierResultat" not in download
    treated = stranger.call(
        "factures/v1/traiter/recue", {"idFacture": invoice.pk, "nouveauStatut": "REJETEE", "motif": "x"}
    )
    assert treated["codeRetour"] == 20000
    invoice.refresh_from_db()
    assert invoice.status == "mise_a_disposition"
    assert (
        api(client, w.other_credentials["api_token"], f"/api/v1/invoices/{invoice.uuid}/").status_code == 404
    )


def test_the_recipients_own_account_cannot_act_as_the_supplier_nor_the_supplier_as_the_recipient(
    client, w, flow
):
    number, _deposit, invoice = flow
    supplier = CproCaller(client, w.supplier_credentials)
    recipient = CproCaller(client, w.recipient_credentials)

    assert (
        supplier.call(
            "factures/v1/traiter/recue", {"idFacture": invoice.pk, "nouveauStatut": "SERVICE_FAIT"}
        )["codeRetour"]
        == 20000
    )
    assert (
        recipient.call("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": number})["codeRetour"]
        == 20000
    )
    deposit = recipient.call(
        "factures/v1/deposer/flux",
        {
            "fichierFlux": b64(invoice_bytes(w.world)),
            "nomFichier": "x.pdf",
            "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
        },
    )
    assert deposit["codeRetour"] == 20001
