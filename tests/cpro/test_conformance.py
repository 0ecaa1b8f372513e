"""Conformance: for each operation, the request bodies real connectors send (written from the reference sheet,
`../shared/research/chorus-pro-api.md`, not copied from their code) get an answer carrying every field those
connectors read, in the shape and format they parse it.

Each case: the sheet's section and client, who calls (the supplier's or the recipient's software), the body,
and a check of the answer.
"""

import base64
import re
from dataclasses import dataclass

import pytest

from invoices.cpro import mapping
from invoices.cpro.api.urls import OPERATIONS
from tests.cpro.helpers import CproCaller, b64, make_cpro_world
from tests.factories_deposit import invoice_bytes

pytestmark = pytest.mark.django_db

PLAIN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MILLIS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$")
MINUTES = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
FLUX = re.compile(r"^CPP\d{22}$")


@dataclass
class Context:
    world: object
    supplier: CproCaller
    recipient: CproCaller
    flux: str
    invoice_id: int
    structure_id: int
    service_id: int


@pytest.fixture
def ctx(client):
    w = make_cpro_world(code_service_obligatoire=True)
    supplier = CproCaller(client, w.supplier_credentials)
    answer = supplier.ok(
        "factures/v1/deposer/flux",
        {
            "fichierFlux": b64(invoice_bytes(w.world)),
            "nomFichier": "facture.pdf",
            "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
        },
    )
    invoice = supplier.ok(
        "factures/v1/rechercher/fournisseur", {"numeroFluxDepot": answer["numeroFluxDepot"]}
    )
    return Context(
        w,
        supplier,
        CproCaller(client, w.recipient_credentials),
        answer["numeroFluxDepot"],
        invoice["listeFactures"][0]["identifiantFactureCPP"],
        w.recipient.pk,
        w.service.pk,
    )


def _deposit_check(kind):
    def check(answer, ctx):
        assert FLUX.match(answer["numeroFluxDepot"])
        assert PLAIN_DATE.match(answer["dateDepot"])  # TRY and GO parse it strictly as YYYY-MM-DD
        assert answer["syntaxeFlux"] == kind

    return check


def _cr_detailed(answer, ctx):
    assert answer["etatCourantDepotFlux"] == "IN_INTEGRE"
    assert answer["listeErreurDP"] == [] and answer["listeErreurTechnique"] == []  # arrays, always
    assert answer["numeroFluxDepot"] == ctx.flux
    assert ISO_MILLIS.match(answer["dateDepotFlux"]) and ISO_MILLIS.match(answer["dateHeureEtatCourantFlux"])
    assert answer["nomFichier"].endswith(f"_CPP001_{ctx.flux}")
    assert answer["codeInterfaceDepotFlux"]


def _cr(answer, ctx):
    assert answer["etatCourantFlux"] == "IN_INTEGRE"  # TRY indexes it directly
    assert base64.b64decode(answer["fichierCR"]).startswith(b"%PDF-")
    assert answer["nomFichierFlux"] and answer["codeInterfaceFlux"]


def _search_sent(answer, ctx):
    (row,) = answer["listeFactures"]
    assert row["identifiantFactureCPP"] == ctx.invoice_id
    assert row["numeroFacture"].startswith("FAC-")
    assert row["statut"] == "MISE_A_DISPOSITION"
    assert row["numeroFluxDepot"] == ctx.flux
    assert set(answer["parametresRetour"]) == {"pageCourante", "pages", "nbResultatsParPage", "total"}


def _history(answer, ctx):
    assert answer["idFacture"] == ctx.invoice_id  # OCA checks it is the id it asked for
    assert answer["statutCourantCode"] == "MISE_A_DISPOSITION"
    codes = [h["histoStatutCode"] for h in answer["historiquesDesStatuts"]["histoStatut"]]
    assert set(codes) == {"DEPOSEE", "MISE_A_DISPOSITION"}
    assert all(
        MINUTES.match(h["histoStatutDatePassage"]) for h in answer["historiquesDesStatuts"]["histoStatut"]
    )


