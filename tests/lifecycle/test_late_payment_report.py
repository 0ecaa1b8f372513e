"""A structure's late-payment report (page, CSV, XLSX, API): its late invoices and what each owes."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from invoices.models import EcbRate, InvoiceStatus
from tests.api_schema import assert_documented
from tests.conftest import token_client, verified_client
from tests.factories_lifecycle import comptable_of, fresh_otp_client, invoice_in, supplier_member, world

pytestmark = pytest.mark.django_db
S = InvoiceStatus


@pytest.fixture
def w(db):
    data = world()
    for start in (date(2026, 1, 1), date(2026, 7, 1)):
        EcbRate.objects.create(semester_start=start, rate=Decimal("2.150"), source="test")
    make = dict(supplier=data["supplier"], recipient=data["recipient"], amount_due=Decimal("1000.00"))
    data["late"] = invoice_in(days=45, number="L-45", **make)
    data["paid_late"] = invoice_in(S.MISE_EN_PAIEMENT, days=50, number="L-PAID", **make)
    data["paid_late"].status_changed_at = data["paid_late"].delivered_at + timezone.timedelta(days=40)
    data["paid_late"].save()
    data["on_time"] = invoice_in(days=10, number="OK-10", **make)
    data["rejected"] = invoice_in(S.REJETEE, days=90, number="REJ", **make)
    return data


def test_the_page_lists_late_invoices_with_what_they_owe(client, w):
    html = (
        verified_client(client, w["accountant"])
        .get(f"/factures/retards/{w['recipient'].uuid}/")
        .content.decode()
    )
    assert "L-45" in html and "L-PAID" in html
    assert "OK-10" not in html and "REJ" not in html
    assert "2 factures en retard" in html
    # 15 days at 10.15 % on 1,000.00 = 4.17; 10 days = 2.78; plus 2 × 40.
    assert "intérêts 6,95 € + indemnités 80,00 € = 86,95 €" in html


def test_the_csv_and_xlsx_exports_carry_the_same_rows(client, w):
    fresh_otp_client(client, w["accountant"])
    base = f"/factures/retards/{w['recipient'].uuid}/export"
    csv_text = client.get(f"{base}.csv").content.decode("utf-8-sig")
    assert "L-45" in csv_text and "4,17" in csv_text and "OK-10" not in csv_text
    workbook = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["L-45", "L-PAID"]
    assert w["accountant"].security_events.filter(kind="export_download").count() == 2


def test_the_api_gives_the_report(w):
    body = token_client(w["accountant"]).get(f"/api/v1/late-payments/{w['recipient'].uuid}/").json()
    assert [r["number"] for r in body["results"]] == ["L-45", "L-PAID"]
    assert (body["results"][0]["days_late"], body["results"][0]["interest"]) == (15, "4.17")
    assert body["totals"] == {
        "count": 2,
        "interest": "6.95",
        "indemnity": "80.00",
        "total": "86.95",
        "missing_rate_semesters": [],
    }


def test_the_api_report_is_the_documented_one(w):
    response = token_client(w["accountant"]).get(f"/api/v1/late-payments/{w['recipient'].uuid}/")

    assert len(response.json()["results"]) == 2
    assert_documented(response, "/api/v1/late-payments/{structure}/", "get")


def test_the_public_accountant_sees_the_report(client, w):
    comptable = comptable_of(w["recipient"])
    assert (
        verified_client(client, comptable).get(f"/factures/retards/{w['recipient'].uuid}/").status_code == 200
    )
    assert token_client(comptable).get(f"/api/v1/late-payments/{w['recipient'].uuid}/").status_code == 200


def test_outsiders_and_members_without_triage_get_404(client, w):
    depositor = supplier_member(w["recipient"])
    for user in (w["outsider"], w["stranger"], w["supplier_user"], depositor):
        verified_client(client, user)
        assert client.get(f"/factures/retards/{w['recipient'].uuid}/").status_code == 404
        assert client.get(f"/factures/retards/{w['recipient'].uuid}/export.csv").status_code == 404
        assert token_client(user).get(f"/api/v1/late-payments/{w['recipient'].uuid}/").status_code == 404
