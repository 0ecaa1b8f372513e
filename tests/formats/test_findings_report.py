"""The deposit report in three layers: why the invoice is refused, the blocking errors, then the warnings."""

from decimal import Decimal

from invoices.formats import report, validate_document, xml_safe
from invoices.formats.findings import ERROR, WARNING, Finding
from tests.builders import Line, broken_invoice, cii_invoice, full_config

NBSP = "\u00a0"
TOTALS = (
    "/rsm:CrossIndustryInvoice[1]/rsm:SupplyChainTradeTransaction[1]/ram:ApplicableHeaderTradeSettlement[1]"
)
BR_CO_15_TEXT = (
    "[BR-CO-15]-Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + Invoice "
    "total VAT amount (BT-110)."
)


def layers_of(data: bytes) -> dict:
    result = validate_document(data, config=full_config())
    return report.layers(result.findings, xml=result.xml, profile=result.profile)


def test_a_refused_invoice_is_summed_up_in_one_sentence_from_its_first_blocking_error():
    layers = layers_of(broken_invoice("BR-CO-15"))

    assert layers["refused"] is True
    assert layers["summary"]["fr"] == "Refusée : le total TTC ne correspond pas au total HT plus la TVA."
    assert layers["summary"]["en"].startswith("Refused: invoice total amount with VAT (BT-112)")


def test_the_summary_counts_the_other_errors():
    findings = [
        Finding(ERROR, "BR-CO-15", BR_CO_15_TEXT, BR_CO_15_TEXT, f"{TOTALS}/x[1]"),
        Finding(ERROR, "BR-02", "[BR-02]-x", "[BR-02]-x", "/rsm:CrossIndustryInvoice[1]", count=2),
    ]

    assert report.layers(findings)["summary"]["fr"] == (
        "Refusée : le total TTC ne correspond pas au total HT plus la TVA (et 2 autres erreurs)."
    )


def test_an_accepted_invoice_says_so_with_its_warnings():
    warning = Finding(WARNING, "BR-FR-13_BT-34", "BR-FR-13/BT-34 : …", "BR-FR-13/BT-34 : …", "")

    assert report.layers([])["summary"] == {"fr": "Acceptée.", "en": "Accepted."}
    assert report.layers([warning, warning])["summary"]["fr"] == "Acceptée, avec 2 avertissements."


def test_the_arithmetic_of_a_total_rule_is_shown_with_the_invoice_values():
    data = cii_invoice(lines=[Line(unit_price=Decimal("1840.00"))], grand_total_delta=Decimal("-8.00"))

    [error] = layers_of(data)["errors"]

    assert error["rule"] == "BR-CO-15"
    assert error["check"]["fr"] == (
        f"TTC (BT-112) : 2{NBSP}200,00 ; HT (BT-109) 1{NBSP}840,00 + TVA (BT-110) 368,00 = 2{NBSP}208,00"
    )
    assert error["check"]["en"] == (
        "Total with VAT (BT-112): 2,200.00; Net total (BT-109) 1,840.00 + VAT (BT-110) 368.00 = 2,208.00"
    )
    assert error["check"]["difference"] == "-8.00"


def test_each_finding_gives_its_rule_messages_terms_values_and_count():
    [error] = layers_of(broken_invoice("BR-CO-15"))["errors"]

    assert error["rule"] == "BR-CO-15"
    assert error["message"].startswith("Le total TTC ne correspond pas au total HT plus la TVA.")
    assert error["official"].startswith("[BR-CO-15]-Invoice total amount with VAT (BT-112)")
    assert error["message_en"].startswith("Invoice total amount with VAT (BT-112)")
    assert error["terms"][0] == {
        "id": "BT-112",
        "label": "Montant total TTC",
        "label_en": "Invoice total amount with VAT",
    }
    totals = {value["term"]: value["display"] for value in error["values"]}
    assert totals["BT-112"] == "125,00"
    assert totals["BT-109"] == "100,00"
    assert error["count"] == 1
    assert error["location"].startswith(TOTALS)


