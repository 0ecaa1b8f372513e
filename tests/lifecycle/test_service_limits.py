"""An accountant limited to one service never sees another service's invoices: list, export, API, chart."""

import csv
import io

import pytest
from openpyxl import load_workbook

from invoices.models import InvoiceStatus
from tests.conftest import verified_client
from tests.factories_lifecycle import accountant_of, fresh_otp_client, invoice_in, world


@pytest.fixture
def w(db):
    data = world()
    data["limited"] = accountant_of(data["recipient"], services=[data["voirie"]])
    data["mine"] = invoice_in(
        supplier=data["supplier"],
        recipient=data["recipient"],
        service=data["voirie"],
        code_service="VOIRIE",
        number="VOIRIE-1",
    )
    data["theirs"] = invoice_in(
        supplier=data["supplier"],
        recipient=data["recipient"],
        service=data["ecoles"],
        code_service="ECOLES",
        number="ECOLES-1",
    )
    data["unassigned"] = invoice_in(
        supplier=data["supplier"], recipient=data["recipient"], number="SANS-SERVICE"
    )
    return data


def test_the_list_shows_only_the_service_invoices(w, client):
    body = verified_client(client, w["limited"]).get("/factures/recues/").content.decode()
    assert "VOIRIE-1" in body
    assert "ECOLES-1" not in body and "SANS-SERVICE" not in body
    # Asking for the other service by filter does not widen the list.
    filtered = client.get(
        f"/factures/recues/?service={w['ecoles'].uuid}&code_service=ECOLES"
    ).content.decode()
    assert "ECOLES-1" not in filtered
    assert str(w["ecoles"].uuid) not in body  # not even offered as a filter choice


def test_the_whole_structure_accountant_sees_every_service(w, client):
    body = verified_client(client, w["accountant"]).get("/factures/recues/").content.decode()
    assert all(number in body for number in ("VOIRIE-1", "ECOLES-1", "SANS-SERVICE"))


def test_the_other_service_invoice_page_is_404(w, client):
    verified_client(client, w["limited"])
    assert client.get(f"/factures/{w['mine'].uuid}/").status_code == 200
    for invoice in (w["theirs"], w["unassigned"]):
        assert client.get(f"/factures/{invoice.uuid}/").status_code == 404
        assert client.get(f"/factures/{invoice.uuid}/original/").status_code == 404
        response = client.post(f"/factures/{invoice.uuid}/statut/", {"target": "service_fait"})
        assert response.status_code == 404
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION


def test_the_exports_hold_only_the_service_invoices(w, client):
    fresh_otp_client(client, w["limited"])
    response = client.get("/factures/recues/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    numbers = [row[0] for row in csv.reader(io.StringIO(text), delimiter=";")][1:]
    assert numbers == ["VOIRIE-1"]
    export = client.get("/factures/recues/export.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    numbers = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert numbers == ["VOIRIE-1"]


def test_the_api_lists_and_opens_only_the_service_invoices(w, client):
    verified_client(client, w["limited"])
    listed = client.get("/api/v1/invoices/?direction=received").json()
    assert [i["number"] for i in listed["results"]] == ["VOIRIE-1"]
    everything = client.get("/api/v1/invoices/").json()
    assert [i["number"] for i in everything["results"]] == ["VOIRIE-1"]
    assert client.get(f"/api/v1/invoices/{w['theirs'].uuid}/").status_code == 404
    assert client.get(f"/api/v1/invoices/{w['theirs'].uuid}/original").status_code == 404
    changed = client.post(
        f"/api/v1/invoices/{w['theirs'].uuid}/status/",
        {"status": "service_fait"},
        content_type="application/json",
    )
    assert changed.status_code == 404
    bulk = client.post(
        "/api/v1/invoices/statuses/",
        {"changes": [{"id": str(w["theirs"].uuid), "status": "service_fait"}]},
        content_type="application/json",
    )
    assert bulk.json()["results"][0]["error"] == "not_found"
    w["theirs"].refresh_from_db()
    assert w["theirs"].status == InvoiceStatus.MISE_A_DISPOSITION


def test_the_dashboard_counts_only_the_service_invoices(w, client):
    body = verified_client(client, w["limited"]).get(f"/factures/tableau-de-bord/{w['recipient'].uuid}/")
    assert 'data-status="mise_a_disposition" data-count="1"' in body.content.decode()
    whole = verified_client(client, w["accountant"]).get(f"/factures/tableau-de-bord/{w['recipient'].uuid}/")
    assert 'data-status="mise_a_disposition" data-count="3"' in whole.content.decode()
