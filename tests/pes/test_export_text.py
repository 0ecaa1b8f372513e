"""Text the PES schema cannot hold: non-Latin-1 names are transliterated, long values cut, each reported."""

import pytest

from invoices.pes import core as pes
from invoices.pes import export as pes_export
from tests.factories import StructureFactory
from tests.factories_pes import accepted_invoice, pes_schemas, pes_structure  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas")]


@pytest.fixture
def structure():
    return pes_structure()


def _report_lines(export, code):
    return [line for line in export.report["lines"] if line["code"] == code]


def test_a_supplier_name_outside_latin1_is_transliterated_and_reported(structure):
    supplier = StructureFactory(name="Πληροφορική Α.Ε. 🚀 Ōsaka 株式会社")
    invoice = accepted_invoice(structure, supplier=supplier, seller_name=supplier.name)

    export = pes_export.export_pes(structure, actor=None)

    pes_file = export.files.get()
    raw = pes_file.file.read()
    assert raw.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    raw.decode("iso-8859-1")  # the whole file is Latin-1
    (pj,) = pes.read_pes(pes_file.file.path).pjs
    assert pj.nom_pj.isascii() and "Pliroforiki" in pj.nom_pj
    assert pj.description.encode("iso-8859-1") and "🚀" not in pj.description
    assert pj.sha256 == invoice.original.sha256
    lines = _report_lines(export, "transliterated")
    assert any(line["original"] == supplier.name and line["field"] == "supplier_name" for line in lines)
    assert all(line["document_key"] == str(invoice.uuid) for line in lines)


def test_an_invoice_number_longer_than_the_schema_allows_is_cut_with_a_report_line(structure):
    number = "FACTURE-" + "0123456789" * 9  # 98 characters: the invoice field holds it, NomPJ (100) cannot
    invoice = accepted_invoice(structure, number=number)

    export = pes_export.export_pes(structure, actor=None)

    (pj,) = pes.read_pes(export.files.get().file.path).pjs
    assert (
        len(pj.nom_pj) <= 100 and pj.nom_pj.startswith("Facture_FACTURE-0123") and pj.nom_pj.endswith(".pdf")
    )
    assert pj.sha256 == invoice.original.sha256
    (cut,) = _report_lines(export, "truncated")
    assert cut["field"] == "nom_pj" and cut["written"] == pj.nom_pj
    assert cut["original"] == f"Facture_{number}_2026_Fournisseur-SARL.pdf"


def test_two_invoices_with_the_same_name_get_distinct_pj_names(structure):
    supplier = StructureFactory(name="Même Fournisseur")
    accepted_invoice(structure, supplier=supplier, number="A/1")
    accepted_invoice(structure, supplier=pes_structure(name="Même Fournisseur"), number="A-1")

    export = pes_export.export_pes(structure, actor=None)

    names = [pj.nom_pj for pj in pes.read_pes(export.files.get().file.path).pjs]
    assert len(set(n.lower() for n in names)) == 2
