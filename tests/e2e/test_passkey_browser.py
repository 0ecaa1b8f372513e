"""In Chromium, with a virtual authenticator: the demo supplier enrols a security key, then logs in with it.

The authenticator is Chrome's own (DevTools protocol, WebAuthn domain, through Playwright's CDP session): the
browser runs the real ceremonies against the live server, our static script drives them, under our CSP.
"""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import SecurityEvent
from tests.e2e.conftest import enter_password, login

pytestmark = pytest.mark.browser

SUPPLIER_EMAIL, SUPPLIER_SECRET = DEMO_USERS["supplier"]


def _path(page) -> str:
    return urlparse(page.url).path


@pytest.fixture
def virtual_authenticator(browser_page):
    """A USB security key plugged into this page's browser, touched whenever it is asked."""
    cdp = browser_page.context.new_cdp_session(browser_page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield cdp, authenticator["authenticatorId"]
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator["authenticatorId"]})


@pytest.fixture
def relying_party(settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"  # the live server listens on localhost, on a port of its own
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost:8000"]


def test_the_supplier_enrols_a_key_and_logs_in_with_it(
    browser_page, live_server, demo_world, virtual_authenticator, relying_party
):
    page = browser_page
    assert urlparse(live_server.url).hostname == "localhost"
    console = []
    page.on("console", lambda message: console.append(message.text))
    cdp, authenticator_id = virtual_authenticator

    login(page, live_server, SUPPLIER_EMAIL, DEMO_PASSWORD, SUPPLIER_SECRET)
    page.goto(f"{live_server.url}/comptes/securite/")
    page.get_by_role("link", name="Gérer mes clés").click()
    page.get_by_role("link", name="Ajouter une clé").click()
    assert _path(page) == "/comptes/securite/cles/ajouter/"  # the password and TOTP were given just now
    page.fill("#id_name", "Clé USB du bureau")
    page.get_by_role("button", name="Enregistrer la clé").click()

    page.wait_for_url("**/comptes/securite/cles/")
    expect(page.locator(".messages")).to_contain_text("La clé « Clé USB du bureau » est enregistrée.")
    expect(page.locator("table.passkeys input[name$='-name']")).to_have_value("Clé USB du bureau")
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(stored) == 1

    page.locator(".header-tools form button[type=submit]").click()
    page.wait_for_url("**/comptes/connexion/")
    enter_password(page, live_server, SUPPLIER_EMAIL, DEMO_PASSWORD)
    assert _path(page) == "/comptes/second-facteur/"
    page.get_by_role("button", name="Utiliser ma clé").click()

    page.wait_for_url(lambda url: "/comptes/second-facteur/" not in url)
    assert _path(page) == "/"
    expect(page.locator("main h1")).to_have_text("Tableau de bord")
    login_event = SecurityEvent.objects.filter(user__email=SUPPLIER_EMAIL, kind=SecurityEvent.Kind.LOGIN)[0]
    assert login_event.detail == "clé d'accès « Clé USB du bureau »"
    assert (
        cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"][0][
            "signCount"
        ]
        >= 1
    )
    assert not [text for text in console if "Content Security Policy" in text or "Refused" in text]


def test_a_cancelled_key_leaves_the_code_step_open_with_a_message(
    browser_page, live_server, demo_world, virtual_authenticator, relying_party
):
    page = browser_page
    cdp, authenticator_id = virtual_authenticator
    login(page, live_server, SUPPLIER_EMAIL, DEMO_PASSWORD, SUPPLIER_SECRET)
    page.goto(f"{live_server.url}/comptes/securite/cles/ajouter/")
    page.fill("#id_name", "Clé")
    page.get_by_role("button", name="Enregistrer la clé").click()
    page.wait_for_url("**/comptes/securite/cles/")
    page.locator(".header-tools form button[type=submit]").click()
    page.wait_for_url("**/comptes/connexion/")
    cdp.send("WebAuthn.clearCredentials", {"authenticatorId": authenticator_id})  # the key was reset

    enter_password(page, live_server, SUPPLIER_EMAIL, DEMO_PASSWORD)
    page.get_by_role("button", name="Utiliser ma clé").click()

    expect(page.locator("[data-passkey-error]")).to_be_visible(timeout=20_000)
    assert _path(page) == "/comptes/second-facteur/"
    expect(page.locator("#id_code")).to_be_visible()
    page.goto(f"{live_server.url}/")
    assert _path(page) == "/comptes/second-facteur/"
