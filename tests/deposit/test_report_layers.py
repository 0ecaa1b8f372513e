"""The deposit report in three layers: one sentence, the blocking errors, the warnings folded.

The findings come from the report as dicts (`rule`, `message`, `message_en`, `severity`, `location`, and,
when the formats layer gives them, `business_terms`, `values`, `count`, `summary`, `hint`): the page shows
whatever each one carries.
"""

import pytest

from invoices.models import Deposit, DepositStatus
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

TOTAL = {
    "severity": "error",
    "rule": "BR-CO-15",
    "message": "Le total TTC ne correspond pas au total HT plus la TVA.",
    "message_en": "Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + …",
    "location": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction",
    "business_terms": [{"id": "BT-112", "name": "Montant total TTC"}],
    "values": {"BT-112": "1 250,00", "BT-109 + BT-110": "1 200,00"},
}
SCHEME = {
    "severity": "warning",
    "rule": "BR-CL-25",
    "message": "Le schéma d'identification n'est pas dans la liste.",
    "message_en": "Scheme not in the list.",
    "location": "/x",
    "count": 3,
}


def _report_page(client, user, documents, language="fr"):
    deposit = Deposit.objects.create(
        created_by=user,
        status=DepositStatus.REJETE,
        report={"documents": documents, "integrated": 0, "refused": len(documents), "findings": []},
    )
    verified_client(client, user)
    if language == "en":
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client.get(f"/factures/depots/{deposit.uuid}/").content.decode()


def _document(findings, **extra):
    return {
        "file": "facture.xml",
        "format": "cii",
        "profile": "EN16931",
        "accepted": False,
        "findings": findings,
        **extra,
    }


def test_the_report_opens_on_one_sentence_saying_why_the_invoice_was_refused(client, supplier):
    page = _report_page(client, supplier, [_document([SCHEME, TOTAL])])
    summary = page.split('data-testid="report-summary"')[1].split("</p>")[0]
    assert "Refusée : Le total TTC ne correspond pas au total HT plus la TVA." in summary


def test_a_summary_given_by_the_report_is_used_as_is(client, supplier):
    page = _report_page(client, supplier, [_document([TOTAL], summary="Refusée : montants incohérents")])
    assert "Refusée : montants incohérents" in page.split('data-testid="report-summary"')[1].split("</p>")[0]


def test_blocking_errors_come_first_and_warnings_are_folded(client, supplier):
    page = _report_page(client, supplier, [_document([SCHEME, SCHEME, TOTAL])])
    errors = page.index('data-testid="findings-errors"')
    warnings = page.index('data-testid="findings-warnings"')
    assert errors < warnings
    assert "<details" in page[warnings - 60 : warnings] and " open" not in page[warnings - 60 : warnings + 40]
    assert 'data-rule="BR-CO-15"' in page[errors:warnings]
    assert 'data-rule="BR-CL-25"' not in page[errors:warnings]
    assert "1 erreur bloquante" in page and "2 avertissements" in page


def test_a_finding_shows_its_business_term_the_values_involved_and_its_count(client, supplier):
    page = _report_page(client, supplier, [_document([TOTAL, SCHEME])])
    total = page.split('data-rule="BR-CO-15"')[1].split("</li>")[0]
    assert "<strong>BT-112</strong> « Montant total TTC »" in total
    values = total.split('data-testid="finding-values"')[1]
    assert "<dt>BT-112</dt><dd>1 250,00</dd>" in values
    assert "<dt>BT-109 + BT-110</dt><dd>1 200,00</dd>" in values
    scheme = page.split('data-rule="BR-CL-25"')[1].split("</li>")[0]
    assert "3 fois" in scheme


def test_english_pages_show_the_english_message(client, supplier):
    page = _report_page(client, supplier, [_document([TOTAL])], language="en")
    assert "Invoice total amount with VAT (BT-112)" in page


def test_findings_without_the_optional_keys_still_read(client, supplier):
    bare = {"severity": "error", "rule": "CHORALE-EMPTY", "message": "Le fichier est vide.", "location": ""}
    page = _report_page(client, supplier, [_document([bare])])
    assert "Refusée : Le fichier est vide." in page and 'data-testid="finding-values"' not in page
