"""What the export writes for issue 15: the invoice's revision in IdUnique, attachments named `_PJ<n>`,
credit notes with the expense side's codes or left out with the reason; the preview shows the same."""

import pytest
from django.conf import settings
from django.urls import reverse

from invoices.models import InvoiceStatus, PesExport
from invoices.pes import core as pes
from invoices.pes import export as pes_export
from invoices.pes import scope as pes_scope
from invoices.pes.documents import document_key, pj_documents
from tests.conftest import verified_client
from tests.factories_pes import (  # noqa: F401
    accepted_invoice,
    add_attachment,
    pes_accountant,
    pes_commune,
    pes_schemas,
    pes_schemas_if_present,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas_if_present")]
PDF = b"%PDF-1.4\n% piece\n%%EOF\n"


def _read(export):
    return pes.read_pes(export.files.get().file.path)


def test_attachments_get_names_of_their_own(structure, accountant):
    invoice = accepted_invoice(structure, number="F-77")
    add_attachment(invoice, PDF, "bon de livraison.pdf")
    add_attachment(invoice, b"\x89PNG\r\n\x1a\n", "photo.png", "image/png")

    names = [pes.document_name(d) for d in pj_documents(invoice, with_ref_compta=False)]
    export = pes_export.export_pes(structure, actor=accountant)

    assert [n.rsplit("_", 1)[-1] for n in names] == ["Fournisseur-SARL.pdf", "PJ1.pdf", "PJ2.png"]
    assert sorted(pj.nom_pj for pj in _read(export).pjs) == sorted(names)
    assert len({pj.nom_pj.lower() for pj in _read(export).pjs}) == 3


def test_the_revision_of_the_invoice_sets_the_id_unique(structure, accountant):
    invoice = accepted_invoice(structure)
    invoice.revision = 2
    invoice.save(update_fields=["revision"])

    export = pes_export.export_pes(structure, actor=accountant)

    [pj] = _read(export).pjs
    assert pj.id_unique == pes.id_unique(structure.identifier, document_key(invoice), revision=2)
    assert export.items.get().revision == 2
    assert not pes_scope.exportable_invoices(structure, actor=accountant).exists()


@pytest.mark.usefixtures("pes_schemas")
def test_a_credit_note_links_to_its_annulation_mandat(structure, accountant):
    accepted_invoice(structure, number="F-1", mandated=True, mandat_exercice=2026)
    avoir = accepted_invoice(
        structure, number="AV-1", type_code="381", mandated=True, data={"preceding_invoice": "F-1"}
    )
    export = pes_export.export_pes(
        structure, actor=accountant, shape=PesExport.Shape.REF_COMPTA, invoices=[avoir]
    )

    [pj] = _read(export).pjs
    [ref] = pj.ref_comptas
    assert (pj.type_pj, ref.domaine, ref.type_objet, ref.identifiant) == (
        "003",
        "01",
        "02",
        avoir.mandat_numero,
    )
    assert pes.validate_pes(export.files.get().file.path, settings.CHORALE_PES_XSD_DIR) == []


def test_a_credit_note_against_a_closed_exercice_is_left_out_with_the_reason(structure, accountant):
    original = accepted_invoice(structure, number="F-2025", mandated=True, mandat_exercice=2025)
    avoir = accepted_invoice(
        structure,
        number="AV-2",
        type_code="381",
        mandated=True,
        mandat_exercice=2026,
        data={"preceding_invoice": original.number},
        supplier=original.supplier,
    )
    plain = accepted_invoice(structure, mandated=True)

    export = pes_export.export_pes(structure, actor=accountant, shape=PesExport.Shape.REF_COMPTA)

    assert {i.invoice_id for i in export.items.all()} == {original.pk, plain.pk}
    [line] = [x for x in export.report["lines"] if x["code"] == "left_out_previous_exercice"]
    assert line["message_fr"].startswith("Facture AV-2 : Avoir écarté")
    assert [r["number"] for r in export.report["left_out"]] == ["AV-2"]
    assert not pes_scope.is_exported(avoir)


def test_the_preview_shows_the_names_revisions_and_left_out_credit_notes(client, structure, accountant):
    invoice = accepted_invoice(structure, number="F-88")
    add_attachment(invoice, PDF, "pv.pdf")
    invoice.revision = 1
    invoice.save(update_fields=["revision"])
    original = accepted_invoice(structure, number="F-2024", mandated=True, mandat_exercice=2024)
    avoir = accepted_invoice(
        structure,
        number="AV-3",
        type_code="381",
        data={"preceding_invoice": "F-2024"},
        supplier=original.supplier,
    )
    verified_client(client, accountant)
    response = client.post(
        reverse("invoices:pes_preview", args=[structure.uuid]),
        {"shape": "pj_list", "invoices": [str(invoice.uuid), str(avoir.uuid)]},
    )
    html = response.content.decode()
    assert "_PJ1.pdf" in html
    assert pes.id_unique(structure.identifier, document_key(invoice), revision=1) in html
    assert "révision 1" in html
    assert 'data-testid="left-out"' in html and "Avoir écarté" in html
    assert invoice.status == InvoiceStatus.SERVICE_FAIT


def test_the_export_page_opens_on_the_shape_that_holds_the_exportable_invoices(client, structure, accountant):
    mandated = accepted_invoice(structure, mandated=True)
    verified_client(client, accountant)
    response = client.get(reverse("invoices:pes_structure", args=[structure.uuid]))
    assert response.context["shape"] == PesExport.Shape.REF_COMPTA
    assert [i.pk for i in response.context["invoices"]] == [mandated.pk]
    accepted_invoice(structure)
    assert client.get(reverse("invoices:pes_structure", args=[structure.uuid])).context["shape"] == "pj_list"
