"""Hostile XML (entities, DTDs, deep nesting) is refused cleanly, before anything reads it."""

import pytest

from invoices.formats import validate_document
from tests.builders import cii_invoice, pdf_with_attachment
from tests.builders.hostile import CII_OPEN, LAUGHS, XXE

EXTERNAL_DTD = (
    b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://attacker.example/x.dtd">'
    + CII_OPEN
    + (b"</rsm:CrossIndustryInvoice>")
)
HARMLESS_LOOKING_DOCTYPE = b"<!DOCTYPE rsm:CrossIndustryInvoice>" + cii_invoice("MINIMUM").split(b"?>", 1)[1]


@pytest.mark.parametrize(
    "data",
    [XXE, LAUGHS, EXTERNAL_DTD, HARMLESS_LOOKING_DOCTYPE],
    ids=["external-entity", "billion-laughs", "external-dtd", "plain-doctype"],
)
def test_any_doctype_is_refused(data):
    result = validate_document(data)

    assert result.format == "unknown"
    assert [f.rule for f in result.errors] == ["SAFE-DOCTYPE"]
    assert "DOCTYPE" in result.errors[0].message
    assert result.invoice is None


def test_the_entity_content_never_leaks_into_the_result():
    result = validate_document(XXE)

    assert "root:" not in repr(result)


def test_a_doctype_inside_the_embedded_xml_of_a_pdf_is_refused_too():
    result = validate_document(pdf_with_attachment("factur-x.xml", XXE))

    assert result.format == "facturx"
    assert [f.rule for f in result.errors] == ["SAFE-DOCTYPE"]


def test_absurdly_deep_nesting_is_refused_as_unreadable():
    data = CII_OPEN + b"<a>" * 5000 + b"</a>" * 5000 + b"</rsm:CrossIndustryInvoice>"

    assert [f.rule for f in validate_document(data).errors] == ["SAFE-XML"]


def test_an_undeclared_entity_is_refused_as_unreadable():
    data = CII_OPEN + b"<x>&undeclared;</x></rsm:CrossIndustryInvoice>"

    assert [f.rule for f in validate_document(data).errors] == ["SAFE-XML"]
