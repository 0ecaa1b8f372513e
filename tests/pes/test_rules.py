"""Known answers for the pure PES rules: parameter checks, names, identifiers, Latin-1 fitting."""

import pytest

from invoices.pes.core import (
    PesHeader,
    RefCompta,
    id_unique,
    pj_name,
    to_latin1,
    validate_header,
    validate_ref_compta,
)
from invoices.pes.core.naming import nom_fic, unique_name

VALID = {"id_post": "034000", "id_coll": "21340172201787", "cod_col": "123", "cod_bud": "00"}


def codes(header_fields) -> dict:
    return {e.field: e.code for e in validate_header(PesHeader(**{**VALID, **header_fields}))}


def test_a_complete_header_has_no_error():
    assert validate_header(PesHeader(**VALID)) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"id_coll": ""}, {"id_coll": "required"}),
        ({"id_coll": "2134017220178"}, {"id_coll": "siret_format"}),
        ({"id_coll": "21340172201788"}, {"id_coll": "siret_checksum"}),
        ({"id_coll": "35600000000048"}, {}),  # La Poste: SIREN 356000000, digit sum multiple of 5
        ({"id_post": "0340001"}, {}),
        ({"id_post": "02A1234"}, {}),
        ({"id_post": "02B123"}, {}),
        ({"id_post": "34000"}, {"id_post": "id_post_format"}),
        ({"id_post": "000000"}, {"id_post": "id_post_format"}),
        ({"id_post": "02C123"}, {"id_post": "id_post_format"}),
        ({"cod_col": "000"}, {"cod_col": "cod_col_format"}),
        ({"cod_col": "12"}, {"cod_col": "cod_col_format"}),
        ({"cod_col": "A12"}, {"cod_col": "cod_col_format"}),
        ({"cod_bud": "A1"}, {}),
        ({"cod_bud": "1A"}, {"cod_bud": "cod_bud_format"}),
        ({"cod_bud": "a1"}, {"cod_bud": "cod_bud_format"}),
        ({"fin_jur": "340780477"}, {}),
        ({"fin_jur": "34-0780"}, {"fin_jur": "fin_jur_format"}),
        ({"typ_fic": "PESALR2"}, {}),
        ({"typ_fic": "PESORMC"}, {"typ_fic": "typ_fic"}),
        ({"emetteur_sigle": ""}, {"emetteur_sigle": "required"}),
        ({"emetteur_adresse": "x" * 39}, {"emetteur_adresse": "too_long"}),
        ({"emetteur_adresse": "Chorale ✓"}, {"emetteur_adresse": "not_latin1"}),
    ],
)
def test_header_checks(fields, expected):
    assert codes(fields) == expected


def test_header_errors_speak_both_languages():
    [error] = validate_header(PesHeader(**{**VALID, "cod_col": "000"}))

    assert error.message_fr.startswith("Le code collectivité")
    assert error.message_en.startswith("CodCol")


@pytest.mark.parametrize(
    ("ref", "type_pj", "expected"),
    [
        (RefCompta(2025, "1235", "1"), "003", []),
        (RefCompta(2025, "2025/17_B"), "003", []),
        (RefCompta(2025, ""), "003", [("id_pce", "required")]),
        (RefCompta(2025, "000"), "003", [("id_pce", "id_pce_format")]),
        (RefCompta(2025, "1" * 21), "003", [("id_pce", "id_pce_format")]),
        (RefCompta(2025, "12", "1/2"), "003", [("id_ligne", "id_ligne_format")]),
        (RefCompta(25, "12"), "003", [("exercice", "exercice_format")]),
        (RefCompta(2025, "12", type_bordereau="11"), "003", [("type_bordereau", "type_bordereau")]),
        (RefCompta(2025, "12", domaine="03"), "003", [("domaine", "domaine")]),
        (RefCompta(2025, "12", domaine="02"), "003", [("type_pj", "type_pj_domaine")]),
        (RefCompta(2025, "12", domaine="02"), "002", []),
        (RefCompta(2025, "12"), "006", []),
    ],
)
def test_ref_compta_checks(ref, type_pj, expected):
    assert [(e.field, e.code) for e in validate_ref_compta(ref, type_pj)] == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("F2025/0001", 2025, "Société Générale & Fils", "PDF"),
            "Facture_F2025-0001_2025_Societe-Generale-Fils.pdf",
        ),
        (("  ", 2024, "", ".xml"), "Facture_SN_2024_Fournisseur.xml"),
        (("A-1", "2025", "Łódź Sp. z o.o.", "pdf"), "Facture_A-1_2025_Lodz-Sp-z-o-o.pdf"),
        (("N" * 80, 2025, "S" * 80, "pdf"), "Facture_" + "N" * 66 + "_2025_" + "S" * 16 + ".pdf"),
    ],
)
def test_pj_name(args, expected):
    assert pj_name(*args) == expected
    assert len(pj_name(*args)) <= 100


def test_pj_name_refuses_an_extension_helios_rejects():
    with pytest.raises(ValueError, match="extension"):
        pj_name("1", 2025, "S", "jpeg2")


def test_unique_name_suffixes_before_the_extension_ignoring_case():
    taken = set()
    names = [unique_name(name, taken) for name in ("A.pdf", "a.PDF", "A.pdf", "B.pdf")]

    assert names == ["A.pdf", "a_2.PDF", "A_3.pdf", "B.pdf"]


def test_unique_name_stays_within_the_length_limit():
    taken = set()
    long_name = "F" * 96 + ".pdf"
    unique_name(long_name, taken)

    assert unique_name(long_name, taken) == "F" * 94 + "_2.pdf"


def test_id_unique_known_answers():
    assert id_unique("21340172201787", "invoice-1") == "21340172201787CHOFW5IX7GANMWHBMXPKDUFIO7VY6"
    assert id_unique("21340172201787", "invoice-2") != id_unique("21340172201787", "invoice-1")
    assert id_unique("21340172201795", "invoice-1") != id_unique("21340172201787", "invoice-1")


def test_nom_fic_is_safe_and_numbered():
    assert nom_fic("PESALR1_21340172201787_20250314101500", 2) == "PESALR1_21340172201787_20250314101500_002"
    assert nom_fic("export été #3", 1) == "export-t-3_001"
    assert len(nom_fic("x" * 200, 1)) == 100


@pytest.mark.parametrize(
    ("text", "expected", "changed"),
    [
        ("Société Générale", "Société Générale", False),
        ("  two\tlines\nhere  ", "two lines here", False),
        ("北京公司", "BeiJingGongSi", True),
        ("Café 😀 Ltd", "Café Ltd", True),
        ("Œuvre – “prix” 10 €", 'Oeuvre - "prix" 10 EUR', True),
        ("ﬁne ｆｕｌｌ", "fine full", True),
        ("zero\u200bwidth", "zerowidth", True),
        ("ctrl\x01\x85", "ctrl", True),
    ],
)
def test_to_latin1(text, expected, changed):
    assert to_latin1(text) == (expected, changed)
    expected.encode("iso-8859-1")
