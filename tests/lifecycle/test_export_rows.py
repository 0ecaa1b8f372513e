"""List exports read plain rows in one streamed statement, not invoice objects with their extracted data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories_lifecycle import fresh_otp_client, invoice_in, world


@pytest.fixture
def w(db):
    return world()


def _export(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    return body, [q["sql"] for q in queries.captured_queries if 'FROM "invoices_invoice"' in q["sql"]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_is_one_statement_whatever_the_number_of_invoices(w, client, fmt):
    fresh_otp_client(client, w["accountant"])
    invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    _body, few = _export(client, f"/factures/recues/export.{fmt}")
    for _ in range(25):
        invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    _body, many = _export(client, f"/factures/recues/export.{fmt}")
    assert len(many) == len(few) == 1


def test_the_export_statement_leaves_the_extracted_data_out(w, client):
    fresh_otp_client(client, w["accountant"])
    invoice_in(supplier=w["supplier"], recipient=w["recipient"], data={"lines": ["x" * 1000]})
    _body, statements = _export(client, "/factures/recues/export.csv")
    assert '"invoices_invoice"."data"' not in statements[0]


def test_the_xlsx_export_is_streamed(w, client):
    fresh_otp_client(client, w["accountant"])
    invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    response = client.get("/factures/recues/export.xlsx")
    assert response.streaming
    assert b"".join(response.streaming_content).startswith(b"PK")
