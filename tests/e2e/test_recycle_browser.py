"""In a real browser: the demo accountant sets an invoice à recycler, the demo supplier corrects it."""

import re

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, DEMO_USERS, DURAND_SIRET, VILLEBELLE_SIRET
from tests.e2e.conftest import login

pytestmark = pytest.mark.browser

ACCOUNTANT_EMAIL, ACCOUNTANT_SECRET = DEMO_USERS["accountant"]
SUPPLIER_EMAIL, SUPPLIER_SECRET = DEMO_USERS["supplier"]
NUMBER = "E2E-RECYCLE-0001"


@pytest.fixture
def invoice_for_villebelle(demo_world):
    """A delivered invoice of Atelier Durand to Villebelle's VOIRIE service (its own number, whatever the demo
    holds)."""
    from accounts.models import Service, Structure
    from tests.factories import InvoiceFactory

    villebelle = Structure.objects.get(identifier=VILLEBELLE_SIRET)
    durand = Structure.objects.get(identifier=DURAND_SIRET)
    return InvoiceFactory(
        number=NUMBER,
        supplier=durand,
        recipient=villebelle,
        service=Service.objects.get(structure=villebelle, code="VOIRIE"),
        code_service="VOIRIE",
        engagement="EJ-2026-0042",
        deposited_by=durand.principal_manager,
    )


def _logout(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/comptes/connexion/**")


def test_recycle_round_trip_between_the_accountant_and_the_supplier(
    browser_page, live_server, invoice_for_villebelle
):
    page = browser_page
    # The accountant finds the invoice by filtering the received list.
    login(
        page, live_server, ACCOUNTANT_EMAIL, DEMO_PASSWORD, ACCOUNTANT_SECRET, next_path="/factures/recues/"
    )
    expect(page.locator("main h1")).to_have_text("Factures reçues")
    page.get_by_test_id("filters-toggle").click()
    page.get_by_label("Numéro de facture").fill("E2E-RECYCLE")
    page.get_by_test_id("filter-submit").click()
    rows = page.locator("[data-testid=invoice-table] tbody tr")
    expect(rows).to_have_count(1)
    rows.first.get_by_test_id("invoice-link").click()
    expect(page.locator("main h1")).to_contain_text(NUMBER)

    # … and sets it à recycler: the service code is wrong.
    page.get_by_test_id("open-a_recycler").click()
    page.locator("#id_a_recycler-reason").select_option("CODE_ROUTAGE_ERR")
    page.locator("#id_a_recycler-comment").fill("Cette prestation relève du service ECOLES.")
    page.get_by_test_id("submit-a_recycler").click()
    expect(page.get_by_test_id("invoice-status")).to_have_text("À recycler")
    _logout(page)

    # The supplier corrects the service code and resends the same invoice.
    login(page, live_server, SUPPLIER_EMAIL, DEMO_PASSWORD, SUPPLIER_SECRET, next_path="/factures/envoyees/")
    row = page.locator("[data-testid=invoice-table] tbody tr", has_text=NUMBER)
    expect(row.get_by_test_id("status")).to_have_text("À recycler")
    row.get_by_test_id("invoice-link").click()
    expect(page.get_by_test_id("history")).to_contain_text("Cette prestation relève du service ECOLES.")
    service = page.locator("#id_recycle-service_code")
    expect(service).to_have_value("VOIRIE")
    service.fill("ECOLES")
    page.get_by_test_id("recycle-submit").click()
    expect(page.get_by_test_id("invoice-status")).to_have_text("Mise à disposition du destinataire")
    expect(page.get_by_test_id("invoice-service")).to_contain_text("ECOLES")
    _logout(page)

    # The accountant sees it back, same number, now with ECOLES.
    login(
        page, live_server, ACCOUNTANT_EMAIL, DEMO_PASSWORD, ACCOUNTANT_SECRET, next_path="/factures/recues/"
    )
    row = page.locator("[data-testid=invoice-table] tbody tr", has_text=NUMBER)
    expect(row.get_by_test_id("status")).to_have_text("Mise à disposition du destinataire")
    expect(row).to_contain_text("ECOLES")
    row.get_by_test_id("invoice-link").click()
    expect(page.get_by_test_id("history")).to_contain_text(re.compile("Acheminement corrigé"))
