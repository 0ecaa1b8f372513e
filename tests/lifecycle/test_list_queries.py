"""List pages cost a few SQL queries whatever the user's structures and services, and none scans the table.

The user's memberships are resolved once per request; the per-status counts are read from the counters; the
page query pages by a row comparison, filters dates by timestamp ranges, resolves a supplier filter to
structures first and has no DISTINCT.
"""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoices.models import InvoiceStatus
from tests.conftest import verified_client
from tests.factories import MembershipFactory, ServiceFactory, StructureFactory
from tests.factories_lifecycle import accountant_of, invoice_in, public_structure, world

S = InvoiceStatus
MAX_LIST_QUERIES = 8

LIST_URLS = (
    "/factures/recues/",
    "/factures/recues/?status=suspendue&status=rejetee",
    "/factures/recues/?supplier=menuiserie",
    "/factures/recues/?received_from=2026-01-01&received_to=2026-12-31",
    "/factures/recues/?sort=amount",
    "/factures/recues/?sort=-issue_date&issued_from=2025-01-01",
    "/factures/envoyees/",
    "/api/v1/invoices/?direction=received",
    "/api/v1/invoices/?direction=received&status=suspendue&status=rejetee&sort=-amount",
    "/api/v1/invoices/?direction=sent",
)


@pytest.fixture
def w(db):
    data = world()
    second = public_structure(name="Syndicat d'Essai")
    ServiceFactory(structure=second, code="EAU")
    MembershipFactory(structure=second, user=data["accountant"], can_triage=True, can_deposit=True)
    # The accountant also deposits for a company of theirs: the sent list is not empty.
    MembershipFactory(structure=data["supplier"], user=data["accountant"], can_deposit=True)
    data["second"] = second
    menuiserie = StructureFactory(name="Menuiserie Bois SAS")
    for supplier, recipient in ((data["supplier"], data["recipient"]), (menuiserie, second)):
        for status in (S.MISE_A_DISPOSITION, S.SUSPENDUE, S.REJETEE):
            invoice_in(status, supplier=supplier, recipient=recipient, issue_date=date(2026, 2, 1))
    return data


def _captured(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in queries.captured_queries]


def _invoice_queries(sqls):
    return [sql for sql in sqls if 'FROM "invoices_invoice"' in sql]


@pytest.mark.parametrize("url", LIST_URLS)
def test_a_list_page_makes_at_most_eight_queries(w, client, url):
    sqls = _captured(verified_client(client, w["accountant"]), url)
    assert len(sqls) <= MAX_LIST_QUERIES, "\n".join(sqls)


def test_the_query_count_does_not_grow_with_structures_and_services(w, client):
    verified_client(client, w["accountant"])
    before = len(_captured(client, "/factures/recues/"))
    for _ in range(3):
        structure = public_structure()
        services = [ServiceFactory(structure=structure) for _ in range(3)]
        membership = MembershipFactory(structure=structure, user=w["accountant"], can_triage=True)
        membership.services.set(services[:2])
    assert len(_captured(client, "/factures/recues/")) == before


@pytest.mark.parametrize(
    "url", [u for u in LIST_URLS if "/api/" not in u] + ["/factures/tableau-de-bord/{uuid}/"]
)
def test_no_page_counts_the_invoice_table(w, client, url):
    sqls = _captured(verified_client(client, w["accountant"]), url.format(uuid=w["recipient"].uuid))
    counting = [sql for sql in _invoice_queries(sqls) if "COUNT(" in sql.upper()]
    assert counting == []


def test_the_dashboard_makes_at_most_eight_queries(w, client):
    sqls = _captured(
        verified_client(client, w["accountant"]), f"/factures/tableau-de-bord/{w['recipient'].uuid}/"
    )
    assert len(sqls) <= MAX_LIST_QUERIES, "\n".join(sqls)


def test_the_multiple_status_filter_is_an_in_list_without_distinct(w, client):
    sqls = _captured(
        verified_client(client, w["accountant"]), "/factures/recues/?status=suspendue&status=rejetee"
    )
    page = _invoice_queries(sqls)
    assert page and not any("DISTINCT" in sql.upper() for sql in page)
    assert any(re.search(r'"status" IN \(', sql) for sql in page)


def test_dates_are_filtered_as_timestamp_ranges(w, client):
    sqls = _captured(
        verified_client(client, w["accountant"]),
        "/factures/recues/?received_from=2026-01-01&received_to=2026-12-31",
    )
    page = " ".join(_invoice_queries(sqls))
    assert '"created_at" >=' in page and '"created_at" <' in page
    # A conversion of each row's timestamp to a local date is what no index can serve.
    assert "django_datetime_cast_date" not in page and "AT TIME ZONE" not in page


def test_the_supplier_filter_resolves_the_matching_structures_first(w, client):
    verified_client(client, w["accountant"])
    sqls = _captured(client, "/factures/recues/?supplier=menuiserie")
    page = " ".join(_invoice_queries(sqls))
    assert "supplier_id" in page and "seller_name" not in page.split("WHERE", 1)[1]
    assert "UPPER" not in page.split("WHERE", 1)[1]


def test_deep_pages_start_from_a_row_comparison(w, client):
    verified_client(client, w["accountant"])
    for i in range(60):
        invoice_in(supplier=w["supplier"], recipient=w["recipient"], number=f"DEEP-{i:03d}")
    first = client.get("/factures/recues/")
    sqls = _captured(client, "/factures/recues/" + first.context["next_url"])
    page = " ".join(_invoice_queries(sqls))
    assert re.search(r'\("invoices_invoice"\."created_at", "invoices_invoice"\."id"\) < \(', page), page


def test_a_service_limited_accountant_keeps_the_same_budget(w, client):
    limited = accountant_of(w["recipient"], services=[w["voirie"]])
    sqls = _captured(verified_client(client, limited), "/factures/recues/")
    assert len(sqls) <= MAX_LIST_QUERIES, "\n".join(sqls)
