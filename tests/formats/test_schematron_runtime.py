"""A stylesheet failing at run time becomes a finding, never an exception."""

from invoices.formats import ValidationConfig, engine, validate_document
from tests.builders import cii_invoice

FAILING_XSLT = """<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/"><xsl:sequence select="error((), 'boom on this invoice')"/></xsl:template>
</xsl:stylesheet>"""


def test_the_deciding_rules_failing_refuse_the_invoice_rather_than_pass_it_unchecked(tmp_path):
    failing = tmp_path / "failing-cen.xslt"
    failing.write_text(FAILING_XSLT)

    result = validate_document(cii_invoice("XRECHNUNG"), config=ValidationConfig(cen_cii_xslt=str(failing)))

    assert [f.rule for f in result.errors] == ["CHORALE-SCHEMATRON-RUNTIME"]
    assert "boom on this invoice" in result.errors[0].message
    assert result.invoice is not None


def test_the_french_ctc_rules_failing_only_warn(tmp_path, monkeypatch):
    failing = tmp_path / "failing-ctc.xslt"
    failing.write_text(FAILING_XSLT)
    monkeypatch.setattr(engine, "CII_CTC_FR", failing)

    result = validate_document(cii_invoice("EN16931"))

    assert result.valid
    assert [f.rule for f in result.warnings] == ["CHORALE-SCHEMATRON-RUNTIME"]


def test_a_configured_stylesheet_that_does_not_compile_refuses_instead_of_crashing(tmp_path):
    broken = tmp_path / "not-xslt.xslt"
    broken.write_text("<xsl:stylesheet version='2.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'><oops")

    result = validate_document(cii_invoice("XRECHNUNG"), config=ValidationConfig(cen_cii_xslt=str(broken)))

    assert [f.rule for f in result.errors] == ["CHORALE-SCHEMATRON-RUNTIME"]
