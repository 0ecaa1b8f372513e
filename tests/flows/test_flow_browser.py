"""In a real browser: a deposit of several files lands on the flow's page, which follows the workers' progress
(our own script polling, no inline code under the CSP) and shows the report once they are done."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, DEMO_USERS, DURAND_SIRET, VILLEBELLE_SIRET
from invoices.deposit import flows
from invoices.models import Deposit, DepositStatus
from tests.builders import cii_invoice

# The browser fixtures live in tests/e2e/conftest.py, which only serves tests/e2e/: imported here.
from tests.e2e.conftest import browser_page, demo_world, login, playwright_driver  # noqa: F401

pytestmark = pytest.mark.browser

EMAIL, SECRET = DEMO_USERS["supplier"]


def invoice(number: str, **fields) -> bytes:
    fields = {
        "seller_siret": DURAND_SIRET,
        "buyer_siret": VILLEBELLE_SIRET,
        "service_code": "VOIRIE",
        "engagement": "EJ-2026-0042",
        "issue_date": date(2026, 2, 3),
        **fields,
    }
    return cii_invoice(number=number, **fields)


def test_the_flow_page_follows_the_workers_and_shows_the_report_when_they_are_done(
    browser_page,  # noqa: F811
    live_server,
    demo_world,  # noqa: F811
    held_queue,
    tmp_path: Path,
):
    page = login(browser_page, live_server, EMAIL, DEMO_PASSWORD, SECRET, next_path="/factures/deposer/")
    files = []
    for name, data in (
        ("une.xml", invoice("E2E-FLOW-1")),
        ("deux.xml", invoice("E2E-FLOW-2", service_code="NOPE")),
    ):
        files.append(tmp_path / name)
        files[-1].write_bytes(data)
    page.set_input_files("input[name=files]", [str(f) for f in files])
    page.get_by_role("button", name="Déposer", exact=True).click()
    page.wait_for_url("**/factures/depots/*/")

    expect(page.locator("[data-status]")).to_have_text("En cours de traitement")
    expect(page.locator("[data-flow-label]")).to_have_text("Lecture des fichiers déposés…")
    deposit = Deposit.objects.get(status=DepositStatus.EN_COURS)
    flows.expand_flow(deposit.pk)  # a worker reads the files...
    expect(page.locator("[data-flow-label]")).to_have_text("Factures contrôlées : 0 sur 2")
    flows.run_flow_items(deposit.pk, 0, 2)  # ...checks them...
    flows.finish_flow(deposit.pk)  # ...and writes the report: the page reloads itself

    expect(page.locator("[data-status]")).to_have_text("Intégré partiellement")
    expect(page.locator(".deposit-document.accepted")).to_contain_text("une.xml")
    expect(page.locator(".deposit-document.refused")).to_contain_text("CHORALE-SERVICE-UNKNOWN")
    expect(page.locator("[data-flow-progress]")).to_have_count(0)
