"""The workspace says what happened and what waits: empty selections, the supplier's to-do, chart links."""

import html
import re

import pytest

from invoices.models import InvoiceStatus
from tests.conftest import verified_client
from tests.factories import StructureFactory
from tests.factories_lifecycle import invoice_in, world

S = InvoiceStatus


@pytest.fixture
def w(db):
    return world()


def _numbers(body: str) -> list[str]:
    return re.findall(r'data-number="([^"]+)"', body)


def test_a_bulk_action_with_nothing_selected_asks_to_select_an_invoice(w, client):
    invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    verified_client(client, w["accountant"])
    response = client.post(
        "/factures/recues/actions/", {"target": "service_fait", "next": "/factures/recues/"}, follow=True
    )
    page = html.unescape(response.content.decode())
    assert "Sélectionnez au moins une facture" in page
    assert "Ce champ est obligatoire" not in page


def test_the_supplier_dashboard_counts_what_waits_for_an_answer_with_links(w, client):
    mine = {"supplier": w["supplier"], "recipient": w["recipient"]}
    invoice_in(S.A_RECYCLER, **mine)
    invoice_in(S.A_RECYCLER, **mine)
    invoice_in(S.SUSPENDUE, **mine)
    invoice_in(S.REJETEE, **mine)
    invoice_in(S.REJETEE, rejection_acknowledged_at="2026-01-05T10:00:00Z", **mine)
    invoice_in(S.SERVICE_FAIT, **mine)
    invoice_in(S.A_RECYCLER, supplier=StructureFactory(), recipient=w["recipient"])  # someone else's

    page = verified_client(client, w["supplier_user"]).get("/").content.decode()

    todo = page.split('data-testid="supplier-todo"')[1].split("</section>")[0]
    assert "4 factures attendent votre réponse" in todo
    assert re.search(r'href="/factures/envoyees/\?status=a_recycler"><strong>2</strong>', todo)
    assert re.search(r'href="/factures/envoyees/\?status=suspendue"><strong>1</strong>', todo)
    assert re.search(r'href="/factures/envoyees/\?status=rejetee"><strong>1</strong>', todo)


def test_a_supplier_with_nothing_to_answer_is_told_so(w, client):
    page = html.unescape(verified_client(client, w["supplier_user"]).get("/").content.decode())
    assert "Aucune facture n'attend votre réponse." in page


def test_an_accountant_without_the_deposit_right_has_no_supplier_to_do(w, client):
    page = verified_client(client, w["accountant"]).get("/").content.decode()
    assert 'data-testid="supplier-todo"' not in page


def test_every_dashboard_bar_links_to_the_list_of_its_invoices(w, client):
    for days in (1, 5, 21, 25, 31, 40, 41):
        invoice_in(supplier=w["supplier"], recipient=w["recipient"], days=days)
    invoice_in(S.SUSPENDUE, supplier=w["supplier"], recipient=w["recipient"], days=45)
    verified_client(client, w["accountant"])
    dashboard = client.get(f"/factures/tableau-de-bord/{w['recipient'].uuid}/").content.decode()

    bars = re.findall(
        r'data-(?:status|ageing)="(\w+)" data-count="(\d+)">\s*<a class="ws-chart-link" '
        r'href="([^"]+)"',
        dashboard,
    )
    assert {key for key, _count, _url in bars} == {
        "mise_a_disposition",
        "suspendue",
        "recent",
        "warn",
        "late",
    }
    for key, count, url in bars:
        listed = _numbers(client.get(html.unescape(url)).content.decode())
        assert len(listed) == int(count), (key, url)


def test_the_status_filter_is_a_set_of_checkboxes_not_a_list_box(w, client):
    invoice_in(supplier=w["supplier"], recipient=w["recipient"], number="A-1")
    invoice_in(S.SERVICE_FAIT, supplier=w["supplier"], recipient=w["recipient"], number="B-1")
    invoice_in(S.MANDATEE, supplier=w["supplier"], recipient=w["recipient"], number="C-1")
    verified_client(client, w["accountant"])
    page = client.get("/factures/recues/").content.decode()
    assert 'type="checkbox" name="status" value="service_fait"' in page
    assert '<select name="status"' not in page and "multiple" not in page.split('id="filter-form"')[1]
    both = client.get("/factures/recues/?status=service_fait&status=mandatee").content.decode()
    assert sorted(_numbers(both)) == ["B-1", "C-1"]


def test_the_supplier_to_do_reads_in_english_on_english_pages(w, client):
    invoice_in(S.SUSPENDUE, supplier=w["supplier"], recipient=w["recipient"])
    verified_client(client, w["supplier_user"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = html.unescape(client.get("/").content.decode())
    assert "1 invoice awaits your answer" in page
    assert "Suspended: complete with the documents asked for" in page