def test_blocking_errors_come_before_warnings_whatever_the_order_of_the_findings():
    warning = Finding(WARNING, "BR-FR-12_BT-49", "BR-FR-12/BT-49 : …", "BR-FR-12/BT-49 : …", "")
    error = Finding(ERROR, "BR-CO-15", BR_CO_15_TEXT, BR_CO_15_TEXT, "")

    layers = report.layers([warning, warning, error])

    assert [item["rule"] for item in layers["errors"]] == ["BR-CO-15"]
    assert [item["rule"] for item in layers["warnings"]] == ["BR-FR-12_BT-49"]


def test_identical_findings_are_grouped_with_their_count_and_locations():
    text = "Value of '@unitCode' is not allowed."
    same = [
        Finding(ERROR, "FX-SCH-A-001084", text, text, f"/rsm:CrossIndustryInvoice[1]/rsm:X[{n}]")
        for n in (1, 2, 3)
    ]
    collapsed = Finding(
        WARNING, "PEPPOL-EN16931-R008", "[PEPPOL-EN16931-R008]-e", "[PEPPOL-EN16931-R008]-e", count=4
    )

    items = report.group([*same, collapsed, collapsed])

    assert [(item["rule"], item["count"]) for item in items] == [
        ("FX-SCH-A-001084", 3),
        ("PEPPOL-EN16931-R008", 8),
    ]
    assert len(items[0]["locations"]) == 3


def test_a_repeated_enforcement_rule_of_a_profile_stylesheet_reads_as_its_en16931_rule():
    text = "[BR-45]-Each VAT breakdown (BG-23) shall have a VAT category taxable amount (BT-116)."

    item = report.describe(Finding(ERROR, "FX-SCH-A-000047", text, text, ""))

    assert (item["rule"], item["ref"]) == ("BR-45", "FX-SCH-A-000047")
    assert item["message"].startswith("Une ligne du récapitulatif de TVA n'a pas de base HT.")


def test_an_unnamed_assert_gets_a_readable_message_and_is_kept_away_from_suppliers():
    data = cii_invoice("BASIC WL")
    root = xml_safe.parse(data, max_bytes=10**7)
    garbled = "Attribute @currencyID' marked as not used in the given context."
    location = f"{TOTALS}/ram:SpecifiedTradeSettlementHeaderMonetarySummation[1]/ram:GrandTotalAmount[1]"

    layers = report.layers(
        [Finding(WARNING, "CHORALE-SCHEMATRON-UNNAMED", garbled, garbled, location)], root=root
    )

    assert layers["warnings"] == []
    [note] = layers["technical"]
    assert note["message"].startswith(
        "L'attribut « currencyID » de « Montant total TTC » n'est pas utilisé par le profil Factur-X"
    )
    assert "marked as not used" not in note["message"] + note["message_en"]


def test_an_xsd_error_reads_in_french_and_names_the_element():
    [error] = layers_of(broken_invoice("XSD"))["errors"]

    assert error["rule"] == "XSD"
    assert "n'est pas admis à cet endroit par le format de la facture" in error["message"]
    assert "This element is not expected" not in error["message"]


def test_a_chorale_finding_keeps_its_own_message_and_sums_up_with_the_catalogue():
    result = validate_document(b"")

    layers = report.layers(result.findings)

    assert layers["summary"]["fr"] == "Refusée : le fichier est vide."
    assert layers["errors"][0]["message"] == "Le fichier est vide."


def test_findings_stored_as_dicts_without_the_invoice_still_read_in_french():
    stored = {
        "severity": "error",
        "rule": "BR-CO-15",
        "message": BR_CO_15_TEXT,
        "message_en": BR_CO_15_TEXT,
        "location": "",
    }

    [error] = report.layers([stored])["errors"]

    assert error["message"].startswith("Le total TTC ne correspond pas")
    assert error["values"] == [] and error["check"] is None
    assert [term["id"] for term in error["terms"]] == ["BT-112", "BT-109", "BT-110"]


def test_an_unreadable_xml_only_drops_the_values():
    error = Finding(ERROR, "BR-CO-15", BR_CO_15_TEXT, BR_CO_15_TEXT, f"{TOTALS}[1]")

    [item] = report.layers([error], xml=b"<not xml")["errors"]

    assert item["message"].startswith("Le total TTC") and item["values"] == []
