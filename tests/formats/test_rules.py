"""A broken invoice is refused with the official rule id, its text and where the problem is."""

import pytest

from invoices.formats import validate_document
from tests.builders import Line, broken_invoice, cii_invoice

SYNTAXES = ["cii", "facturx", "ubl"]


@pytest.mark.parametrize("syntax", SYNTAXES)
def test_line_total_mismatch_reports_br_co_10_on_the_totals(syntax):
    result = validate_document(broken_invoice("BR-CO-10", syntax))

    finding = next(f for f in result.errors if f.rule == "BR-CO-10")
    assert "[BR-CO-10]" in finding.message
    assert finding.location.endswith(
        ("SpecifiedTradeSettlementHeaderMonetarySummation[1]", "LegalMonetaryTotal[1]")
    )
    assert not result.valid


@pytest.mark.parametrize("syntax", SYNTAXES)
def test_grand_total_mismatch_reports_br_co_15(syntax):
    result = validate_document(broken_invoice("BR-CO-15", syntax))

    assert [f.rule for f in result.errors] == ["BR-CO-15"]


@pytest.mark.parametrize("syntax", SYNTAXES)
def test_missing_invoice_number_reports_br_02(syntax):
    result = validate_document(broken_invoice("BR-02", syntax))

    assert [f.rule for f in result.errors] == ["BR-02"]
    assert "Invoice number" in result.errors[0].message


@pytest.mark.parametrize("syntax", SYNTAXES)
def test_schema_violation_reports_the_xsd_error_with_its_path(syntax):
    result = validate_document(broken_invoice("XSD", syntax))

    finding = next(f for f in result.errors if f.rule == "XSD")
    assert "Unexpected" in finding.message and "schéma XSD" in finding.message
    assert finding.location.endswith(":Unexpected")


def test_a_code_list_violation_reports_the_fnfe_rule_id():
    result = validate_document(cii_invoice("EN16931", lines=[Line(unit="NOT-A-UNIT")]))

    assert [(f.rule, f.message) for f in result.errors] == [
        ("FX-SCH-A-000613", "Value of '@unitCode' is not allowed.")
    ]
    assert result.errors[0].location.endswith("/ram:SpecifiedLineTradeDelivery[1]/ram:BilledQuantity[1]")


def test_findings_speak_french_by_default_and_english_on_request():
    finding = validate_document(b"").errors[0]

    assert finding.to_dict() == {
        "severity": "error",
        "rule": "CHORALE-EMPTY",
        "message": "Le fichier est vide.",
        "location": "",
        "count": 1,
    }
    assert finding.to_dict("en")["message"] == "The file is empty."
