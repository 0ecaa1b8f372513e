"""Browser tests: Playwright's sync API drives Debian's Chromium against pytest-django's live server.

Chromium comes from the distribution (`apt-get install chromium`), not from `playwright install`. Without it
these tests skip with a message, except under `CI=true`, where a missing browser fails the run.
"""

import base64
import os
import time
from urllib.parse import urlencode

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with a
# running loop unless told that this is deliberate. The tests still run one request at a time.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHORALE_CHROMIUM", "/usr/bin/chromium")  # Debian's package; overridable
CHROMIUM_ARGS = [
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STEP = 30


def chromium_args() -> list[str]:
    # Chromium's sandbox cannot start as root (containers, CI runners).
    return (["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []) + CHROMIUM_ARGS


_running: dict = {}


@pytest.fixture(scope="session")
def playwright_driver():
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; browser tests cannot be skipped under CI=true", pytrace=False)
        pytest.skip(message)
    # A test module outside tests/e2e/ that imports this fixture gets its own copy of it; the sync API cannot
    # start twice in one thread (its event loop is still running), so every copy shares the first driver.
    if "driver" in _running:
        yield _running["driver"]
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        _running["driver"] = driver
        try:
            yield driver
        finally:
            del _running["driver"]


@pytest.fixture
def browser_page(playwright_driver, live_server, tmp_path):
    """A page of a fresh Chromium profile, in French, pointed at the live server."""
    from django.core.cache import cache

    cache.clear()  # login rate limits and the like start from zero in every test
    context = playwright_driver.chromium.launch_persistent_context(
        str(tmp_path / "chromium-profile"),
        executable_path=CHROMIUM,
        headless=True,
        args=chromium_args(),
        locale="fr-FR",
        base_url=live_server.url,
    )
    context.set_default_timeout(15_000)
    page = context.pages[0] if context.pages else context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_world(transactional_db):
    """The demo data of `manage.py load_demo` (the personas of accounts.demo)."""
    from django.core.management import call_command

    call_command("load_demo", "--force", verbosity=0)


def totp_code(email: str, totp_secret_b32: str) -> str:
    """The current code of the account's authenticator app, computed from its base32 secret.

    A code is accepted once (django-otp keeps the last step used): if this step's code was already used,
    take the next step's (one step of drift is accepted), or wait for the step after.
    """
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    key = base64.b32decode(totp_secret_b32.replace(" ", "").upper())
    device = TOTPDevice.objects.filter(user__email__iexact=email, confirmed=True).first()
    last_used = device.last_t if device else -1
    now_step = int(time.time()) // STEP
    wanted = max(now_step, last_used + 1)
    if wanted > now_step + 1:
        time.sleep(STEP - time.time() % STEP + 0.1)
        now_step = int(time.time()) // STEP
    return f"{totp(key, drift=wanted - now_step):06d}"


def enter_password(page, live_server, email, password, next_path=None):
    """The first login step; leaves the page on the code step (when the password is right)."""
    url = f"{live_server.url}/comptes/connexion/"
    page.goto(url + (f"?{urlencode({'next': next_path})}" if next_path else ""))
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.locator("form:has(#id_password) button[type=submit]").click()
    page.wait_for_load_state()


def login(page, live_server, email, password, totp_secret_b32, next_path=None):
    """Log in through both steps, as a person with an authenticator app would; returns the page."""
    enter_password(page, live_server, email, password, next_path)
    page.wait_for_url("**/comptes/second-facteur/**")
    page.fill("#id_code", totp_code(email, totp_secret_b32))
    page.locator("form:has(#id_code) button[type=submit]").click()
    page.wait_for_url(lambda url: "/comptes/second-facteur/" not in url)
    return page
