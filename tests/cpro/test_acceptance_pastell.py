"""Acceptance 2: Pastell's recipient chain against Chorale (reference sheet §6, §11): probe the account, page
through the received invoices, read their history, download them, set their statuses — SUSPENDUE without a
motif refused, with one accepted and kept with its reason."""

import base64
import io
import zipfile

import pytest

from invoices.deposit.operations import deposit_files
from invoices.models import InvoiceStatus
from tests.cpro.helpers import CproCaller, make_cpro_world
from tests.factories_deposit import invoice_upload

pytestmark = pytest.mark.django_db


def deposit(w, number: str):
    result = deposit_files(w.supplier, [invoice_upload(w.world, "facturx", number=number)])
    assert result.status == "integre", result.report
    return result


def fetch_all(pastell: CproCaller, **filters) -> list[dict]:
    """Pastell's loop: pages of 2 until pageCourante reaches pages; codeRetour 20000 means nothing found."""
    rows, page = [], 1
    while True:
        answer = pastell.call(
            "factures/v1/rechercher/recipiendaire",
            {
                "typeDemandePaiement": "FACTURE",
                "paramRecherche": {"nbResultatsParPage": 2, "pageResultatDemandee": page},
                **filters,
            },
        )
        if answer["codeRetour"] == 20000:
            return rows
        assert answer["codeRetour"] == 0, answer
        assert "pageCourante" in answer and "pages" in answer
        rows += answer["listeFactures"]
        if answer["pageCourante"] >= answer["pages"]:
            return rows
        page += 1


def test_pastells_recipient_chain(client):
    w = make_cpro_world()
    for number in ("P-1", "P-2", "P-3"):
        deposit(w, number)
    pastell = CproCaller(client, w.recipient_credentials)

    # testConnexion: the cheap probe of the technical account.
    pastell.ok("transverses/v1/recuperer/tauxtva", {})

    # The invoices made available, three over two pages, none downloaded yet.
    rows = fetch_all(pastell, factureTelechargeeParDestinataire=False)
    assert sorted(r["numeroFacture"] for r in rows) == ["P-1", "P-2", "P-3"]
    assert all(r["statut"] == "MISE_A_DISPOSITION" for r in rows)
    by_number = {r["numeroFacture"]: r["idFacture"] for r in rows}

    # Their history.
    history = pastell.ok(
        "factures/v1/consulter/historique", {"idFacture": by_number["P-1"], "nbResultatsMaximum": 50}
    )
    assert history["statutCourantCode"] == "MISE_A_DISPOSITION"
    assert {h["histoStatutCode"] for h in history["historiquesDesStatuts"]["histoStatut"]} == {
        "DEPOSEE",
        "MISE_A_DISPOSITION",
    }

    # Download one (PIVOT asked: the original comes), then two at once (a ZIP with a folder each).
    single = pastell.ok(
        "factures/v1/telecharger/groupe",
        {
            "listeFacture": [{"idFacture": by_number["P-1"]}],
            "format": "PIVOT",
            "avecPiecesJointesComplementaires": "OUI",
        },
    )
    assert base64.b64decode(single["fichierResultat"]).startswith(b"%PDF-")
    group = pastell.ok(
        "factures/v1/telecharger/groupe",
        {"listeFacture": [{"idFacture": by_number["P-2"]}, {"idFacture": by_number["P-3"]}], "format": "PDF"},
    )
    names = zipfile.ZipFile(io.BytesIO(base64.b64decode(group["fichierResultat"]))).namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    assert fetch_all(pastell, factureTelechargeeParDestinataire=False) == []
    assert len(fetch_all(pastell, factureTelechargeeParDestinataire=True)) == 3

    # SUSPENDUE without a motif: refused, nothing changes.
    refused = pastell.call(
        "factures/v1/traiter/recue", {"idFacture": by_number["P-1"], "nouveauStatut": "SUSPENDUE"}
    )
    assert refused["codeRetour"] != 0
    assert "motif" in refused["libelle"]
    invoice = w.recipient.invoices_received.get(number="P-1")
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION

    # With its motif: accepted, and kept as the coded reason's comment.
    done = pastell.ok(
        "factures/v1/traiter/recue",
        {"idFacture": by_number["P-1"], "nouveauStatut": "SUSPENDUE", "motif": "Bon de livraison manquant"},
    )
    assert done["nouveauStatut"] == "SUSPENDUE" and done["idFacture"] == by_number["P-1"]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SUSPENDUE
    event = invoice.events.latest("at")
    assert (event.reason, event.comment) == ("JUSTIF_ABS", "Bon de livraison manquant")
    history = pastell.ok("factures/v1/consulter/historique", {"idFacture": by_number["P-1"]})
    assert history["statutCourantCode"] == "SUSPENDUE"
    assert (
        "Bon de livraison manquant"
        in history["historiquesDesStatuts"]["histoStatut"][0]["histoStatutCommentaire"]
    )

    # REJETEE needs a motif too; a change the table does not allow is 20002 (inconsistent statuses).
    assert (
        pastell.call(
            "factures/v1/traiter/recue", {"idFacture": by_number["P-2"], "nouveauStatut": "REJETEE"}
        )["codeRetour"]
        == 20003
    )
    conflict = pastell.call(
        "factures/v1/traiter/recue", {"idFacture": by_number["P-1"], "nouveauStatut": "MISE_EN_PAIEMENT"}
    )
    assert conflict["codeRetour"] == 20002

    # Pastell's chained "SERVICE_FAIT then MANDATEE": two calls.
    pastell.ok("factures/v1/traiter/recue", {"idFacture": by_number["P-3"], "nouveauStatut": "SERVICE_FAIT"})
    pastell.ok(
        "factures/v1/traiter/recue",
        {"idFacture": by_number["P-3"], "nouveauStatut": "MANDATEE", "numeroDPMandat": "2026/12/345"},
    )
    mandated = w.recipient.invoices_received.get(number="P-3")
    assert (mandated.status, mandated.mandat_exercice, mandated.mandat_bordereau, mandated.mandat_numero) == (
        InvoiceStatus.MANDATEE,
        2026,
        "12",
        "345",
    )


