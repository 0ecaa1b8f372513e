"""The French CTC rules (BR-FR-*) run on every invoice: warnings by default, errors when configured so."""

from invoices.formats import ValidationConfig, validate_document
from tests.builders import cii_invoice, ubl_invoice


def test_ctc_rules_only_warn_by_default():
    result = validate_document(cii_invoice("MINIMUM"))

    assert result.valid
    assert "BR-FR-13_BT-34" in {f.rule for f in result.warnings}


def test_ctc_rules_block_when_configured_as_errors():
    result = validate_document(cii_invoice("MINIMUM"), config=ValidationConfig(ctc_as_errors=True))

    assert not result.valid
    assert "BR-FR-13_BT-34" in {f.rule for f in result.errors}


def test_ctc_rules_apply_to_ubl_too():
    # The SIRET where the seller's SIREN belongs (scheme 0002), a common French mistake.
    data = ubl_invoice().replace(b'schemeID="0002">123456782<', b'schemeID="0002">12345678200010<')

    assert validate_document(data).valid
    result = validate_document(data, config=ValidationConfig(ctc_as_errors=True))
    assert {"BR-FR-10_BT-30", "BR-FR-32-LEGALID"} <= {f.rule for f in result.errors}
