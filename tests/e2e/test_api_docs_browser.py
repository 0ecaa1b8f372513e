"""The API docs page renders in Chromium under the portal's Content Security Policy, with no violation."""

import pytest

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from tests.e2e.conftest import login

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_without_breaking_the_csp(browser_page, live_server, demo_world):
    page = browser_page
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: violations.append(f"script error: {error}"))
    email, secret = DEMO_USERS["supplier"]
    login(page, live_server, email, DEMO_PASSWORD, secret, next_path="/api/docs/")

    page.wait_for_selector(".swagger-ui .info .title")
    page.locator(".opblock-summary").first.click()  # an operation unfolds (styles set by the UI's script)
    page.wait_for_selector(".opblock-body")

    assert violations == []
