"""The accountant's export pages: exportable invoices, preview, export, past exports, downloads."""

import csv
import hashlib
import io

import pytest
from django.urls import reverse

from accounts.models import SecurityEvent
from invoices.models import InvoiceStatus, PesExport
from tests.conftest import verified_client
from tests.factories import MembershipFactory
from tests.factories_pes import (  # noqa: F401
    accepted_invoice,
    fresh_second_factor,
    pes_accountant,
    pes_commune,
    pes_schemas_if_present,
    pes_structure,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas_if_present")]


@pytest.fixture
def browser(client, accountant):
    return verified_client(client, accountant)


def _export_through_pages(browser, structure, invoices, shape="pj_list"):
    ids = [str(i.uuid) for i in invoices]
    preview = browser.post(
        reverse("invoices:pes_preview", args=[structure.uuid]), {"shape": shape, "invoices": ids}
    )
    assert preview.status_code == 200
    return preview, browser.post(
        reverse("invoices:pes_run", args=[structure.uuid]), {"shape": shape, "invoices": ids}
    )


def test_the_page_lists_exportable_invoices_with_filters(browser, structure):
    durand = accepted_invoice(structure, supplier=pes_structure(name="Atelier Durand SARL"), number="DUR-1")
    other = accepted_invoice(structure, number="AUTRE-1")
    waiting = accepted_invoice(structure, number="ATTENTE-1", status=InvoiceStatus.MISE_A_DISPOSITION)
    mandated = accepted_invoice(structure, number="MANDAT-1", mandated=True)

    page = browser.get(reverse("invoices:pes_home"), follow=True).content.decode()
    filtered = browser.get(reverse("invoices:pes_structure", args=[structure.uuid]), {"supplier": "Durand"})
    refcompta = browser.get(reverse("invoices:pes_structure", args=[structure.uuid]), {"shape": "refcompta"})

    assert durand.number in page and other.number in page
    assert waiting.number not in page and mandated.number not in page
    assert durand.number in filtered.content.decode() and other.number not in filtered.content.decode()
    assert mandated.number in refcompta.content.decode() and durand.number not in refcompta.content.decode()


def test_preview_then_export_then_past_exports(browser, structure, accountant):
    invoice = accepted_invoice(structure, number="F-PAGE-1")

    preview, done = _export_through_pages(browser, structure, [invoice])

    assert "Facture_F-PAGE-1_2026_Fournisseur-SARL.pdf" in preview.content.decode()
    export = PesExport.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("invoices:pes_export", args=[export.uuid])
    detail = browser.get(done["Location"]).content.decode()
    pes_file = export.files.get()
    for shown in (f"{pes_file.nom_fic}.xml", pes_file.sha256, invoice.number, accountant.email):
        assert shown in detail
    listing = browser.get(reverse("invoices:pes_structure", args=[structure.uuid])).content.decode()
    assert pes_file.nom_fic in listing and "F-PAGE-1</label>" not in listing


def test_exporting_nothing_is_refused_with_a_message(browser, structure):
    page = browser.get(reverse("invoices:pes_structure", args=[structure.uuid])).content.decode()
    assert "0 facture" in page

    refused = browser.post(
        reverse("invoices:pes_preview", args=[structure.uuid]), {"shape": "pj_list"}, follow=True
    )

    assert "Cochez au moins une facture" in refused.content.decode()
    assert not PesExport.objects.exists()


def test_missing_parameters_are_named_on_the_page_and_the_export_refused(browser, accountant):
    structure = pes_structure(pes_id_post="", pes_cod_bud="")
    MembershipFactory(structure=structure, can_export_pes=True, user=accountant)
    invoice = accepted_invoice(structure)

    page = browser.get(reverse("invoices:pes_structure", args=[structure.uuid])).content.decode()
    _preview, refused = _export_through_pages(browser, structure, [invoice])

    assert "poste comptable (IdPost)" in page and "code budget (CodBud)" in page
    assert refused.status_code == 400
    assert "paramètres PES manquants" in refused.content.decode()
    assert not PesExport.objects.exists()


def test_download_asks_for_a_fresh_second_factor_then_is_journaled(browser, structure, accountant):
    invoice = accepted_invoice(structure)
    _export_through_pages(browser, structure, [invoice])
    export = PesExport.objects.get()
    url = reverse("invoices:pes_file", args=[export.uuid, 1])

    asked = browser.get(url)
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("accounts:reverify"))
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT_DOWNLOAD).exists()

    response = fresh_second_factor(browser).get(url)

    body = b"".join(response.streaming_content)
    pes_file = export.files.get()
    assert response.status_code == 200 and hashlib.sha256(body).hexdigest() == pes_file.sha256
    assert f'filename="{pes_file.nom_fic}.xml"' in response["Content-Disposition"]
    event = SecurityEvent.objects.get(user=accountant, kind=SecurityEvent.Kind.EXPORT_DOWNLOAD)
    assert pes_file.nom_fic in event.detail and pes_file.sha256 in event.detail


def test_the_pj_list_is_downloadable_as_csv(browser, structure):
    invoice = accepted_invoice(structure)
    _export_through_pages(browser, structure, [invoice])
    export = PesExport.objects.get()

    response = fresh_second_factor(browser).get(reverse("invoices:pes_pj_list_csv", args=[export.uuid]))

    (row,) = csv.DictReader(io.StringIO(response.content.decode()), delimiter=";")
    assert row["id_unique"] == export.items.get().id_unique and row["type_pj"] == "003"


def test_reexport_from_the_export_page_needs_a_reason(browser, structure):
    invoice = accepted_invoice(structure)
    _export_through_pages(browser, structure, [invoice])
    export = PesExport.objects.get()
    url = reverse("invoices:pes_reexport", args=[export.uuid])

    refused = browser.post(url, {"invoices": [str(invoice.uuid)], "reason": "  "})
    done = browser.post(url, {"invoices": [str(invoice.uuid)], "reason": "Perdu par la trésorerie"})

    assert refused.status_code == 400 and "Ce champ est obligatoire" in refused.content.decode()
    again = PesExport.objects.exclude(pk=export.pk).get()
    assert done.status_code == 302 and again.report["reexport_reason"] == "Perdu par la trésorerie"
    assert again.items.get().id_unique == export.items.get().id_unique