def _one_structure(answer, ctx):
    (row,) = answer["listeStructures"]  # OCA takes the id only when exactly one matches
    assert row["idStructureCPP"] == ctx.structure_id
    assert row["statut"] == "ACTIVE"
    assert answer["parametresRetour"]["total"] == 1  # PYT checks it


def _structure(answer, ctx):
    parameters = answer["parametres"]
    assert parameters["codeServiceDoitEtreRenseigne"] is True
    assert parameters["numeroEJDoitEtreRenseigne"] is False
    assert parameters["gestionNumeroEJOuCodeService"] is False
    assert PLAIN_DATE.match(answer["informationGenerales"]["dateExpirationMotPasseCompteTech"])
    assert answer["informationGenerales"]["idStructureCPP"] == ctx.structure_id


def _services(answer, ctx):
    (service,) = answer["listeServices"]
    assert {"codeService", "libelleService", "estActif", "idService"} <= set(service)
    assert service["codeService"] == "VOIRIE" and service["estActif"] is True


def _service(answer, ctx):
    assert answer["parametres"]["numeroEngagement"] is False
    assert answer["informationsGenerales"]["codeService"] == "VOIRIE"


def _search_received(answer, ctx):
    assert answer["pageCourante"] == 1 and answer["pages"] == 1  # top level, not in parametresRetour
    (row,) = answer["listeFactures"]
    assert row["idFacture"] == ctx.invoice_id  # named idFacture here
    assert row["statut"] == "MISE_A_DISPOSITION"
    assert PLAIN_DATE.match(row["dateFacture"]) and PLAIN_DATE.match(row["dateDepot"])
    assert isinstance(row["montantTTC"], float)


def _works_invoices(answer, ctx):
    assert answer["codeRetour"] == 20000 and answer["libelle"] == "TRA_MSG_00.015"  # Pastell stops on it


def _download(answer, ctx):
    assert base64.b64decode(answer["fichierResultat"]).startswith(b"%PDF-")


def _treated(status):
    def check(answer, ctx):
        assert answer["idFacture"] == ctx.invoice_id
        assert answer["nouveauStatut"] == status
        assert PLAIN_DATE.match(answer["dateTraitement"])  # GO parses a date

    return check


def _rates(answer, ctx):
    assert {"codeTauxTva", "libelleTauxTva", "valeurTauxTva"} <= set(answer["listeTauxTva"][0])


def _own_structures(answer, ctx):
    (row,) = answer["listeStructures"]
    assert row["idStructureCPP"] == ctx.world.supplier_structure.pk


def _directory(answer, ctx):
    text = base64.b64decode(answer["fichierResultat"]).decode()
    assert ctx.world.recipient.identifier in text and "VOIRIE" in text


def _siret(answer, ctx):
    assert answer["siret"] == ctx.world.recipient.identifier and answer["estActif"] is True


def _currencies(answer, ctx):
    assert {"codeDevise": "EUR", "libelleDevise": "Euro"} in answer["listeDevises"]