def test_a_motif_naming_a_reason_code_chooses_it(client):
    w = make_cpro_world()
    deposit(w, "P-9")
    pastell = CproCaller(client, w.recipient_credentials)
    (row,) = fetch_all(pastell)

    pastell.ok(
        "factures/v1/traiter/recue",
        {
            "idFacture": row["idFacture"],
            "nouveauStatut": "SUSPENDUE",
            "motif": "REF_CT_ABSENT : le n° de marché",
        },
    )

    event = w.recipient.invoices_received.get().events.latest("at")
    assert (event.reason, event.comment) == ("REF_CT_ABSENT", "le n° de marché")


def test_a_mandat_reference_in_another_shape_is_refused_with_the_expected_one(client):
    w = make_cpro_world()
    deposit(w, "P-8")
    pastell = CproCaller(client, w.recipient_credentials)
    (row,) = fetch_all(pastell)

    answer = pastell.call(
        "factures/v1/traiter/recue",
        {"idFacture": row["idFacture"], "nouveauStatut": "MANDATEE", "numeroDPMandat": "345"},
    )

    assert answer["codeRetour"] == 20003
    assert "exercice/bordereau" in answer["libelle"]


def test_an_english_client_reads_refusals_in_english(client):
    w = make_cpro_world()
    deposit(w, "P-7")
    pastell = CproCaller(client, w.recipient_credentials)
    (row,) = fetch_all(pastell)

    answer = pastell.call(
        "factures/v1/traiter/recue",
        {"idFacture": row["idFacture"], "nouveauStatut": "SUSPENDUE", "codeLangue": "EN"},
    )

    assert answer["libelle"] == "A reason (motif) is required to move an invoice to SUSPENDUE."
