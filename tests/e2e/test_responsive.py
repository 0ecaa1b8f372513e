"""Every main page of each persona fits a 390 px phone and a 1366 px laptop, in French and English.

A page fails when it is wider than the window (`document.documentElement.scrollWidth > innerWidth`: the
person would scroll sideways), folded sections opened, or when the browser reports a Content Security Policy
violation. Tables may scroll inside their own frame; the page itself never does. Every failure of a persona is
listed at once.
"""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.demo import DEMO_PASSWORD, DEMO_USERS, DURAND_SIRET, VILLEBELLE_SIRET
from tests.e2e.conftest import login

pytestmark = pytest.mark.browser

WIDTHS = (390, 1366)
LANGUAGES = ("fr", "en")


def _pages(persona: str) -> list[str]:
    """The persona's main pages in the demo world (ids looked up, never hard-coded)."""
    from accounts.models import Membership, Structure
    from invoices.models import Invoice

    villebelle = Structure.objects.get(identifier=VILLEBELLE_SIRET)
    if persona == "supplier":
        suspended = Invoice.objects.get(number="DUR-2026-006")  # with the supplier's answer form
        recycled = Invoice.objects.get(number="DUR-2026-004")  # an UBL invoice: the readable rendering
        return [
            f"/factures/depots/{_refused_deposit().uuid}/",  # the report: errors, values, warnings
            "/",
            "/factures/deposer/",
            "/factures/envoyees/",
            f"/factures/{suspended.uuid}/",
            f"/factures/{recycled.uuid}/",
            "/factures/depots/",
        ]
    if persona == "accountant":
        facturx = Invoice.objects.get(number="DUR-2026-001")
        cii = Invoice.objects.get(number="DUR-2026-003")
        return [
            "/",
            "/factures/recues/",
            f"/factures/{facturx.uuid}/",
            f"/factures/{cii.uuid}/",
            f"/factures/tableau-de-bord/{villebelle.uuid}/",
            f"/factures/pes/structures/{villebelle.uuid}/",
        ]
    member = Membership.objects.filter(structure=villebelle, is_active=True).exclude(
        user=villebelle.principal_manager
    )[0]
    service = villebelle.services.order_by("code")[0]
    return [
        "/comptes/structures/",
        f"/comptes/structures/{villebelle.uuid}/",
        f"/comptes/structures/{villebelle.uuid}/parametres/",
        f"/comptes/structures/{villebelle.uuid}/services/nouveau/",
        f"/comptes/structures/{villebelle.uuid}/services/{service.uuid}/",
        f"/comptes/structures/{villebelle.uuid}/membres/{member.uuid}/",
        "/comptes/securite/",
    ]


def _refused_deposit():
    """Two refused invoices deposited by the demo supplier: a total with VAT off by 5 € (its error shows the
    values, the arithmetic and the official rule) and a Factur-X MINIMUM without number (its warnings)."""
    from accounts.models import Structure, User
    from invoices.deposit.operations import deposit_files
    from invoices.formats import samples

    parties = {"seller_siret": DURAND_SIRET, "buyer_siret": VILLEBELLE_SIRET, "service_code": "VOIRIE"}
    files = [
        SimpleUploadedFile(
            "DUR-2026-098.xml",
            samples.broken_invoice("BR-CO-15", number="DUR-2026-098", amount=Decimal("1840.00"), **parties),
        ),
        SimpleUploadedFile("sans-numero.pdf", samples.facturx_pdf("MINIMUM", number="", **parties)),
    ]
    supplier = User.objects.get(email=DEMO_USERS["supplier"][0])
    return deposit_files(supplier, files, supplier=Structure.objects.get(identifier=DURAND_SIRET))


def _switch_language(page, language: str) -> None:
    if page.locator("html").get_attribute("lang") != language:
        with page.expect_navigation():
            page.select_option("#lang-select", language)


