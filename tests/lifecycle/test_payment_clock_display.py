"""Every invoice page and list shows days elapsed and remaining against the structure's délai; late invoices
show the interest and the indemnity they owe; the API gives the same figures."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.payment_terms import PaymentCategory
from invoices.models import EcbRate, InvoiceStatus
from tests.conftest import token_client, verified_client
from tests.factories_lifecycle import invoice_in, world

pytestmark = pytest.mark.django_db
S = InvoiceStatus


@pytest.fixture
def w(db):
    data = world()
    data["recipient"].payment_category = PaymentCategory.HEALTH
    data["recipient"].save()
    # The semester in which these invoices' interest starts: support records its rate.
    today = timezone.localdate()
    start = today.replace(month=1 if today.month <= 6 else 7, day=1)
    for day in (start, (start - timedelta(days=1)).replace(day=1)):
        semester = day.replace(month=1 if day.month <= 6 else 7, day=1)
        EcbRate.objects.update_or_create(
            semester_start=semester, defaults={"rate": Decimal("2.000"), "source": "test"}
        )
    return data


def _invoice(w, days, number, **fields):
    return invoice_in(
        supplier=w["supplier"],
        recipient=w["recipient"],
        days=days,
        number=number,
        amount_due=Decimal("3650.00"),
        **fields,
    )


def test_the_invoice_page_counts_against_the_structure_s_deadline(client, w):
    invoice = _invoice(w, 12, "D-1")
    html = verified_client(client, w["accountant"]).get(f"/factures/{invoice.uuid}/").content.decode()
    assert "Délai de paiement (50 jours)" in html
    assert "12 jours écoulés" in html and "reste 38 jours" in html
    assert 'data-testid="late-penalty"' not in html


def test_a_late_invoice_page_shows_interest_and_indemnity(client, w):
    invoice = _invoice(w, 60, "D-2")
    html = verified_client(client, w["accountant"]).get(f"/factures/{invoice.uuid}/").content.decode()
    assert "10 jours de retard" in html
    # 3,650.00 × (2 + 8) % × 10 / 365 = 10.00
    assert "intérêts moratoires 10,00 € (10,00 %) + indemnité 40,00 €" in html


def test_the_received_and_sent_lists_show_the_clock(client, w):
    _invoice(w, 60, "D-3")
    _invoice(w, 5, "D-4", status=S.SUSPENDUE)
    received = verified_client(client, w["accountant"]).get("/factures/recues/").content.decode()
    assert "10 jours de retard" in received and "délai interrompu" in received
    sent = verified_client(client, w["supplier_user"]).get("/factures/envoyees/").content.decode()
    assert "10 jours de retard" in sent and "intérêts moratoires 10,00 €" in sent


def test_the_api_gives_the_clock_and_what_lateness_owes(w):
    invoice = _invoice(w, 60, "D-5")
    body = token_client(w["accountant"]).get(f"/api/v1/invoices/{invoice.uuid}/").json()
    clock = body["payment_clock"]
    assert (clock["state"], clock["period_days"], clock["days_elapsed"], clock["days_remaining"]) == (
        "running",
        50,
        60,
        -10,
    )
    assert (clock["days_late"], clock["interest"], clock["indemnity"], clock["interest_rate"]) == (
        10,
        "10.00",
        "40.00",
        "10.000",
    )


def test_the_service_date_is_given_on_the_page(client, w):
    invoice = _invoice(w, 20, "D-6")
    done = timezone.localdate() - timedelta(days=4)
    response = verified_client(client, w["accountant"]).post(
        f"/factures/{invoice.uuid}/statut/",
        {
            "target": "service_fait",
            "service_fait-target": "service_fait",
            "service_fait-version": invoice.version,
            "service_fait-service_done_on": done.isoformat(),
        },
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.service_done_on == done
    html = client.get(f"/factures/{invoice.uuid}/").content.decode()
    assert "4 jours écoulés" in html