S, R = "supplier", "recipient"
CASES = [
    # §4.1 deposer/flux
    ("4.1 OCA Factur-X", S, "factures/v1/deposer/flux", "facturx", _deposit_check("IN_DP_E2_CII_FACTURX")),
    ("4.1 TRY CII 16B", S, "factures/v1/deposer/flux", "cii", _deposit_check("IN_DP_E1_CII_16B")),
    (
        "4.1 PAS UBL, no avecSignature",
        S,
        "factures/v1/deposer/flux",
        "ubl",
        _deposit_check("IN_DP_E1_UBL_INVOICE"),
    ),
    # §4.3 reports
    (
        "4.3 OCA/PAS/PYC",
        S,
        "transverses/v1/consulterCRDetaille",
        lambda c: {"numeroFluxDepot": c.flux},
        _cr_detailed,
    ),
    (
        "4.3 GO/PHP with syntaxeFlux",
        S,
        "transverses/v1/consulterCRDetaille",
        lambda c: {"numeroFluxDepot": c.flux, "syntaxeFlux": "IN_DP_E2_CII_FACTURX"},
        _cr_detailed,
    ),
    ("4.3 TRY consulterCR", S, "transverses/v1/consulterCR", lambda c: {"numeroFluxDepot": c.flux}, _cr),
    # §4.4 rechercher/fournisseur
    (
        "4.4 OCA/PAS",
        S,
        "factures/v1/rechercher/fournisseur",
        lambda c: {"numeroFluxDepot": c.flux},
        _search_sent,
    ),
    (
        "4.4 PYC typeFacture",
        S,
        "factures/v1/rechercher/fournisseur",
        lambda c: {"numeroFluxDepot": c.flux, "typeFacture": "FACTURE"},
        _search_sent,
    ),
    (
        "4.4 PAR pagination",
        S,
        "factures/v1/rechercher/fournisseur",
        lambda c: {"numeroFluxDepot": c.flux, "rechercheFactureParFournisseur": {"nbResultatsParPage": 10}},
        _search_sent,
    ),
    # §4.5 consulter/historique
    ("4.5 OCA", S, "factures/v1/consulter/historique", lambda c: {"idFacture": c.invoice_id}, _history),
    (
        "4.5 PAS nbResultatsMaximum",
        R,
        "factures/v1/consulter/historique",
        lambda c: {"idFacture": c.invoice_id, "nbResultatsMaximum": 50},
        _history,
    ),
    # §5.1–5.4 structures
    (
        "5.1 OCA/PYC",
        S,
        "structures/v1/rechercher",
        lambda c: {
            "structure": {
                "identifiantStructure": c.world.recipient.identifier,
                "typeIdentifiantStructure": "SIRET",
            }
        },
        _one_structure,
    ),
    (
        "5.1 PAS without the type",
        S,
        "structures/v1/rechercher",
        lambda c: {"structure": {"identifiantStructure": c.world.recipient.identifier}},
        _one_structure,
    ),
    (
        "5.1 PYT restreindreStructuresPrivees false",
        S,
        "structures/v1/rechercher",
        lambda c: {
            "structure": {
                "identifiantStructure": c.world.recipient.identifier,
                "typeIdentifiantStructure": "SIRET",
            },
            "restreindreStructuresPrivees": False,
        },
        _one_structure,
    ),
    ("5.2 OCA", S, "structures/v1/consulter", lambda c: {"idStructureCPP": c.structure_id}, _structure),
    (
        "5.2 PYC codeLangue",
        S,
        "structures/v1/consulter",
        lambda c: {"idStructureCPP": c.structure_id, "codeLangue": "fr"},
        _structure,
    ),
    (
        "5.2 GO idStructure",
        S,
        "structures/v1/consulter",
        lambda c: {"idStructure": c.structure_id},
        _structure,
    ),
    (
        "5.3 OCA 10000 per page",
        S,
        "structures/v1/rechercher/services",
        lambda c: {
            "idStructure": c.structure_id,
            "parametresRechercherServicesStructure": {"nbResultatsParPage": 10000},
        },
        _services,
    ),
    (
        "5.3 PAS sorted",
        S,
        "structures/v1/rechercher/services",
        lambda c: {
            "idStructure": c.structure_id,
            "parametresRechercherServicesStructure": {
                "nbResultatsParPage": 20,
                "pageResultatDemandee": 1,
                "triColonne": "CodeService",
                "triSens": "Descendant",
            },
        },
        _services,
    ),
    (
        "5.3 PYC bare",
        S,
        "structures/v1/rechercher/services",
        lambda c: {"idStructure": c.structure_id},
        _services,
    ),
    (
        "5.4 OCA/PAS",
        S,
        "structures/v1/consulter/service",
        lambda c: {"idStructure": c.structure_id, "idService": c.service_id},
        _service,
    ),
    (
        "5.4 GO codeLangue",
        S,
        "structures/v1/consulter/service",
        lambda c: {"idStructure": c.structure_id, "idService": c.service_id, "codeLangue": "FR"},
        _service,
    ),
    # §6 the recipient's chain
    (
        "6.1 PAS",
        R,
        "factures/v1/rechercher/recipiendaire",
        lambda c: {
            "typeDemandePaiement": "FACTURE",
            "paramRecherche": {"nbResultatsParPage": 1000, "pageResultatDemandee": 1},
            "periodeDateHeureEtatCourantDu": "2000-01-01T23:59:59",
        },
        _search_received,
    ),
    (
        "6.1 PAS works invoices",
        R,
        "factures/v1/rechercher/recipiendaire",
        lambda c: {"typeDemandePaiement": "FACTURE_TRAVAUX", "paramRecherche": {"nbResultatsParPage": 1000}},
        _works_invoices,
    ),
    (
        "6.3 PAS PIVOT",
        R,
        "factures/v1/telecharger/groupe",
        lambda c: {
            "listeFacture": [{"idFacture": c.invoice_id}],
            "format": "PIVOT",
            "avecPiecesJointesComplementaires": "NON",
        },
        _download,
    ),
    (
        "6.4 PAS SERVICE_FAIT",
        R,
        "factures/v1/traiter/recue",
        lambda c: {"idFacture": c.invoice_id, "nouveauStatut": "SERVICE_FAIT"},
        _treated("SERVICE_FAIT"),
    ),
    (
        "6.4 PAS REJETEE with motif",
        R,
        "factures/v1/traiter/recue",
        lambda c: {"idFacture": c.invoice_id, "nouveauStatut": "REJETEE", "motif": "Montant erroné"},
        _treated("REJETEE"),
    ),
    (
        "6.4 PAS MANDATEE with numeroDPMandat",
        R,
        "factures/v1/traiter/recue",
        lambda c: {"idFacture": c.invoice_id, "nouveauStatut": "MANDATEE", "numeroDPMandat": "2026/12/345"},
        _treated("MANDATEE"),
    ),
    # §2.3, §5.5, §9 transverses
    ("2.3 PAS testConnexion", R, "transverses/v1/recuperer/tauxtva", lambda c: {}, _rates),
    (
        "2.3 Modulr supplier id",
        S,
        "transverses/v1/recuperer/structures/actives/fournisseur",
        lambda c: {},
        _own_structures,
    ),
    ("5.5 GO/PYC directory", S, "transverses/v1/telecharger/annuaire/destinataire", lambda c: {}, _directory),
    (
        "5.5 GO/PYC SIRET",
        S,
        "transverses/v1/consulter/information/siret",
        lambda c: {"siretStructure": c.world.recipient.identifier},
        _siret,
    ),
    ("9 GO currencies", S, "transverses/v1/recuperer/devises", lambda c: {"codeLangue": "fr"}, _currencies),
]


