"""In a real browser: the demo supplier logs in with password and TOTP; the password alone opens nothing."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from tests.e2e.conftest import enter_password, login

pytestmark = pytest.mark.browser

SUPPLIER_EMAIL, SUPPLIER_SECRET = DEMO_USERS["supplier"]


def _path(page) -> str:
    return urlparse(page.url).path


def test_the_demo_supplier_reaches_the_dashboard_with_password_and_totp(
    browser_page, live_server, demo_world
):
    login(browser_page, live_server, SUPPLIER_EMAIL, DEMO_PASSWORD, SUPPLIER_SECRET)
    assert _path(browser_page) == "/"
    expect(browser_page.locator("main h1")).to_have_text("Tableau de bord")
    expect(browser_page.locator("main")).to_contain_text("Atelier Durand SARL")
    expect(browser_page.locator(".user-name")).to_have_text(SUPPLIER_EMAIL)


def test_the_password_alone_reaches_no_page_past_login(browser_page, live_server, demo_world):
    enter_password(browser_page, live_server, SUPPLIER_EMAIL, DEMO_PASSWORD)
    assert _path(browser_page) == "/comptes/second-facteur/"
    for path in ["/", "/factures/envoyees/", "/comptes/securite/", "/comptes/securite/jetons/", "/admin/"]:
        browser_page.goto(f"{live_server.url}{path}")
        assert _path(browser_page) == "/comptes/second-facteur/", path
        expect(browser_page.locator("#id_code")).to_be_visible()
    api = browser_page.request.get(f"{live_server.url}/api/v1/me/")  # the same cookies as the page
    assert api.status in (401, 403)


def test_a_wrong_code_stays_on_the_code_step_with_an_error(browser_page, live_server, demo_world):
    enter_password(browser_page, live_server, SUPPLIER_EMAIL, DEMO_PASSWORD)
    browser_page.fill("#id_code", "000000")
    browser_page.locator("form:has(#id_code) button[type=submit]").click()
    browser_page.wait_for_load_state()
    assert _path(browser_page) == "/comptes/second-facteur/"
    expect(browser_page.locator(".field-error")).to_contain_text("Code incorrect")
    browser_page.goto(f"{live_server.url}/")
    assert _path(browser_page) == "/comptes/second-facteur/"


def test_the_page_asked_for_is_reached_after_login_and_logout_ends_the_session(
    browser_page, live_server, demo_world
):
    browser_page.goto(f"{live_server.url}/comptes/securite/")
    assert _path(browser_page) == "/comptes/connexion/"
    login(
        browser_page,
        live_server,
        SUPPLIER_EMAIL,
        DEMO_PASSWORD,
        SUPPLIER_SECRET,
        next_path="/comptes/securite/",
    )
    assert _path(browser_page) == "/comptes/securite/"
    expect(browser_page.locator("main")).to_contain_text("Application de démonstration")

    browser_page.locator(".header-tools form button[type=submit]").click()
    browser_page.wait_for_url("**/comptes/connexion/")
    browser_page.goto(f"{live_server.url}/comptes/securite/")
    assert _path(browser_page) == "/comptes/connexion/"
