"""Every generated invoice passes the full validation (XSD, profile or CEN schematron, French CTC rules)."""

import pytest

from invoices.formats import validate_document
from tests.builders import (
    BUYER_SIRET,
    FACTURX_PROFILES,
    SELLER_SIRET,
    cii_invoice,
    facturx_pdf,
    full_config,
    ubl_credit_note,
    ubl_invoice,
)

# MINIMUM has no notes nor electronic addresses: the French CTC rules can only warn about them.
MINIMUM_CTC_WARNINGS = {
    "BR-FR-05_BT-22_PMT",
    "BR-FR-05_BT-22_PMD",
    "BR-FR-05_BT-22_AAB",
    "BR-FR-12_BT-49",
    "BR-FR-13_BT-34",
}


def assert_clean(result, profile):
    assert result.errors == [], [f.to_dict("en") for f in result.errors]
    expected_warnings = MINIMUM_CTC_WARNINGS if profile == "MINIMUM" else set()
    assert {f.rule for f in result.warnings} == expected_warnings, [f.to_dict("en") for f in result.warnings]


@pytest.mark.parametrize("profile", FACTURX_PROFILES)
def test_generated_cii_of_each_profile_is_valid(profile):
    result = validate_document(cii_invoice(profile))

    assert (result.format, result.profile) == ("cii", profile)
    assert_clean(result, profile)


@pytest.mark.parametrize("profile", FACTURX_PROFILES)
def test_generated_facturx_pdf_of_each_profile_is_valid(profile):
    result = validate_document(facturx_pdf(profile))

    assert (result.format, result.profile, result.attachment_name) == ("facturx", profile, "factur-x.xml")
    assert_clean(result, profile)


@pytest.mark.parametrize("profile", ["BASIC WL", "EN16931", "EXTENDED"])
def test_generated_credit_notes_and_corrective_invoices_are_valid(profile):
    for type_code in ("381", "384"):
        assert_clean(validate_document(cii_invoice(profile, type_code=type_code)), profile)


def test_generated_french_extended_ctc_invoice_is_valid_in_cii_and_pdf():
    for data in (cii_invoice("EXTENDED-CTC-FR"), facturx_pdf("EXTENDED-CTC-FR")):
        result = validate_document(data)

        assert result.profile == "EXTENDED-CTC-FR"
        assert_clean(result, "EXTENDED-CTC-FR")


def test_generated_ubl_invoice_and_credit_note_are_valid():
    for data in (ubl_invoice(), ubl_credit_note()):
        result = validate_document(data)

        assert (result.format, result.profile) == ("ubl", "EN16931")
        assert_clean(result, "EN16931")


def test_generated_xrechnung_cii_is_valid_against_the_cen_rules():
    config = full_config()
    if config.cen_cii_xslt is None:
        pytest.skip("the CEN CII stylesheet is absent: run scripts/fetch_cen_cii_xslt.py")

    result = validate_document(cii_invoice("XRECHNUNG"), config=config)

    assert (result.format, result.profile) == ("cii", "XRECHNUNG")
    assert_clean(result, "XRECHNUNG")


def test_generated_invoices_take_their_parameters():
    data = cii_invoice(
        "EN16931",
        number="F-77",
        seller_siret="12345678200010",
        buyer_siret="98765432400019",
        service_code="ACHATS",
        engagement="EJ-42",
        amount="1234.56",
        seller_name="Atelier Dupont",
    )
    invoice = validate_document(data).invoice

    assert (invoice.number, invoice.seller_name, invoice.service_code, invoice.engagement) == (
        "F-77",
        "Atelier Dupont",
        "ACHATS",
        "EJ-42",
    )
    assert (invoice.seller_siret, invoice.buyer_siret) == ("12345678200010", "98765432400019")
    assert str(invoice.total_without_vat) == "1234.56"
    assert str(invoice.total_with_vat) == "1481.47"


def test_default_identifiers_pass_the_luhn_check_the_portal_applies():
    from stdnum.fr import siret

    assert siret.is_valid(SELLER_SIRET) and siret.is_valid(BUYER_SIRET)
