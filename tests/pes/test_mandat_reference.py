"""A mandat reference typed by a person is held to the formats of the PES expense flow (known answers)."""

import re

import pytest

from invoices.pes.core import RefCompta, check_mandat_reference, mandat_ref_compta, validate_ref_compta
from invoices.pes.core.mandat import normalize_number, number_pattern


def codes(*args, **kwargs) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in check_mandat_reference(*args, **kwargs)]


@pytest.mark.parametrize(
    ("exercice", "bordereau", "numero", "ligne"),
    [
        ("2025", "12", "4711", "1"),
        (2025, "0012", "00004711", ""),
        (" 2024 ", " 1 ", "12345678", "123456"),
        ("2025", "1234567", "1", None),
    ],
)
def test_a_reference_of_a_real_mandat_passes(exercice, bordereau, numero, ligne):
    assert check_mandat_reference(exercice, bordereau, numero, ligne, current_year=2025) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("", "12", "4711"), [("exercice", "required")]),
        ((None, "12", "4711"), [("exercice", "required")]),
        (("25", "12", "4711"), [("exercice", "exercice_format")]),
        (("0999", "12", "4711"), [("exercice", "exercice_format")]),
        (("2025a", "12", "4711"), [("exercice", "exercice_format")]),
        (("2025", "", "4711"), [("bordereau", "required")]),
        (("2025", "0", "4711"), [("bordereau", "bordereau_format")]),
        (("2025", "12345678", "4711"), [("bordereau", "bordereau_format")]),
        (("2025", "12A", "4711"), [("bordereau", "bordereau_format")]),
        (("2025", "-1", "4711"), [("bordereau", "bordereau_format")]),
        (("2025", "12", ""), [("numero", "required")]),
        (("2025", "12", "123456789"), [("numero", "numero_format")]),
        (("2025", "12", "00000000"), [("numero", "numero_format")]),
        # Allowed in a RefCompta (marchés use it), never in a mandat number (IdPce, Base_Num8).
        (("2025", "12", "MANDAT/1"), [("numero", "numero_format")]),
        (("2025", "12", "4_711"), [("numero", "numero_format")]),
        (("2025", "12", "١٢"), [("numero", "numero_format")]),
        (("2025", "12", "4711", "0"), [("ligne", "ligne_format")]),
        (("2025", "12", "4711", "1234567"), [("ligne", "ligne_format")]),
        (("2025", "12", "4711", "L1"), [("ligne", "ligne_format")]),
        (
            ("", "", "", "x"),
            [
                ("exercice", "required"),
                ("bordereau", "required"),
                ("numero", "required"),
                ("ligne", "ligne_format"),
            ],
        ),
    ],
)
def test_each_wrong_part_is_named_by_its_field(args, expected):
    assert codes(*args) == expected


def test_an_exercice_not_begun_is_refused_with_its_year():
    [error] = check_mandat_reference("2026", "12", "4711", current_year=2025)

    assert (error.field, error.code) == ("exercice", "exercice_future")
    assert error.message_fr == "L'exercice 2026 n'est pas encore ouvert."
    assert error.message_en == "Exercice 2026 is not open yet."
    assert check_mandat_reference("2026", "12", "4711") == []


def test_every_refusal_speaks_french_and_english():
    errors = check_mandat_reference("x", "0", "123456789", "0")

    assert [e.message_fr for e in errors] == [
        "L'exercice est une année sur 4 chiffres.",
        "Le numéro de bordereau compte 1 à 7 chiffres et dépasse 0 (IdBord du PES dépense).",
        "Le numéro de mandat compte 1 à 8 chiffres et dépasse 0 (IdPce du PES dépense).",
        "Le numéro de ligne compte 1 à 6 chiffres et dépasse 0 (IdLigne du PES dépense).",
    ]
    assert all(e.message_en for e in errors)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0042 ", "42"), (" 4 2", "42"), ("0", "0"), ("000", "0"), ("", ""), (None, ""), (7, "7")],
)
def test_numbers_are_written_without_spaces_or_leading_zeros(value, expected):
    assert normalize_number(value) == expected


def test_a_checked_reference_gives_the_refcompta_hélios_expects():
    ref = mandat_ref_compta("2025", "0042", "001")

    assert ref == RefCompta(exercice=2025, id_pce="42", id_ligne="1", type_bordereau="01", domaine="01")
    assert validate_ref_compta(ref) == []
    assert mandat_ref_compta(2025, "42", type_bordereau="02").type_bordereau == "02"
    assert mandat_ref_compta(2025, "42").id_ligne == ""


@pytest.mark.parametrize("part", ["bordereau", "numero", "ligne"])
@pytest.mark.parametrize(
    "value",
    [
        "1",
        "0012",
        " 1 2 ",
        "1234567",
        "12345678",
        "123456789",
        "0000000001",
        "0",
        "00",
        " ",
        "",
        "12A",
        "-1",
        "+1",
        "1.0",
        "١٢",
        "1\u00a02",
        "\t7\n",
        "0 0 5",
    ],
)
def test_the_schema_pattern_of_a_number_takes_what_the_check_takes(part, value):
    """The API documents each part given by `number_pattern`: a value fits it exactly when it is not blank
    and the check lets it pass."""
    args = {"bordereau": "1", "numero": "1", "ligne": "", part: value}
    errors = [e for e in check_mandat_reference("2025", **args) if e.field == part]
    accepted = not errors and normalize_number(value) != ""
    assert bool(re.fullmatch(number_pattern(part), value)) is accepted
