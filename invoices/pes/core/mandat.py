"""Checks of a mandat reference typed by a person (exercice, bordereau, numéro, ligne) against PES formats.

The reference must name a mandat the financial software really sent in a PES dépense flow, so each part
is held to the type of that flow (schemas_pes_v5.17, PES_V2/NS_Depense/r0), stricter than the RefCompta
of a PJ (which also serves other domains and admits letters, '/' and '_'):

* exercice: Exer, xs:gYear (Class_BordereauDepenseAller.xsd); 4 digits, and not a year still to come;
* bordereau: IdBord, Base_Num7 (same file): 1 to 7 digits, above 0;
* numéro: IdPce, Base_Num8 (Class_MandatAller.xsd): 1 to 8 digits, above 0;
* ligne: IdLigne, Base_Num6 (Class_LigneMandatAller.xsd): 1 to 6 digits, above 0; optional, since the
  RefCompta's ComplementIdentifiant is (the PJ is then seen from every line of the mandat).

A reference that passes also fits the RefCompta (Identifiant: V_IdentifiantPJ20; ComplementIdentifiant:
V_Alphanum20) and the acknowledgement's NumBord/NumPiece/NumLigne.
"""

from __future__ import annotations

import re

from invoices.pes.core.errors import FieldError
from invoices.pes.core.model import RefCompta

MANDAT_FIELDS = ("exercice", "bordereau", "numero", "ligne")
_DIGITS = {"bordereau": 7, "numero": 8, "ligne": 6}
_YEAR = re.compile(r"[1-9][0-9]{3}")
_MESSAGES = {
    "required": ("Ce champ est obligatoire.", "This field is required."),
    "exercice_format": ("L'exercice est une année sur 4 chiffres.", "The exercice is a 4-digit year."),
    "exercice_future": (
        "L'exercice {value} n'est pas encore ouvert.",
        "Exercice {value} is not open yet.",
    ),
    "bordereau_format": (
        "Le numéro de bordereau compte 1 à 7 chiffres et dépasse 0 (IdBord du PES dépense).",
        "The bordereau number has 1 to 7 digits and is above 0 (IdBord of the PES expense flow).",
    ),
    "numero_format": (
        "Le numéro de mandat compte 1 à 8 chiffres et dépasse 0 (IdPce du PES dépense).",
        "The mandat number has 1 to 8 digits and is above 0 (IdPce of the PES expense flow).",
    ),
    "ligne_format": (
        "Le numéro de ligne compte 1 à 6 chiffres et dépasse 0 (IdLigne du PES dépense).",
        "The line number has 1 to 6 digits and is above 0 (IdLigne of the PES expense flow).",
    ),
}


def _error(field: str, code: str, **values) -> FieldError:
    fr, en = _MESSAGES[code]
    return FieldError(field=field, code=code, message_fr=fr.format(**values), message_en=en.format(**values))


def normalize_number(value) -> str:
    """The number as PES writes it: spaces dropped, leading zeros dropped ('0042 ' → '42'); '' if empty."""
    text = "".join(str(value if value is not None else "").split())
    stripped = text.lstrip("0")
    return stripped or text[:1]


def _number_error(field: str, value) -> FieldError | None:
    text = normalize_number(value)
    if not text:
        return None if field == "ligne" else _error(field, "required")
    if not text.isascii() or not text.isdigit() or int(text) == 0 or len(text) > _DIGITS[field]:
        return _error(field, f"{field}_format")
    return None


def number_pattern(field: str) -> str:
    """What `check_mandat_reference` takes for a number part that is given, as a regular expression to match
    whole (for the API schema): digits with white space anywhere and leading zeros, above 0, at most the
    part's count of digits."""
    return rf"\s*(?:0\s*)*[1-9](?:\s*[0-9]){{0,{_DIGITS[field] - 1}}}\s*"


def format_error(field: str) -> FieldError:
    """The refusal of a number part outside its format."""
    return _error(field, f"{field}_format")


def check_mandat_reference(
    exercice, bordereau, numero, ligne="", *, current_year: int | None = None
) -> list[FieldError]:
    """Every reason why this is not a mandat reference of a PES expense flow, by field; empty when valid.

    `current_year`, when given, refuses an exercice after it (a mandat cannot belong to a year not begun).
    """
    errors = []
    year = "".join(str(exercice if exercice is not None else "").split())
    if not year:
        errors.append(_error("exercice", "required"))
    elif not _YEAR.fullmatch(year):
        errors.append(_error("exercice", "exercice_format"))
    elif current_year is not None and int(year) > current_year:
        errors.append(_error("exercice", "exercice_future", value=year))
    for field, value in (("bordereau", bordereau), ("numero", numero), ("ligne", ligne)):
        error = _number_error(field, value)
        if error is not None:
            errors.append(error)
    return errors


def mandat_ref_compta(exercice, numero, ligne="", *, type_bordereau: str = "01") -> RefCompta:
    """The RefCompta naming a checked mandat (Domaine 01); the bordereau number has no place in it.

    `type_bordereau` is the TypeObjet: 01 for an ordinary mandat, 02 for an annulation/réduction one (see
    `credit_note`). Call `check_mandat_reference` first: this only normalises.
    """
    return RefCompta(
        exercice=int(str(exercice).strip()),
        id_pce=normalize_number(numero),
        id_ligne=normalize_number(ligne),
        type_bordereau=type_bordereau,
        domaine="01",
    )
