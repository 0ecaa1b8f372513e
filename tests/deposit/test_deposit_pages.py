"""The deposit pages: the deposit form (several files, plain-PDF data, supplier chooser), the report of a
deposit with each finding's rule and location in the reader's language, and the supplier's deposits."""

from django.conf import settings
from django.test import Client

from accounts.models import Membership
from invoices.deposit.operations import deposit_files
from invoices.models import Deposit, Invoice
from tests.builders import plain_pdf
from tests.conftest import verified_client
from tests.factories import MembershipFactory, StructureFactory
from tests.factories_deposit import invoice_upload, upload

DEPOSIT_URL = "/factures/deposer/"


def test_the_deposit_page_is_a_multipart_form_that_works_without_javascript(supplier_client):
    page = supplier_client.get(DEPOSIT_URL).content.decode()

    assert 'enctype="multipart/form-data"' in page
    assert 'name="files"' in page and "multiple" in page
    assert 'name="attachments"' in page
    assert 'name="recipient_siret"' in page  # the plain-PDF data
    assert 'name="supplier"' not in page  # one structure: nothing to choose
    assert "/static/js/deposit.js" in page and "/static/css/deposit.css" in page


def test_a_user_depositing_for_several_suppliers_chooses_one(client, world):
    second = StructureFactory(name="Informatique Services SAS", principal_manager=world.supplier)

    page = verified_client(client, world.supplier).get(DEPOSIT_URL).content.decode()

    assert 'name="supplier"' in page
    assert "Informatique Services SAS" in page and "Atelier Durand SARL" in page
    assert str(second.pk) in page


def test_depositing_several_files_leads_to_the_report(
    supplier_client, world, django_capture_on_commit_callbacks
):
    # Several files are a flow (tests/flows/): checked by the workers, here in-process once committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = supplier_client.post(
            DEPOSIT_URL,
            {
                "files": [
                    invoice_upload(world, "facturx", name="ok.pdf", number="W-1"),
                    invoice_upload(world, "ubl", name="ko.xml", service_code="NOPE"),
                ]
            },
        )

    deposit = Deposit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/factures/depots/{deposit.uuid}/"
    page = supplier_client.get(response["Location"]).content.decode()
    assert "Intégré partiellement" in page
    assert "ok.pdf" in page and "ko.xml" in page
    assert "CHORALE-SERVICE-UNKNOWN" in page
    assert "Le code service « NOPE » n&#x27;existe pas chez Commune de Villebelle." in page
    assert "/Invoice/cbc:BuyerReference" in page
    assert f'href="/factures/{Invoice.objects.get().uuid}/"' in page


def test_the_report_follows_the_reader_s_language(supplier_client, world):
    supplier_client.post(DEPOSIT_URL, {"files": [invoice_upload(world, "cii", service_code="NOPE")]})
    supplier_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = supplier_client.get(f"/factures/depots/{Deposit.objects.get().uuid}/").content.decode()

    assert "The service code &#x27;NOPE&#x27; does not exist at Commune de Villebelle." in page
    assert "CHORALE-SERVICE-UNKNOWN" in page


def test_an_upload_with_javascript_answers_where_the_report_is(supplier_client, world):
    response = supplier_client.post(
        DEPOSIT_URL, {"files": [invoice_upload(world, "cii")]}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )

    assert response.status_code == 200
    assert response.json() == {
        "redirect": f"/factures/depots/{Deposit.objects.get().uuid}/",
        "status": "integre",
    }


def test_a_deposit_without_a_file_shows_the_error_next_to_the_field(supplier_client):
    response = supplier_client.post(DEPOSIT_URL, {})

    assert response.status_code == 400
    assert "Choisissez au moins un fichier de facture." in response.content.decode()
    assert not Deposit.objects.exists()


