"""Exports: the current list as CSV and XLSX (fresh second factor, journaled), the history as CSV and JSON."""

import csv
import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.models import SecurityEvent
from invoices import lifecycle
from invoices.models import InvoiceStatus
from tests.conftest import verified_client
from tests.factories_lifecycle import fresh_otp_client, invoice_in, world

S = InvoiceStatus


@pytest.fixture
def w(db):
    data = world()
    invoice_in(
        supplier=data["supplier"],
        recipient=data["recipient"],
        number="X-1",
        total_with_vat=Decimal("1234.50"),
    )
    invoice_in(S.SUSPENDUE, supplier=data["supplier"], recipient=data["recipient"], number="X-2")
    return data


def _csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # so that a spreadsheet reads it as UTF-8
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_csv_export_follows_the_list_filters(w, client, mailoutbox, django_capture_on_commit_callbacks):
    fresh_otp_client(client, w["accountant"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/factures/recues/export.csv?status=mise_a_disposition")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="factures-recues-')
    rows = _csv_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Numéro", "Type", "Fournisseur"]
    assert [r[0] for r in body] == ["X-1"]
    record = dict(zip(header, body[0], strict=True))
    assert record["Montant TTC"] == "1234,50"
    assert record["Statut"] == "Mise à disposition du destinataire"
    assert record["Code cycle de vie"] == "203"
    assert SecurityEvent.objects.filter(
        user=w["accountant"], kind=SecurityEvent.Kind.EXPORT_DOWNLOAD
    ).exists()
    assert [m.to for m in mailoutbox] == [[w["accountant"].email]]


def test_the_xlsx_export_keeps_numbers_and_dates_typed(w, client):
    fresh_otp_client(client, w["accountant"])
    response = client.get("/factures/recues/export.xlsx?sort=number")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert [r[0] for r in rows[1:]] == ["X-1", "X-2"]
    amount = rows[1][header.index("Montant TTC")]
    assert amount == Decimal("1234.50") or amount == 1234.5
    assert hasattr(rows[1][header.index("Date d'émission")], "year")


def test_an_export_asks_for_the_second_factor_again_when_it_is_not_fresh(w, client):
    verified_client(client, w["accountant"])
    response = client.get("/factures/recues/export.csv")
    assert response.status_code == 302
    assert "/comptes/securite/verifier/" in response["Location"]


def test_the_supplier_exports_its_sent_invoices(w, client):
    fresh_otp_client(client, w["supplier_user"])
    rows = _csv_rows(client.get("/factures/envoyees/export.csv"))
    assert sorted(r[0] for r in rows[1:]) == ["X-1", "X-2"]


def test_the_history_exports_use_the_lifecycle_vocabulary(w, client):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"], number="H-1")
    lifecycle.set_status(invoice, S.PRISE_EN_COMPTE, actor=w["accountant"])
    lifecycle.set_status(invoice, S.REJETEE, actor=w["accountant"], reason="TX_TVA_ERR", comment="5,5 %")
    verified_client(client, w["supplier_user"])
    document = json.loads(client.get(f"/factures/{invoice.uuid}/historique.json").content)
    assert document["vocabulary"] == "AFNOR XP Z12-012"
    assert document["invoice"]["status_code"] == "210"
    events = document["events"]
    assert [(e["status_code"], e["status_label"], e["mandatory"]) for e in events] == [
        ("204", "Prise en charge", False),
        ("210", "Refusée", True),
    ]
    assert (events[1]["previous_status_code"], events[1]["reason_code"], events[1]["comment"]) == (
        "204",
        "TX_TVA_ERR",
        "5,5 %",
    )
    response = client.get(f"/factures/{invoice.uuid}/historique.csv")
    text = response.content.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert [(r["invoice_number"], r["status_code"], r["reason_code"], r["mandatory"]) for r in rows] == [
        ("H-1", "204", "", "non"),
        ("H-1", "210", "TX_TVA_ERR", "oui"),
    ]


def test_supplier_text_never_becomes_a_spreadsheet_formula(w, client):
    invoice_in(
        supplier=w["supplier"],
        recipient=w["recipient"],
        number='=HYPERLINK("http://evil")',
        seller_name="@SUM(1+1)",
    )
    fresh_otp_client(client, w["accountant"])
    rows = _csv_rows(client.get("/factures/recues/export.csv?number=HYPERLINK"))
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][2] == "'@SUM(1+1)"
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get("/factures/recues/export.xlsx?number=HYPERLINK").streaming_content))
    ).active
    cell = sheet.cell(row=2, column=1)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil")', "s")
