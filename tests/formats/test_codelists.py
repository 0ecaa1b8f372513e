"""Known answers of the code-list labels: units (UN/ECE Rec. 20/21), note subjects (UNTDID 4451), formats."""

import pytest

from invoices.formats import codelists


@pytest.mark.parametrize(
    ("code", "french", "english"),
    [
        ("C62", "unité", "unit"),
        ("H87", "pièce", "piece"),
        ("HUR", "heure", "hour"),
        ("DAY", "jour", "day"),
        ("KGM", "kilogramme", "kilogram"),
        ("MTR", "mètre", "metre"),
        ("LTR", "litre", "litre"),
        ("EA", "unité", "each"),
        ("XPP", "pièce", "piece"),
    ],
)
def test_common_units_have_a_name_in_both_languages(code, french, english):
    assert codelists.unit_label(code, "fr") == french
    assert codelists.unit_label(code, "en") == english


def test_an_unknown_unit_shows_its_code_and_no_unit_shows_nothing():
    assert codelists.unit_label("XYZ") == "XYZ"
    assert codelists.unit_label(None) == ""


@pytest.mark.parametrize(
    ("code", "french"),
    [
        ("PMT", "Informations de paiement"),
        ("PMD", "Détail du paiement"),
        ("AAB", "Conditions de paiement"),
        ("SUR", "Remarques du fournisseur"),
        ("REG", "Informations réglementaires"),
        ("ABL", "Information légale"),
        ("TXD", "Déclaration fiscale"),
        ("CUS", "Informations douanières"),
    ],
)
def test_note_subjects_have_a_french_name(code, french):
    assert codelists.note_subject_label(code, "fr") == french
    assert codelists.note_subject_label(code, "en")


def test_notes_are_split_on_their_subject_prefix_and_keep_their_continuation_lines():
    note = (
        "Merci de votre confiance.\n#PMT#Indemnité : 40 EUR.\n"
        "#PMD#Pénalités de retard :\ntrois fois le taux légal."
    )
    assert codelists.split_notes(note) == [
        ("", "Merci de votre confiance."),
        ("PMT", "Indemnité : 40 EUR."),
        ("PMD", "Pénalités de retard :\ntrois fois le taux légal."),
    ]
    assert codelists.split_notes(None) == []


@pytest.mark.parametrize(
    ("fmt", "profile", "french", "english"),
    [
        ("facturx", "EN16931", "Factur-X (profil EN 16931)", "Factur-X (EN 16931 profile)"),
        ("facturx", "BASIC WL", "Factur-X (profil BASIC WL)", "Factur-X (BASIC WL profile)"),
        ("ubl", "UBL", "UBL 2.1", "UBL 2.1"),
        ("ubl", "EN16931", "UBL 2.1 (EN 16931)", "UBL 2.1 (EN 16931)"),
        ("cii", "XRECHNUNG", "UN/CEFACT CII (XRechnung)", "UN/CEFACT CII (XRechnung)"),
        ("cii", "CII", "UN/CEFACT CII", "UN/CEFACT CII"),
        ("pdf", "", "PDF sans données structurées", "PDF without structured data"),
    ],
)
def test_formats_read_as_names_with_their_profile(fmt, profile, french, english):
    assert codelists.format_label(fmt, profile, "fr") == french
    assert codelists.format_label(fmt, profile, "en") == english