def test_half_typed_plain_pdf_data_show_errors_next_to_the_fields(supplier_client, world):
    response = supplier_client.post(
        DEPOSIT_URL,
        {
            "files": [upload("f.pdf", plain_pdf())],
            "number": "P-1",
            "total_without_vat": "100",
            "total_vat": "20",
            "total_with_vat": "130",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("Obligatoire pour déposer un PDF simple.") == 2  # recipient SIRET and date
    assert "Le montant TTC doit être la somme du HT et de la TVA." in page
    assert not Deposit.objects.exists()


def test_a_plain_pdf_is_deposited_with_its_typed_data(supplier_client, world):
    supplier_client.post(
        DEPOSIT_URL,
        {
            "files": [upload("f.pdf", plain_pdf())],
            "recipient_siret": world.recipient.identifier,
            "service_code": "VOIRIE",
            "number": "P-2",
            "issue_date": "2025-03-01",
            "type_code": "380",
            "currency": "EUR",
            "total_without_vat": "100,50",
            "total_vat": "20,10",
            "total_with_vat": "120,60",
        },
    )

    invoice = Invoice.objects.get()
    assert (invoice.format, invoice.number, str(invoice.total_with_vat)) == ("pdf", "P-2", "120.60")


def test_the_deposit_form_checks_its_csrf_token(world):
    client = verified_client(Client(enforce_csrf_checks=True), world.supplier)

    response = client.post(DEPOSIT_URL, {"files": [invoice_upload(world, "cii")]})

    assert response.status_code == 403
    assert not Deposit.objects.exists()


def test_the_deposit_pages_need_a_login(client, world):
    assert client.get(DEPOSIT_URL).status_code == 302
    assert client.get("/factures/depots/").status_code == 302


def test_the_list_shows_the_deposits_of_my_supplier_structures_only(client, world):
    colleague = MembershipFactory(
        structure=world.supplier_structure, role=Membership.Role.USER, can_deposit=True
    ).user
    verified_client(client, world.supplier).post(
        DEPOSIT_URL, {"files": [invoice_upload(world, "cii", name="mienne.xml")]}
    )
    other = StructureFactory()
    Deposit.objects.create(
        created_by=other.principal_manager, supplier=other, report={"documents": [{"file": "autre.xml"}]}
    )

    page = verified_client(Client(), colleague).get("/factures/depots/").content.decode()

    assert "mienne.xml" in page and "Intégré" in page
    assert "autre.xml" not in page


def test_a_deposit_report_is_404_to_anyone_else(client, world):
    verified_client(client, world.supplier).post(DEPOSIT_URL, {"files": [invoice_upload(world, "cii")]})
    url = f"/factures/depots/{Deposit.objects.get().uuid}/"

    for outsider in (world.accountant, world.other_accountant, StructureFactory().principal_manager):
        assert verified_client(Client(), outsider).get(url).status_code == 404
    assert verified_client(Client(), world.supplier).get(url).status_code == 200


def test_a_refused_unreadable_deposit_is_listed_under_the_supplier_s_structure(supplier_client, world):
    supplier_client.post(DEPOSIT_URL, {"files": [upload("illisible.xml", b"<pas une facture")]})
    deposit = Deposit.objects.get()

    page = supplier_client.get("/factures/depots/").content.decode()

    assert deposit.status == "rejete" and deposit.supplier == world.supplier_structure
    row = page[page.index("illisible.xml") :]
    assert world.supplier_structure.name in row[: row.index("</tr>")]


def test_a_refused_deposit_of_a_user_with_several_structures_says_no_supplier_was_identified(client, world):
    StructureFactory(name="Informatique Services SAS", principal_manager=world.supplier)
    deposit_files(world.supplier, [upload("illisible.xml", b"<pas une facture")], channel=Deposit.Channel.API)

    page = verified_client(client, world.supplier).get("/factures/depots/").content.decode()

    row = page[page.index("illisible.xml") :]
    assert "non identifié" in row[: row.index("</tr>")]
