"""`factures/v1/deposer/flux` takes a bare invoice, a ZIP or a (compressed) tar of invoices, within the
deposit's limits; what cannot even be attempted is a codeRetour naming what is wrong, and creates nothing."""

import io
import os
import tarfile
import zipfile

import pytest

from invoices.models import Deposit, Invoice
from tests.cpro.helpers import CproCaller, b64, make_cpro_world
from tests.factories_deposit import invoice_bytes, zip_of

pytestmark = pytest.mark.django_db
FACTURX = "IN_DP_E2_CII_FACTURX"


@pytest.fixture
def w():
    return make_cpro_world()


@pytest.fixture
def odoo(client, w):
    return CproCaller(client, w.supplier_credentials)


def flux(odoo, data: bytes, name: str = "facture.pdf", syntax: str = FACTURX) -> dict:
    return odoo.call(
        "factures/v1/deposer/flux", {"fichierFlux": b64(data), "nomFichier": name, "syntaxeFlux": syntax}
    )


def tar_of(members: dict[str, bytes], mode: str = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def state_of(odoo, answer) -> dict:
    return odoo.ok("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": answer["numeroFluxDepot"]})


def test_a_zip_of_invoices_is_one_flow(odoo, w):
    data = zip_of(
        {"a.pdf": invoice_bytes(w.world, number="Z-1"), "b.pdf": invoice_bytes(w.world, number="Z-2")}
    )

    answer = flux(odoo, data, "lot.zip")

    assert answer["codeRetour"] == 0
    assert state_of(odoo, answer)["etatCourantDepotFlux"] == "IN_INTEGRE"
    assert Invoice.objects.count() == 2 and Deposit.objects.count() == 1


@pytest.mark.parametrize(
    ("mode", "name"), [("w:gz", "lot.tar.gz"), ("w:bz2", "lot.tar.bz2"), ("w", "lot.tar")]
)
def test_a_tar_of_invoices_is_one_flow_whatever_its_compression(odoo, w, mode, name):
    data = tar_of({"dir/a.pdf": invoice_bytes(w.world), "b.xml": invoice_bytes(w.world, "ubl")}, mode)

    answer = flux(odoo, data, name)

    assert answer["codeRetour"] == 0, answer
    assert state_of(odoo, answer)["etatCourantDepotFlux"] == "IN_INTEGRE"
    assert sorted(Invoice.objects.values_list("format", flat=True)) == ["facturx", "ubl"]


def test_a_flow_bigger_than_djangos_form_cap_is_read_whole(odoo, w):
    filler = os.urandom(3 * 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("facture.pdf", invoice_bytes(w.world, number="BIG-1"))
        archive.writestr("annexe.bin", filler)

    answer = flux(odoo, buffer.getvalue(), "lot.zip")

    assert answer["codeRetour"] == 0
    report = state_of(odoo, answer)
    assert report["etatCourantDepotFlux"] == "IN_INTEGRE_PARTIEL"
    assert report["listeErreurTechnique"]  # the unreadable annex, refused before it was an invoice
    assert Invoice.objects.get().number == "BIG-1"


def test_a_tar_bomb_is_refused_before_it_is_inflated(odoo, w, settings):
    settings.CHORALE_MAX_ZIP_BYTES = 1024 * 1024
    data = tar_of({"a.pdf": invoice_bytes(w.world), "zeros.pdf": b"\0" * (2 * 1024 * 1024)})

    answer = flux(odoo, data, "lot.tar.gz")

    assert answer["codeRetour"] == 20003
    assert "décompresse en plus de" in answer["libelle"]
    assert not Deposit.objects.exists()


def test_a_tar_with_too_many_files_is_refused(odoo, w, settings):
    settings.CHORALE_MAX_ZIP_MEMBERS = 2
    answer = flux(odoo, tar_of({f"{n}.xml": b"<x/>" for n in range(3)}), "lot.tar.gz", "IN_DP_E1_UBL_INVOICE")

    assert answer["codeRetour"] == 20003 and "plus de 2 fichiers" in answer["libelle"]


def test_an_unreadable_archive_is_refused(odoo):
    answer = flux(odoo, b"\x1f\x8b" + os.urandom(200), "lot.tar.gz")

    assert answer["codeRetour"] == 20003 and "illisible" in answer["libelle"]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"nomFichier": "f.pdf", "syntaxeFlux": FACTURX}, "fichierFlux"),
        ({"fichierFlux": "JVBERi0=", "syntaxeFlux": FACTURX}, "nomFichier"),
        ({"fichierFlux": "JVBERi0=", "nomFichier": "f.pdf"}, "syntaxeFlux"),
        ({"fichierFlux": "pas du base64 !", "nomFichier": "f.pdf", "syntaxeFlux": FACTURX}, "base64"),
        (
            {"fichierFlux": "JVBERi0=", "nomFichier": "f.pdf", "syntaxeFlux": "IN_DP_E1_CII_FACTURX"},
            "IN_DP_E1_CII_FACTURX",
        ),
        (
            {"fichierFlux": "JVBERi0=", "nomFichier": "f.pdf", "syntaxeFlux": "IN_DP_E2_CPP_FACTURE_MIN"},
            FACTURX,
        ),
    ],
)
def test_a_request_that_cannot_be_a_flow_is_refused_naming_the_field(odoo, body, where):
    answer = odoo.call("factures/v1/deposer/flux", body)

    assert answer["codeRetour"] == 20003
    assert where in answer["libelle"]
    assert not Deposit.objects.exists()


def test_a_file_that_is_not_what_the_syntax_announces_is_refused(odoo, w):
    answer = flux(odoo, invoice_bytes(w.world, "ubl"), "facture.xml", FACTURX)

    assert answer["codeRetour"] == 20003 and "PDF" in answer["libelle"]


def test_a_request_over_the_deposit_limit_is_http_413(odoo, w, settings):
    settings.CHORALE_MAX_INVOICE_BYTES = 10 * 1024
    response = odoo.post(
        "factures/v1/deposer/flux",
        {"fichierFlux": b64(os.urandom(2 * 1024 * 1024)), "nomFichier": "f.pdf", "syntaxeFlux": FACTURX},
    )

    assert response.status_code == 413
    assert response.json()["codeRetour"] == 413