def _deposit_body(ctx, kind):
    extension = "pdf" if kind == "facturx" else "xml"
    body = {
        "fichierFlux": b64(invoice_bytes(ctx.world, kind)),
        "nomFichier": f"facture.{extension}",
        "syntaxeFlux": {
            "facturx": "IN_DP_E2_CII_FACTURX",
            "cii": "IN_DP_E1_CII_16B",
            "ubl": "IN_DP_E1_UBL_INVOICE",
        }[kind],
    }
    if kind != "ubl":
        body["avecSignature"] = False
    if kind == "cii":
        body["idUtilisateurCourant"] = 0  # PHP and PYC send 0
    return body


@pytest.mark.parametrize(("case", "who", "operation", "body", "check"), CASES, ids=[c[0] for c in CASES])
def test_the_connectors_request_gets_the_fields_they_read(ctx, case, who, operation, body, check):
    caller = ctx.supplier if who == S else ctx.recipient
    request = _deposit_body(ctx, body) if isinstance(body, str) else body(ctx)

    answer = caller.call(operation, request)

    assert isinstance(answer["codeRetour"], int) and isinstance(answer["libelle"], str)
    if check is not _works_invoices:
        assert answer["codeRetour"] == 0, answer
        assert answer["libelle"] == "TRA_MSG_00.000"
    check(answer, ctx)


def test_every_operation_of_the_sheet_is_replayed():
    replayed = {operation for _c, _w, operation, _b, _check in CASES}
    assert set(OPERATIONS) - replayed == {
        "transverses/v1/health-check",  # a GET: tests/cpro/test_acceptance_directory.py
        "transverses/v1/recuperer/structures/actives/destinataire",
    }
    assert mapping.SYNTAXES  # the syntaxes replayed are the ones Chorale reads