@pytest.mark.parametrize("persona", ["supplier", "accountant", "manager"])
def test_main_pages_fit_phone_and_laptop_in_both_languages(browser_page, live_server, demo_world, persona):
    page = browser_page
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(f"script error: {error}"))
    email, secret = DEMO_USERS[persona]
    login(page, live_server, email, DEMO_PASSWORD, secret)
    paths = _pages(persona)

    failures = []
    for language in LANGUAGES:
        _switch_language(page, language)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                violations.clear()
                response = page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state("load")
                page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
                where = f"{language} {width}px {path}"
                if response is None or response.status != 200:
                    failures.append(f"{where}: HTTP {response.status if response else '?'}")
                    continue
                if page.locator("html").get_attribute("lang") != language:
                    failures.append(f"{where}: page not in {language}")
                wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if wide[0] > wide[1]:
                    culprits = page.evaluate(_WIDEST_ELEMENTS, wide[1])
                    failures.append(f"{where}: {wide[0]} px wide in a {wide[1]} px window ({culprits})")
                failures += [f"{where}: {v}" for v in violations]
    assert not failures, "\n".join(failures)


# The elements sticking out of the window, to say what to fix.
_WIDEST_ELEMENTS = """(limit) => Array.from(document.querySelectorAll('body *'))
  .filter((el) => el.getBoundingClientRect().right > limit + 1 && !el.closest('.table-wrap'))
  .slice(-3)
  .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : ''))
  .join(', ')"""


def test_a_phone_gets_a_download_instead_of_a_blank_pdf(browser_page, live_server, demo_world):
    from invoices.models import Invoice

    page = browser_page
    email, secret = DEMO_USERS["accountant"]
    login(page, live_server, email, DEMO_PASSWORD, secret)
    invoice = Invoice.objects.get(number="DUR-2026-001")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/factures/{invoice.uuid}/")
    assert not page.get_by_test_id("document-frame").is_visible()
    fallback = page.get_by_test_id("document-fallback")
    assert fallback.is_visible()
    assert fallback.locator("a").get_attribute("href") == f"/factures/{invoice.uuid}/original/"


def test_the_received_list_keeps_numbers_on_one_line_and_the_clock_in_view_at_1366(
    browser_page, live_server, demo_world
):
    page = browser_page
    email, secret = DEMO_USERS["accountant"]
    login(page, live_server, email, DEMO_PASSWORD, secret, next_path="/factures/recues/")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/factures/recues/")
    frame = page.locator(".table-wrap").first
    assert frame.evaluate("(el) => el.scrollWidth <= el.clientWidth"), "the list scrolls sideways at 1366 px"
    line_height = page.locator("[data-testid=invoice-link]").first.evaluate(
        "(el) => parseFloat(getComputedStyle(el).lineHeight)"
    )
    for link in page.locator("[data-testid=invoice-link]").all():
        assert link.bounding_box()["height"] < 1.5 * line_height, link.text_content()
    late = page.locator(".ws-clock.is-late").first
    box, frame_box = late.bounding_box(), frame.bounding_box()
    assert box["x"] + box["width"] <= frame_box["x"] + frame_box["width"]


def test_the_received_list_becomes_cards_on_a_phone(browser_page, live_server, demo_world):
    page = browser_page
    email, secret = DEMO_USERS["accountant"]
    login(page, live_server, email, DEMO_PASSWORD, secret, next_path="/factures/recues/")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/factures/recues/")
    assert not page.locator("[data-testid=invoice-table] thead").is_visible()
    row = page.locator("[data-testid=invoice-table] tbody tr").first
    assert row.evaluate("(el) => getComputedStyle(el).display") == "grid"
    assert row.bounding_box()["width"] <= 390
    label = row.locator("td[data-label]").first.evaluate("(el) => getComputedStyle(el, '::before').content")
    assert label.strip('"').endswith(" : ")


@pytest.mark.parametrize("width", WIDTHS)
def test_recovery_codes_never_overlap_when_they_wrap(browser_page, live_server, demo_world, width):
    page = browser_page
    email, secret = DEMO_USERS["supplier"]
    login(page, live_server, email, DEMO_PASSWORD, secret, next_path="/comptes/securite/codes-de-secours/")
    page.set_viewport_size({"width": width, "height": 900})
    page.get_by_role("button", name="Générer dix nouveaux codes").click()
    page.wait_for_selector("#recovery-codes li")
    boxes = [li.bounding_box() for li in page.locator("#recovery-codes li").all()]
    assert len(boxes) == 10
    for i, a in enumerate(boxes):
        assert a["x"] >= 0 and a["x"] + a["width"] <= width
        for b in boxes[i + 1 :]:
            apart = (
                a["x"] + a["width"] <= b["x"]
                or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"]
                or b["y"] + b["height"] <= a["y"]
            )
            assert apart, (a, b)
