"""Every sort and filter of the workspace is served by an index: the planner neither scans nor sorts rows.

PostgreSQL only (the planner's choices are what matter at scale). Sequential scans and sorts are priced out
(`enable_seqscan`, `enable_sort` off) so that the plan shows whether an index *can* serve the query at all.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoices.models import InvoiceStatus
from tests.conftest import verified_client
from tests.factories import MembershipFactory, StructureFactory
from tests.factories_lifecycle import invoice_in, public_structure, world

S = InvoiceStatus

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("index plans are checked on PostgreSQL; CI runs this on PostgreSQL")


@pytest.fixture
def w(db):
    data = world()
    data["menuiserie"] = StructureFactory(name="Menuiserie Bois SAS")
    for supplier in (data["supplier"], data["menuiserie"]):
        for status in (S.MISE_A_DISPOSITION, S.SUSPENDUE):
            invoice_in(status, supplier=supplier, recipient=data["recipient"])
    return data


PAGES = [
    "",
    "sort=received",
    "sort=-issue_date",
    "sort=issue_date",
    "sort=-amount",
    "sort=amount",
    "sort=number",
    "sort=-party",
    "sort=-status_changed",
    "status=suspendue",
    "status=suspendue&status=rejetee",
    "supplier=menuiserie",
    "received_from=2026-01-01&received_to=2026-03-31",
]


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def _page_statement(client, query: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        first = client.get(f"/factures/recues/?{query}")
        assert first.status_code == 200
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "invoices_invoice"' in q["sql"] and "LIMIT" in q["sql"]
    ]
    assert len(statements) == 1, statements
    return statements[0]


@pytest.mark.parametrize("query", PAGES)
def test_the_list_page_is_read_from_an_index_in_order(w, client, query):
    verified_client(client, w["accountant"])
    plan = _plan(_page_statement(client, query))
    assert "Seq Scan on invoices_invoice" not in plan, plan
    assert not re.search(r"(^|->  )Sort\b", plan, re.M), plan


@pytest.mark.parametrize("query", ["sort=-received", "sort=-amount", "sort=number", "status=suspendue"])
def test_a_deep_page_starts_inside_the_index(w, client, query):
    status = S.SUSPENDUE if "status=" in query else S.MISE_A_DISPOSITION
    for i in range(60):
        invoice_in(status, supplier=w["supplier"], recipient=w["recipient"], number=f"N-{i:03d}")
    verified_client(client, w["accountant"])
    first = client.get(f"/factures/recues/?{query}")
    next_url = first.context["next_url"]
    plan = _plan(_page_statement(client, next_url.lstrip("?")))
    assert "Seq Scan on invoices_invoice" not in plan, plan
    # The row comparison is an index condition, not a filter applied to each row read.
    assert re.search(r"Index Cond: .*ROW\(|Index Cond: .*\) < ROW|Index Cond: .*\) > ROW", plan), plan


@pytest.mark.parametrize("query", ["", "sort=-amount", "status=suspendue&status=mise_a_disposition"])
def test_several_structures_are_merged_from_their_ordered_ranges(w, client, query):
    second = public_structure(name="Syndicat d'Essai")
    MembershipFactory(structure=second, user=w["accountant"], can_triage=True)
    invoice_in(S.SUSPENDUE, supplier=w["supplier"], recipient=second)
    verified_client(client, w["accountant"])
    plan = _plan(_page_statement(client, query))
    assert "Seq Scan on invoices_invoice" not in plan, plan
    # Each structure's (and status's) range is read in index order and merged; only the page is sorted.
    assert "Merge Append" in plan, plan
