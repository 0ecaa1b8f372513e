"""Round trip for every deposit format: deposit, accept, export, then decode every Fichier with inspect_pes
and compare with the stored original's SHA-256."""

import hashlib
import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from invoices.formats import samples
from invoices.models import PesExport
from invoices.pes import core as pes
from invoices.pes import export as pes_export
from tests.factories import MembershipFactory, ServiceFactory, StructureFactory
from tests.factories_pes import deposited_invoice, pes_schemas, pes_structure  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas")]


@pytest.fixture
def world():
    structure = pes_structure(identifier=samples.BUYER_SIRET, name="Commune de Test")
    ServiceFactory(structure=structure, code="SERV01")
    supplier = StructureFactory(identifier=samples.SELLER_SIRET, name="Fournisseur SARL")
    accountant = MembershipFactory(structure=structure, can_export_pes=True, can_triage=True).user
    return structure, supplier, accountant


def _inspect(export) -> list[dict]:
    out = io.StringIO()
    paths = [f.file.path for f in export.files.order_by("nom_fic")]
    call_command("inspect_pes", *paths, "--json", stdout=out)
    summaries = json.loads(out.getvalue())
    assert all(s["schema"] == "valid (PES_Aller.xsd)" and not s["problems"] for s in summaries)
    return [pj for s in summaries for pj in s["pj"]]


@pytest.mark.parametrize("fmt", ["facturx", "cii", "ubl", "pdf"])
@pytest.mark.parametrize("shape", PesExport.Shape.values)
def test_every_deposit_format_comes_back_byte_for_byte(world, fmt, shape):
    structure, supplier, accountant = world
    mandat = (
        {"exercice": 2026, "bordereau": "7", "numero": "321", "ligne": "1"} if shape == "refcompta" else None
    )
    routing = None
    if fmt == "pdf":
        routing = {
            "number": "RT-PDF-1",
            "issue_date": date(2026, 3, 14),
            "recipient_siret": structure.identifier,
            "service_code": "SERV01",
            "engagement": "EJ-1",
            "total_without_vat": "100.00",
            "total_vat": "20.00",
            "total_with_vat": "120.00",
        }
    invoice, content = deposited_invoice(
        supplier,
        accountant,
        fmt=fmt,
        number="RT-PDF-1" if fmt == "pdf" else f"RT-{fmt}-1",
        mandat=mandat,
        routing_form=routing,
    )
    assert invoice.original.sha256 == hashlib.sha256(content).hexdigest()

    export = pes_export.export_pes(structure, actor=accountant, invoices=[invoice], shape=shape)

    pjs = _inspect(export)
    by_name = {pj["nom_pj"].rsplit(".", 1)[1]: pj for pj in pjs}
    if fmt in ("cii", "ubl"):
        assert set(by_name) == {"xml", "pdf"}
        assert by_name["xml"]["sha256"] == invoice.original.sha256
        assert by_name["xml"]["mime_type"] == "application/xml"
        assert by_name["pdf"]["mime_type"] == "application/pdf" and by_name["pdf"]["size"] > 0
    else:
        assert list(by_name) == ["pdf"]
        assert by_name["pdf"]["sha256"] == invoice.original.sha256 == hashlib.sha256(content).hexdigest()
    assert all(pj["type_pj"] == "003" for pj in pjs)
    assert all(bool(pj["ref_compta"]) == (shape == "refcompta") for pj in pjs)
    assert {pj["id_unique"] for pj in pjs} == set(export.items.values_list("id_unique", flat=True))


def test_the_readable_rendering_of_an_xml_invoice_is_a_pdf(world):
    structure, supplier, accountant = world
    invoice, _content = deposited_invoice(supplier, accountant, fmt="cii", number="RT-CII-R")

    export = pes_export.export_pes(structure, actor=accountant)

    path = export.files.get().file.path
    (rendering,) = [pj for pj in pes.read_pes(path).pjs if pj.nom_pj.endswith(".pdf")]
    assert rendering.size > 500 and rendering.mime_type == "application/pdf"


def test_attachments_go_as_further_pj_byte_for_byte(world):
    structure, supplier, accountant = world
    annex = samples.plain_pdf(number="BON-DE-LIVRAISON")
    invoice, _content = deposited_invoice(
        supplier,
        accountant,
        fmt="facturx",
        number="RT-ATT-1",
        attachments=[("bon-de-livraison.pdf", annex, "application/pdf")],
    )
    assert invoice.attachments.count() == 1

    export = pes_export.export_pes(structure, actor=accountant)

    pjs = _inspect(export)
    assert [pj["sha256"] for pj in pjs] == [invoice.original.sha256, hashlib.sha256(annex).hexdigest()]
    assert len({pj["nom_pj"].lower() for pj in pjs}) == 2
    assert export.items.filter(invoice=invoice).count() == 2
