"""Hostile or foreign files offered as Hélios acknowledgements: refused, with a message in two languages."""

import pytest

from invoices.pes.core import AcquitRefusedError, PesError, read_acquit, read_acquit_file
from invoices.pes.core.acquit import NS_ACQUIT_V2
from tests.builders.hostile import CII_OPEN, LAUGHS, XXE
from tests.builders.pes_acquit import AckHeader, accepted_acquit
from tests.conftest import shared_path

GOOD = accepted_acquit(AckHeader("F_001"), ["A1"])


def refusal(data: bytes, **options) -> AcquitRefusedError:
    with pytest.raises(AcquitRefusedError) as caught:
        read_acquit(data, **options)
    error = caught.value
    assert isinstance(error, PesError)
    assert error.message_fr and error.message_en and str(error) == error.message_en
    return error


def xxe_acquit() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE n:PES_ACQUIT [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + f'<n:PES_ACQUIT xmlns:n="{NS_ACQUIT_V2}"><Enveloppe><Parametres><NomFic V="&x;"/>'.encode()
        + b"</Parametres></Enveloppe></n:PES_ACQUIT>"
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [(XXE, "doctype"), (LAUGHS, "doctype"), (b"", "not_xml"), (b"not xml at all", "not_xml")],
    ids=["xxe", "laughs", "empty", "text"],
)
def test_non_xml_and_entity_tricks_are_refused(data, code):
    assert refusal(data).code == code


def test_an_acknowledgement_declaring_an_external_entity_is_refused_without_reading_it():
    error = refusal(xxe_acquit())

    assert error.code == "doctype"
    assert error.message_fr == "Fichier refusé : un acquittement PES ne déclare ni DOCTYPE ni entité."


def test_a_doctype_without_entities_is_refused_too():
    data = GOOD.replace(b"<n:PES_ACQUIT", b"<!DOCTYPE n:PES_ACQUIT>\n<n:PES_ACQUIT", 1)

    assert refusal(data).code == "doctype"


def test_an_oversized_file_is_refused_before_parsing(tmp_path):
    assert refusal(GOOD, max_bytes=len(GOOD) - 1).code == "too_large"
    path = tmp_path / "big.xml"
    path.write_bytes(GOOD + b" " * 64)
    with pytest.raises(AcquitRefusedError) as caught:
        read_acquit_file(path, max_bytes=len(GOOD))
    assert caught.value.code == "too_large"
    assert f"limite {len(GOOD)}" in caught.value.message_fr


def test_a_pes_aller_offered_as_an_acknowledgement_is_named_as_such():
    data = b'<n:PES_Aller xmlns:n="http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller"><Enveloppe/></n:PES_Aller>'
    error = refusal(data)

    assert error.code == "pes_aller"
    assert "PES_Aller" in error.message_fr


@pytest.mark.parametrize(
    "data",
    [
        CII_OPEN + b"</rsm:CrossIndustryInvoice>",
        GOOD.replace(NS_ACQUIT_V2.encode(), b"urn:example:not-helios"),
        b'<n:PES_ACQUIT_RETOUR xmlns:n="http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller/ack"/>',
    ],
    ids=["invoice", "foreign-namespace", "ack-of-a-return"],
)
def test_foreign_documents_are_refused(data):
    error = refusal(data)

    assert error.code == "foreign"
    assert error.message_en.startswith("This file is not a Hélios PES acknowledgement (root element ")


def test_an_acknowledgement_without_nomfic_cannot_be_matched_and_is_refused():
    error = refusal(GOOD.replace(b'<NomFic V="F_001"/>', b""))

    assert error.code == "incomplete"
    assert "NomFic" in error.message_fr and "NomFic" in error.message_en


def test_an_acknowledgement_without_elements_is_refused():
    start, end = GOOD.index(b"<ElementACQUIT>"), GOOD.index(b"</ACQUIT>")
    assert refusal(GOOD[:start] + GOOD[end:]).code == "incomplete"


def test_an_unknown_state_is_refused_even_without_the_schema():
    error = refusal(GOOD.replace(b'<EtatAck V="1"/>', b'<EtatAck V="2"/>'))

    assert error.code == "incomplete" and "EtatAck" in error.message_en


def test_a_file_breaking_the_acquit_schema_is_refused_with_its_errors():
    xsd_dir = shared_path("pes", "xsd", "schemas_pes_v5.17")
    error = refusal(GOOD.replace(b'<DomaineAck V="4"/>', b'<DomaineAck V="42"/>'), xsd_dir=xsd_dir)

    assert error.code == "schema_invalid"
    assert error.errors and "DomaineAck" in error.errors[0]
    assert error.message_fr.startswith("Cet acquittement ne respecte pas le schéma PES_ACQUIT : line ")
