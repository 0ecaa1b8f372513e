"""CII outside Factur-X (XRechnung…) is checked with the CEN EN 16931 rules, refused when they are missing."""

import pytest

from invoices.formats import ValidationConfig, validate_document
from tests.builders import broken_invoice, cii_invoice, full_config


@pytest.fixture
def cen_config():
    config = full_config()
    if config.cen_cii_xslt is None:
        pytest.skip("the CEN CII stylesheet is absent: run scripts/fetch_cen_cii_xslt.py")
    return config


def test_without_the_cen_rules_a_non_facturx_cii_is_refused_and_not_checked_with_other_rules():
    result = validate_document(broken_invoice("BR-CO-10", "cii", "XRECHNUNG"), config=ValidationConfig())

    assert [f.rule for f in result.errors] == ["CHORALE-CEN-CII-MISSING"]
    assert "fetch_cen_cii_xslt" in result.errors[0].message


def test_the_cen_rules_find_errors_in_a_non_facturx_cii(cen_config):
    result = validate_document(broken_invoice("BR-CO-10", "cii", "XRECHNUNG"), config=cen_config)

    assert result.profile == "XRECHNUNG"
    assert {"BR-CO-10", "BR-CO-13"} <= {f.rule for f in result.errors}


def test_an_unknown_specification_id_is_checked_with_the_cen_rules_and_said_so(cen_config):
    data = cii_invoice("XRECHNUNG").replace(b"urn:xeinkauf.de:kosit:xrechnung_3.0", b"urn:example.org:cius:1")
    result = validate_document(data, config=cen_config)

    assert (result.profile, result.valid) == ("CII", True)
    assert [f.rule for f in result.warnings] == ["CHORALE-PROFILE-UNKNOWN"]


def test_config_from_settings_reads_the_chorale_settings(tmp_path):
    xslt = tmp_path / "cen.xslt"
    xslt.write_text("<x/>")

    class Settings:
        CHORALE_CEN_CII_XSLT = str(xslt)
        CHORALE_MAX_FILE_BYTES = 1234
        CHORALE_CTC_AS_ERRORS = True

    assert ValidationConfig.from_settings(Settings()) == ValidationConfig(str(xslt), True, 1234)

    Settings.CHORALE_CEN_CII_XSLT = str(tmp_path / "absent.xslt")
    assert ValidationConfig.from_settings(Settings()).cen_cii_xslt is None
