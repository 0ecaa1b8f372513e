"""Issue 13, acceptance 1: each invoice of the shared corpus that the official artefacts refuse is deposited
through the deposit page, and its French report shows every blocking error with a French message, the business
terms when the rule names one, and the values involved when the invoice holds any at the error's location."""

import re

import pytest
from django.conf import settings
from lxml import html

from invoices.formats import validate_document
from invoices.formats.catalogue import CATALOGUE
from invoices.models import Deposit
from tests.builders import full_config
from tests.conftest import verified_client
from tests.factories_deposit import make_world, upload
from tests.formats.test_corpus_findings_in_french import CORPUS, ROWS, holds_values

NAMES_A_TERM = re.compile(r"\b(?:BT|BG)-\d+")
ENGLISH = re.compile(r"\b(?:shall|must|should|is not allowed|is not expected|marked as not used|the)\b", re.I)

pytestmark = pytest.mark.skipif(not ROWS, reason=f"{CORPUS} is absent: this test needs ../shared/corpus")


def text(element) -> str:
    return " ".join(element.text_content().split()) if element is not None else ""


@pytest.mark.parametrize("row", ROWS or [None], ids=lambda row: row["file"] if row else "absent")
def test_every_blocking_error_of_a_refused_corpus_invoice_reads_in_french(client, db, row):
    world = make_world()
    path = CORPUS / row["file"]
    client = verified_client(client, world.supplier)
    client.post("/factures/deposer/", {"files": [upload(path.name, path.read_bytes())]})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    deposit = Deposit.objects.get()
    page = html.fromstring(client.get(f"/factures/depots/{deposit.uuid}/").content)
    [document] = deposit.report["documents"]
    xml = validate_document(path.read_bytes(), config=full_config()).xml

    assert not document["accepted"]
    assert text(page.find('.//*[@data-testid="report-summary"]')).startswith("Refusée : ")
    shown = page.findall('.//*[@data-testid="findings-errors"]/li')
    stored = document["layers"]["errors"]
    assert stored and [li.get("data-rule") for li in shown] == [error["rule"] for error in stored]
    for error, li in zip(stored, shown, strict=True):
        message = text(li.find('.//*[@class="finding-message"]'))
        assert message and not ENGLISH.search(message), (error["rule"], message)
        if error["rule"] in CATALOGUE:
            assert message in error["message"]
        if NAMES_A_TERM.search(error["official"]) or CATALOGUE.get(error["rule"], CATALOGUE["XSD"]).terms:
            terms = li.findall('.//*[@class="finding-terms"]/strong')
            assert terms, (error["rule"], "no business term shown")
            assert all(term.tail and "«" in term.tail for term in terms), (error["rule"], "a term unnamed")
        if holds_values(xml, error["location"]):
            shown_values = li.findall('.//*[@data-testid="finding-values"]/dd')
            assert shown_values and all(text(dd) for dd in shown_values), (error["rule"], "no values shown")
