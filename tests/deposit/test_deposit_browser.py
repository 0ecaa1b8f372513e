"""In a real browser: the demo supplier deposits invoices by drag and drop, with a progress bar, and lands
on the deposit's report; without JavaScript the same form posts the ordinary way."""

import base64
from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, DEMO_USERS, DURAND_SIRET, VILLEBELLE_SIRET
from tests.builders import cii_invoice, facturx_pdf

# The browser fixtures live in tests/e2e/conftest.py, which only serves tests/e2e/: imported here.
from tests.e2e.conftest import CHROMIUM, browser_page, chromium_args, demo_world, login, playwright_driver  # noqa: F401

pytestmark = pytest.mark.browser

EMAIL, SECRET = DEMO_USERS["supplier"]


def villebelle_invoice(number: str, **fields) -> bytes:
    fields = {
        "seller_siret": DURAND_SIRET,
        "buyer_siret": VILLEBELLE_SIRET,
        "service_code": "VOIRIE",
        "engagement": "EJ-2026-0042",
        "issue_date": date(2026, 2, 3),
        **fields,
    }
    return facturx_pdf(number=number, **fields)


def test_dropping_files_uploads_them_with_a_progress_bar_and_shows_the_report(
    browser_page,  # noqa: F811
    live_server,
    demo_world,  # noqa: F811
):
    page = login(browser_page, live_server, EMAIL, DEMO_PASSWORD, SECRET, next_path="/factures/deposer/")
    good = base64.b64encode(villebelle_invoice("E2E-DROP-1")).decode()
    bad = base64.b64encode(
        cii_invoice(
            seller_siret=DURAND_SIRET, buyer_siret=VILLEBELLE_SIRET, number="E2E-DROP-2", service_code=None
        )
    ).decode()

    page.evaluate(
        """([good, bad]) => {
            const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const file = (b64, name, type) => new File([bytes(b64)], name, {type});
            const data = new DataTransfer();
            data.items.add(file(good, "bonne.pdf", "application/pdf"));
            data.items.add(file(bad, "sans-service.xml", "application/xml"));
            const drop = new DragEvent("drop", {dataTransfer: data, bubbles: true});
            document.querySelector(".dropzone").dispatchEvent(drop);
        }""",
        [good, bad],
    )
    expect(page.locator(".file-list li")).to_have_count(2)
    expect(page.locator(".file-list")).to_contain_text("bonne.pdf")

    expect(page.locator("[data-progress]")).to_be_hidden()
    # Hold the upload's answer back to see the page while it waits on the server.
    held = []
    page.route("**/factures/deposer/", lambda route: held.append(route))
    page.get_by_role("button", name="Déposer", exact=True).click()
    expect(page.locator("[data-progress]")).to_be_visible()
    expect(page.get_by_role("button", name="Déposer", exact=True)).to_be_disabled()
    held[0].continue_()
    page.wait_for_url("**/factures/depots/*/")

    expect(page.locator("[data-status]")).to_have_text("Intégré partiellement")
    expect(page.locator(".deposit-document.accepted")).to_contain_text("bonne.pdf")
    refused = page.locator(".deposit-document.refused")
    expect(refused).to_contain_text("CHORALE-SERVICE-REQUIRED")
    expect(refused).to_contain_text("ram:BuyerReference")


def test_without_javascript_the_form_posts_the_ordinary_way(
    playwright_driver,  # noqa: F811
    live_server,
    demo_world,  # noqa: F811
    tmp_path,
):
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=chromium_args())
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", base_url=live_server.url)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, live_server, EMAIL, DEMO_PASSWORD, SECRET, next_path="/factures/deposer/")
        path = tmp_path / "facture.pdf"
        path.write_bytes(villebelle_invoice("E2E-NOJS-1"))

        page.set_input_files("input[name=files]", str(path))
        page.get_by_role("button", name="Déposer", exact=True).click()
        page.wait_for_url("**/factures/depots/*/")

        expect(page.locator("[data-status]")).to_have_text("Intégré")
    finally:
        context.close()
        browser.close()
