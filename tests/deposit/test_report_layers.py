"""The deposit report page in three layers (issue 13): one sentence saying why, the blocking errors with their
French message, business terms, values and fix, then the warnings folded, and apart the technical remarks.

Each test deposits through the page, or stores a report as the deposit writes it, and reads the page."""

from decimal import Decimal

from django.conf import settings

from invoices.deposit.report import REPORT_VERSION
from invoices.formats import report as findings_report
from invoices.formats import xml_safe
from invoices.formats.findings import WARNING, Finding
from invoices.models import Deposit, DepositStatus
from tests.builders import Line, cii_invoice
from tests.conftest import verified_client
from tests.factories_deposit import PNG, invoice_upload, upload

NBSP = "\u00a0"
DEPOSIT_URL = "/factures/deposer/"


def _deposit(client, files, language="fr", **data) -> str:
    client.post(DEPOSIT_URL, {"files": files, **data})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(f"/factures/depots/{Deposit.objects.get().uuid}/").content.decode()


def _between(page: str, start: str, end: str) -> str:
    return page.split(start, 1)[1].split(end, 1)[0]


def _visible(html: str) -> str:
    """The text a reader sees without unfolding the technical details."""
    while "<details" in html:
        before, _, rest = html.partition("<details")
        html = before + rest.partition("</details>")[2]
    return html


def _total_off_by_eight(world) -> object:
    return invoice_upload(
        world, "facturx", lines=[Line(unit_price=Decimal("1840.00"))], grand_total_delta=Decimal("-8.00")
    )


def test_a_refusal_reads_in_french_with_the_values_that_are_wrong_and_how_to_fix_them(supplier_client, world):
    page = _deposit(supplier_client, [_total_off_by_eight(world)])

    summary = _between(page, 'data-testid="report-summary">', "</p>")
    assert summary == "Refusée : le total TTC ne correspond pas au total HT plus la TVA."
    error = _between(page, 'data-rule="BR-CO-15"', "</li>")
    visible = _visible(error)
    assert "Le total TTC ne correspond pas au total HT plus la TVA." in visible
    assert "<strong>BT-112</strong>&nbsp;«&nbsp;Montant total TTC&nbsp;»" in visible
    values = _between(visible, 'data-testid="finding-values"', "</dl>")
    assert f'Montant total TTC <span class="muted">BT-112</span></dt><dd>2{NBSP}200,00</dd>' in values
    assert f'Montant total HT <span class="muted">BT-109</span></dt><dd>1{NBSP}840,00</dd>' in values
    check = _between(visible, 'data-testid="finding-check">', "</p>")
    assert check.endswith(f"HT (BT-109) 1{NBSP}840,00 + TVA (BT-110) 368,00 = 2{NBSP}208,00")
    assert "régénérez la facture" in _between(visible, 'data-testid="finding-hint">', "</p>")
    # The official English rule stays available, folded, never as the message.
    assert "Invoice total amount" not in visible and "[BR-CO-15]-Invoice total amount" in error


def test_an_english_page_gives_the_official_text_and_english_values(supplier_client, world):
    page = _deposit(supplier_client, [_total_off_by_eight(world)], language="en")

    assert "Refused: invoice total amount with VAT (BT-112)" in page
    error = _visible(_between(page, 'data-rule="BR-CO-15"', "</li>"))
    assert "Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109)" in error
    assert "Invoice total amount with VAT" in error and "2,200.00" in error
    assert "Montant total TTC" not in error and "2\u00a0200,00" not in error


def test_blocking_errors_come_before_the_folded_warnings(supplier_client, world):
    # A Factur-X MINIMUM without a number: two errors, and the French CTC rules warn about six things.
    page = _deposit(supplier_client, [invoice_upload(world, "facturx", profile="MINIMUM", number="")])

    errors = page.index('data-testid="findings-errors"')
    warnings = page.index('data-testid="findings-warnings"')
    assert page.index('data-testid="report-summary"') < errors < warnings
    assert 'data-rule="BR-02"' in page[errors:warnings]
    assert 'data-rule="CHORALE-NUMBER-MISSING"' in page[errors:warnings]
    assert page.count('class="warning" data-rule="BR-FR-') == 6
    assert page.index('class="warning"') > warnings
    opening = page[page.rindex("<details", 0, warnings) : page.index(">", warnings)]
    assert " open" not in opening
    assert "2 erreurs bloquantes" in page and "6 avertissements (n'empêchent pas le dépôt)" in page


