"""Acceptance 1: OCA's whole chain against Chorale, reading every field OCA reads (reference sheet §11).

Customer setup (structure look-ups), the send wizard (one Factur-X invoice as a bare file, several as a
.tar.gz), then the daily cron: report until a final state, the flow's invoices, their statuses.
"""

import io
import tarfile

import pytest

from invoices.cpro import mapping
from tests.cpro.helpers import CproCaller, b64, make_cpro_world
from tests.factories import ServiceFactory
from tests.factories_deposit import invoice_bytes

pytestmark = pytest.mark.django_db
PAID_OR_MANDATED = {"MANDATEE", "MISE_EN_PAIEMENT"}


def tar_gz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def customer_setup(oca: CproCaller, siret: str) -> dict:
    """What OCA stores on the customer: its id, what invoices to it need, its active services."""
    found = oca.ok(
        "structures/v1/rechercher",
        {"structure": {"identifiantStructure": siret, "typeIdentifiantStructure": "SIRET"}},
    )
    assert len(found["listeStructures"]) == 1
    structure_id = found["listeStructures"][0]["idStructureCPP"]
    parameters = oca.ok("structures/v1/consulter", {"idStructureCPP": structure_id})["parametres"]
    if parameters["gestionNumeroEJOuCodeService"]:
        requirement = "service_or_engagement"
    elif parameters["codeServiceDoitEtreRenseigne"] and parameters["numeroEJDoitEtreRenseigne"]:
        requirement = "service_and_engagement"
    elif parameters["codeServiceDoitEtreRenseigne"]:
        requirement = "service"
    elif parameters["numeroEJDoitEtreRenseigne"]:
        requirement = "engagement"
    else:
        requirement = "none"
    services = oca.ok(
        "structures/v1/rechercher/services",
        {"idStructure": structure_id, "parametresRechercherServicesStructure": {"nbResultatsParPage": 10000}},
    )["listeServices"]
    active = {}
    for service in services:
        if not service["estActif"] or service["codeService"] == "FACTURES_PUBLIQUES":
            continue
        detail = oca.ok(
            "structures/v1/consulter/service",
            {"idStructure": structure_id, "idService": service["idService"]},
        )
        active[service["codeService"]] = {
            "name": service["libelleService"],
            "engagement_required": detail["parametres"]["numeroEngagement"],
        }
    return {"id": structure_id, "requirement": requirement, "services": active}


def test_ocas_whole_chain_from_customer_setup_to_the_invoice_statuses(client):
    w = make_cpro_world(code_service_obligatoire=True)
    ServiceFactory(structure=w.recipient, code="ECOLES", name="Écoles", engagement_obligatoire=True)
    ServiceFactory(structure=w.recipient, code="ANCIEN", is_active=False)
    oca = CproCaller(client, w.supplier_credentials)

    # 0. The token, cached and reused as Bearer.
    token = oca.token()
    assert token == oca.token()

    # 1. Customer setup.
    customer = customer_setup(oca, w.recipient.identifier)
    assert customer["id"] == w.recipient.pk
    assert customer["requirement"] == "service"
    assert customer["services"] == {
        "ECOLES": {"name": "Écoles", "engagement_required": True},
        "VOIRIE": {"name": "Voirie", "engagement_required": False},
    }

    # 3. Send one invoice: a Factur-X PDF as a bare file.
    one = oca.ok(
        "factures/v1/deposer/flux",
        {
            "fichierFlux": b64(invoice_bytes(w.world, "facturx", number="OCA-0001")),
            "nomFichier": "chorus_facture_OCA-0001.pdf",
            "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
            "avecSignature": False,
        },
    )
    assert mapping.deposit_key(one["numeroFluxDepot"]) is not None
    assert len(one["dateDepot"]) == 10

    # 3'. Send two invoices in one .tar.gz; the second names a service the recipient does not have.
    several = oca.ok(
        "factures/v1/deposer/flux",
        {
            "fichierFlux": b64(
                tar_gz(
                    {
                        "OCA-0002.pdf": invoice_bytes(w.world, "facturx", number="OCA-0002"),
                        "OCA-0003.pdf": invoice_bytes(
                            w.world, "facturx", number="OCA-0003", service_code="NOPE"
                        ),
                    }
                )
            ),
            "nomFichier": "chorus_lot_factures.tar.gz",
            "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
            "avecSignature": False,
        },
    )

    # 4.1 The cron polls the reports of the flows not in a final state.
    flows = {one["numeroFluxDepot"]: None, several["numeroFluxDepot"]: None}
    for number in flows:
        report = oca.ok("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": number})
        assert report["etatCourantDepotFlux"] in mapping.FINAL_FLOW_STATES
        flows[number] = report
    assert flows[one["numeroFluxDepot"]]["etatCourantDepotFlux"] == "IN_INTEGRE"
    partial = flows[several["numeroFluxDepot"]]
    assert partial["etatCourantDepotFlux"] == "IN_INTEGRE_PARTIEL"
    (error,) = partial["listeErreurDP"]
    assert error["numeroDP"] == "OCA-0003"  # OCA detaches this invoice so that it can be sent again
    assert "NOPE" in error["libelleErreurDP"]
    assert partial["listeErreurTechnique"] == []

    # 4.2 The invoices of the integrated flows, and their Chorus Pro ids.
    ids = {}
    for number in flows:
        for row in oca.ok("factures/v1/rechercher/fournisseur", {"numeroFluxDepot": number})["listeFactures"]:
            assert row["statut"] == "MISE_A_DISPOSITION"
            ids[row["numeroFacture"]] = row["identifiantFactureCPP"]
    assert set(ids) == {"OCA-0001", "OCA-0002"}

    # 4.3 The status of each posted invoice until it is mandated or paid.
    for number, invoice_id in ids.items():
        history = oca.ok("factures/v1/consulter/historique", {"idFacture": invoice_id})
        assert history["idFacture"] == invoice_id
        assert history["numeroFacture"] == number
        assert history["statutCourantCode"] not in PAID_OR_MANDATED


def test_a_flow_refused_whole_is_in_rejete_with_the_supplier_number_of_each_invoice(client):
    w = make_cpro_world()
    oca = CproCaller(client, w.supplier_credentials)

    flow = oca.ok(
        "factures/v1/deposer/flux",
        {
            "fichierFlux": b64(
                invoice_bytes(w.world, "cii", number="OCA-0009", buyer_siret="73282932000074")
            ),
            "nomFichier": "chorus_facture_OCA-0009.xml",
            "syntaxeFlux": "IN_DP_E1_CII_16B",
            "avecSignature": False,
        },
    )
    report = oca.ok("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": flow["numeroFluxDepot"]})

    assert report["etatCourantDepotFlux"] == "IN_REJETE"
    assert [e["numeroDP"] for e in report["listeErreurDP"]] == ["OCA-0009"]
    assert (
        oca.ok("factures/v1/rechercher/fournisseur", {"numeroFluxDepot": flow["numeroFluxDepot"]})[
            "listeFactures"
        ]
        == []
    )
