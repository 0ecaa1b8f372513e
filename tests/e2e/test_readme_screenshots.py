"""The README's screenshots, taken in Chromium on the demo world: `CHORALE_SCREENSHOTS=1 pytest <this file>`.

Skipped otherwise: a test run writes nothing into the repository. The PNGs go to docs/screenshots/ (palette
reduced when Pillow is installed, to keep them small).
"""

import os
from decimal import Decimal

import pytest
from lxml import etree

from accounts.demo import DEMO_PASSWORD, DEMO_USERS, DURAND_SIRET, VILLEBELLE_SIRET
from tests.conftest import REPO_DIR
from tests.e2e.conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("CHORALE_SCREENSHOTS") != "1", reason="set CHORALE_SCREENSHOTS=1 to retake them"
    ),
]

OUT = REPO_DIR / "docs" / "screenshots"


def _save(page, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    page.locator("main").screenshot(path=str(path))
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=128).save(path, optimize=True)


def _without_notes(cii: bytes) -> bytes:
    root = etree.fromstring(cii)
    for note in root.iter("{*}IncludedNote"):
        note.getparent().remove(note)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _logout(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/comptes/connexion/**")


def test_take_the_readme_screenshots(browser_page, live_server, demo_world, tmp_path):
    from invoices.formats import samples

    page = browser_page
    page.set_viewport_size({"width": 1180, "height": 900})

    # A supplier deposits an invoice whose total with VAT is not the total without VAT plus the VAT, and
    # without the legal mentions the French rules warn about: the report's three layers.
    broken = tmp_path / "DUR-2026-099.xml"
    broken.write_bytes(
        _without_notes(
            samples.broken_invoice(
                "BR-CO-15",
                "cii",
                number="DUR-2026-099",
                seller_name="Atelier Durand SARL",
                seller_siret=DURAND_SIRET,
                buyer_name="Commune de Villebelle",
                buyer_siret=VILLEBELLE_SIRET,
                service_code="VOIRIE",
                engagement="EJ-2026-0099",
                amount=Decimal("1840.00"),
            )
        )
    )
    email, secret = DEMO_USERS["supplier"]
    login(page, live_server, email, DEMO_PASSWORD, secret, next_path="/factures/deposer/")
    page.set_input_files("input[name=files]", str(broken))
    page.locator("#deposit-form button[type=submit]").click()
    page.wait_for_url("**/factures/depots/*/")
    _save(page, "deposit-report.png")
    _logout(page)

    email, secret = DEMO_USERS["accountant"]
    login(page, live_server, email, DEMO_PASSWORD, secret, next_path="/factures/recues/")
    page.wait_for_load_state("load")
    _save(page, "received-list.png")
