"""Support keeps the ECB rate table in the admin; a row always opens a semester."""

from datetime import date
from decimal import Decimal

import pytest

from invoices.models import EcbRate
from tests.conftest import verified_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    verified_client(client, user)
    return user


def test_support_records_a_new_semester(client, support):
    response = client.post(
        "/admin/invoices/ecbrate/add/",
        {"semester_start": "2026-01-01", "rate": "2.15", "source": "BCE, décision du 11/12/2025"},
    )
    assert response.status_code == 302
    row = EcbRate.objects.get(semester_start=date(2026, 1, 1))
    assert (row.rate, row.updated_by) == (Decimal("2.150"), support)


def test_a_date_that_opens_no_semester_is_refused(client, support):
    response = client.post(
        "/admin/invoices/ecbrate/add/", {"semester_start": "2026-02-01", "rate": "2.15", "source": "x"}
    )
    assert response.status_code == 200
    assert not EcbRate.objects.filter(semester_start=date(2026, 2, 1)).exists()


def test_an_accountant_cannot_reach_the_table(client):
    verified_client(client, UserFactory())
    assert client.get("/admin/invoices/ecbrate/").status_code == 302