def test_an_error_given_with_several_invoices_is_listed_once(supplier_client, world):
    files = [invoice_upload(world, "cii", name="a.xml"), invoice_upload(world, "ubl", name="b.xml")]

    page = _deposit(supplier_client, files, attachments=[upload("bon.png", PNG)])

    assert page.count('data-rule="CHORALE-ATTACHMENTS-ONE-INVOICE"') == 1
    assert page.count("Refusée : voir l&#x27;erreur du dépôt, plus haut.") == 2


def _stored(user, layers: dict, findings: list[dict]) -> Deposit:
    document = {"file": "facture.xml", "format": "cii", "profile": "BASIC WL", "accepted": True}
    return Deposit.objects.create(
        created_by=user,
        status=DepositStatus.INTEGRE,
        report={
            "version": REPORT_VERSION,
            "documents": [{**document, "findings": findings, "layers": layers}],
            "integrated": 1,
            "refused": 0,
            "findings": [],
        },
    )


def test_identical_warnings_are_grouped_and_garbled_official_texts_never_reach_the_supplier(client, world):
    location = (
        "/rsm:CrossIndustryInvoice[1]/rsm:SupplyChainTradeTransaction[1]/ram:ApplicableHeaderTradeSettlement[1]"
        "/ram:SpecifiedTradeSettlementHeaderMonetarySummation[1]/ram:GrandTotalAmount[1]"
    )
    garbled = "Attribute @currencyID' marked as not used in the given context."
    unit = "[BR-CL-23]-Unit code MUST be coded according to the UN/ECE Recommendation 20"
    findings = [
        Finding(WARNING, "CHORALE-SCHEMATRON-UNNAMED", garbled, garbled, location),
        *[
            Finding(WARNING, "BR-CL-23", unit, unit, f"/rsm:CrossIndustryInvoice[1]/x[{n}]")
            for n in (1, 2, 9)
        ],
    ]
    root = xml_safe.parse(cii_invoice("BASIC WL"), max_bytes=10**7)
    layers = findings_report.layers(findings, root=root)
    deposit = _stored(world.supplier, layers, [f.to_dict() for f in findings])

    page = verified_client(client, world.supplier).get(f"/factures/depots/{deposit.uuid}/").content.decode()

    grouped = _between(page, 'data-rule="BR-CL-23"', "</li>")
    assert ">3 fois</span>" in grouped
    technical = _between(page, 'data-testid="findings-technical"', "</details>")
    assert "L&#x27;attribut « currencyID » de « Montant total TTC »" in technical
    assert "marked as not used" not in page and "Attribute @currencyID&#x27;" not in page
    assert page.index('data-testid="findings-warnings"') < page.index('data-testid="findings-technical"')


def test_a_report_stored_before_the_layers_still_reads_in_french(client, world):
    official = (
        "[BR-CO-15]-Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + "
        "Invoice total VAT amount (BT-110)."
    )
    finding = {"severity": "error", "rule": "BR-CO-15", "message": official, "message_en": official}
    deposit = Deposit.objects.create(
        created_by=world.supplier,
        status=DepositStatus.REJETE,
        report={
            "documents": [{"file": "f.xml", "format": "cii", "accepted": False, "findings": [finding]}],
            "findings": [],
            "integrated": 0,
            "refused": 1,
        },
    )

    page = verified_client(client, world.supplier).get(f"/factures/depots/{deposit.uuid}/").content.decode()

    assert "Refusée : le total TTC ne correspond pas au total HT plus la TVA." in page
    assert "Invoice total amount" not in _visible(page)
