"""POST /api/v1/invoices/ deposits an invoice: 201 with the invoice, or 422 with every finding;
GET /api/v1/deposits/{id}/ returns a deposit's report to those who may see it, 404 to anyone else."""

import pytest

from invoices.models import Deposit, Invoice, InvoiceAttachment
from tests.builders import plain_pdf
from tests.factories_deposit import (
    PNG,
    invoice_bytes,
    invoice_upload,
    token_headers,
    upload,
    zip_of,
)

URL = "/api/v1/invoices/"


@pytest.fixture
def api(client, world):
    headers = token_headers(world.supplier)

    def post(data, **extra):
        return client.post(URL, data, **headers, **extra)

    return post


def test_a_valid_invoice_answers_201_with_the_invoice(api, world):
    response = api({"file": invoice_upload(world, "facturx", number="API-1", amount="99.00")})

    assert response.status_code == 201, response.json()
    body = response.json()
    invoice = Invoice.objects.get()
    assert body["id"] == str(invoice.uuid)
    assert body["number"] == "API-1"
    assert body["status"] == "mise_a_disposition"
    assert body["recipient"] == world.recipient.identifier
    assert body["service"] == "VOIRIE"
    assert body["total_without_vat"] == "99.00"
    assert body["deposit"] == str(Deposit.objects.get().uuid)
    assert response["Location"] == f"/api/v1/invoices/{invoice.uuid}/"
    assert Deposit.objects.get().channel == Deposit.Channel.API


def test_a_refused_invoice_answers_422_with_every_finding(api, world):
    response = api({"file": invoice_upload(world, "ubl", service_code="NOPE", buyer_siret="73282932000074")})

    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "rejete"
    assert {f["rule"] for f in body["findings"]} >= {"CHORALE-BUYER-UNKNOWN"}
    assert all({"severity", "rule", "message", "location"} <= set(f) for f in body["findings"])
    assert not Invoice.objects.exists()
    deposit = Deposit.objects.get()
    assert body["deposit"] == str(deposit.uuid)
    assert body["report"] == f"/api/v1/deposits/{deposit.uuid}/"


def test_messages_follow_the_requested_language(api, world):
    body = api({"file": invoice_upload(world, "cii", service_code="NOPE")}, HTTP_ACCEPT_LANGUAGE="en").json()

    [finding] = [f for f in body["findings"] if f["rule"] == "CHORALE-SERVICE-UNKNOWN"]
    assert finding["message"].startswith("The service code 'NOPE' does not exist")


def test_the_file_is_required(api):
    response = api({})

    assert response.status_code == 400
    assert response.json()["field"] == "file"
    assert not Deposit.objects.exists()


def test_attachments_are_kept_with_the_invoice(api, world):
    response = api(
        {
            "file": invoice_upload(world, "cii"),
            "attachments": [upload("bon.png", PNG), upload("pv.pdf", plain_pdf())],
        }
    )

    assert response.status_code == 201, response.json()
    names = sorted(a.stored_file.original_name for a in InvoiceAttachment.objects.all())
    assert names == ["bon.png", "pv.pdf"]


def test_a_plain_pdf_is_deposited_with_its_routing_fields(api, world):
    response = api(
        {
            "file": upload("facture.pdf", plain_pdf()),
            "recipient_siret": world.recipient.identifier,
            "service_code": "VOIRIE",
            "number": "PDF-1",
            "issue_date": "2025-04-01",
            "total_without_vat": "100.00",
            "total_vat": "20.00",
            "total_with_vat": "120.00",
        }
    )

    assert response.status_code == 201, response.json()
    invoice = Invoice.objects.get()
    assert (invoice.format, invoice.number, str(invoice.total_with_vat)) == ("pdf", "PDF-1", "120.00")


def test_invalid_routing_fields_answer_400_per_field(api, world):
    response = api({"file": upload("facture.pdf", plain_pdf()), "number": "PDF-2", "issue_date": "hier"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"issue_date", "recipient_siret", "total_with_vat"}


def test_the_api_needs_authentication(client, world):
    assert client.post(URL, {"file": invoice_upload(world)}).status_code in (401, 403)
    assert not Deposit.objects.exists()


def test_a_deposit_report_is_returned_to_its_depositor(api, client, world):
    deposit_id = api({"file": invoice_upload(world, "cii", service_code="NOPE")}).json()["deposit"]

    response = client.get(f"/api/v1/deposits/{deposit_id}/", **token_headers(world.supplier))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "rejete"
    assert body["documents"][0]["file"] == "facture.xml"
    assert "CHORALE-SERVICE-UNKNOWN" in {f["rule"] for f in body["documents"][0]["findings"]}
    assert body["limits"]["max_file_bytes"] == 10 * 1024 * 1024


def test_a_deposit_report_is_404_to_anyone_else(api, client, world):
    deposit_id = api({"file": invoice_upload(world, "cii")}).json()["deposit"]

    for outsider in (world.accountant, world.other_accountant):
        assert client.get(f"/api/v1/deposits/{deposit_id}/", **token_headers(outsider)).status_code == 404


def test_the_api_takes_one_invoice_per_call_not_a_zip(api, world):
    archive = zip_of({"a.xml": invoice_bytes(world, "cii"), "b.xml": invoice_bytes(world, "ubl")})

    response = api({"file": upload("factures.zip", archive)})

    assert response.status_code == 422
    assert [f["rule"] for f in response.json()["findings"]] == ["CHORALE-ZIP-ONE-INVOICE"]
    assert not Invoice.objects.exists()
