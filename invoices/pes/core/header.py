"""Pure checks of the PES parameters, returning errors named by field (for forms and for the writer)."""

from __future__ import annotations

import re

from stdnum.fr import siret

from invoices.pes.core.errors import FieldError
from invoices.pes.core.model import DOMAINE_TYPES_PJ, TYPE_PJ_LABELS, PesHeader, RefCompta
from invoices.pes.core.text import ADRESSE_MAX, COMPLEMENT_MAX, IDENTIFIANT_MAX, SIGLE_MAX, schema_text_ok

TYP_FIC_VALUES = ("PESALR1", "PESALR2")

# Patterns of schemas_pes_v5.17, Simple_Type.xsd.
_ID_POST = re.compile(r"02[AB][0-9]{3,4}|[0-9]{6,7}")  # V_TexteCodique7
_COD_COL = re.compile(r"[0-9]{3}")  # V_CodeCol3 (and not 000: V_BaseAlphanum)
_COD_BUD = re.compile(r"[0-9A-Z][0-9]")  # V_CodeBud2 (xs:string based: 00 is valid)
_FIN_JUR = re.compile(r"[0-9A-Za-z]{1,20}")  # V_Alphanum20_Light
_IDENTIFIANT = re.compile(rf"[0-9A-Za-z/_]{{1,{IDENTIFIANT_MAX}}}")  # V_IdentifiantPJ20
_COMPLEMENT = re.compile(rf"[0-9A-Za-z]{{1,{COMPLEMENT_MAX}}}")  # V_Alphanum20

_MESSAGES = {
    "required": ("Ce paramètre est obligatoire.", "This parameter is required."),
    "siret_format": ("Le SIRET doit compter 14 chiffres.", "The SIRET must have 14 digits."),
    "siret_checksum": (
        "Ce SIRET n'est pas valide (clé de contrôle).",
        "This SIRET is invalid (check digit).",
    ),
    "id_post_format": (
        "Le poste comptable est un codique de 6 ou 7 chiffres, ou 02A/02B suivi de 3 ou 4 chiffres.",
        "The IdPost is a 6- or 7-digit codique, or 02A/02B followed by 3 or 4 digits.",
    ),
    "cod_col_format": (
        "Le code collectivité compte 3 chiffres (000 est refusé).",
        "CodCol is 3 digits (000 is refused).",
    ),
    "cod_bud_format": (
        "Le code budget compte 2 caractères : un chiffre ou une majuscule, puis un chiffre.",
        "CodBud is 2 characters: a digit or capital letter, then a digit.",
    ),
    "fin_jur_format": (
        "Le FINESS juridique compte au plus 20 lettres ou chiffres.",
        "FinJur is at most 20 letters or digits.",
    ),
    "typ_fic": ("TypFic doit valoir PESALR1 ou PESALR2.", "TypFic must be PESALR1 or PESALR2."),
    "too_long": ("Valeur trop longue pour le schéma PES.", "Value too long for the PES schema."),
    "text_invalid": ("Valeur refusée par le schéma PES.", "Value refused by the PES schema."),
    "not_latin1": (
        "Seuls les caractères ISO-8859-1 sont admis.",
        "Only ISO-8859-1 characters are accepted.",
    ),
    "exercice_format": ("L'exercice est une année sur 4 chiffres.", "The exercice is a 4-digit year."),
    "id_pce_format": (
        "Le numéro de mandat compte 1 à 20 lettres, chiffres, / ou _ (pas seulement des zéros).",
        "The mandat number is 1 to 20 letters, digits, / or _ (not only zeros).",
    ),
    "id_ligne_format": (
        "Le numéro de ligne compte 1 à 20 lettres ou chiffres (pas seulement des zéros).",
        "The line number is 1 to 20 letters or digits (not only zeros).",
    ),
    "type_bordereau": ("Le type de bordereau va de 01 à 10.", "The bordereau type ranges from 01 to 10."),
    "domaine": ("Le domaine vaut 01, 02, 04 ou 06.", "The domain is 01, 02, 04 or 06."),
    "type_pj": ("Type de PJ inconnu du schéma PES.", "TypePJ unknown to the PES schema."),
    "type_pj_domaine": (
        "Ce type de PJ n'est pas admis par Hélios avec ce domaine de RefCompta.",
        "Hélios refuses this TypePJ with this RefCompta domain.",
    ),
}


def field_error(field: str, code: str) -> FieldError:
    fr, en = _MESSAGES[code]
    return FieldError(field=field, code=code, message_fr=fr, message_en=en)


def siret_error(value: str, field: str = "id_coll") -> FieldError | None:
    """The error for a SIRET (14 digits, Luhn key, La Poste exception handled by python-stdnum), or None."""
    value = (value or "").strip()
    if not value:
        return field_error(field, "required")
    if not re.fullmatch(r"[0-9]{14}", value):
        return field_error(field, "siret_format")
    if not siret.is_valid(value):
        return field_error(field, "siret_checksum")
    return None


def _pattern_error(
    value: str,
    field: str,
    pattern: re.Pattern,
    code: str,
    *,
    required: bool = True,
    base_alphanum: bool = True,
):
    """`base_alphanum`: the schema type derives from V_BaseAlphanum, which refuses a value of zeros only."""
    if not value:
        return field_error(field, "required") if required else None
    if not pattern.fullmatch(value) or (base_alphanum and not schema_text_ok(value)):
        return field_error(field, code)
    return None


def _text_error(value: str, field: str, max_length: int) -> FieldError | None:
    if not (value or "").strip():
        return field_error(field, "required")
    if len(value) > max_length:
        return field_error(field, "too_long")
    try:
        value.encode("iso-8859-1")
    except UnicodeEncodeError:
        return field_error(field, "not_latin1")
    if not schema_text_ok(value):
        return field_error(field, "text_invalid")
    return None


def validate_header(header: PesHeader) -> list[FieldError]:
    """Every reason why `header` cannot produce a valid PES_Aller, by field; empty when it can.

    The free-text libellés are not checked here: the writer transliterates and truncates them, with a
    report line.
    """
    errors = [
        _pattern_error(header.id_post, "id_post", _ID_POST, "id_post_format"),
        siret_error(header.id_coll),
        _pattern_error(header.cod_col, "cod_col", _COD_COL, "cod_col_format"),
        _pattern_error(header.cod_bud, "cod_bud", _COD_BUD, "cod_bud_format", base_alphanum=False),
        _pattern_error(
            header.fin_jur, "fin_jur", _FIN_JUR, "fin_jur_format", required=False, base_alphanum=False
        ),
        None if header.typ_fic in TYP_FIC_VALUES else field_error("typ_fic", "typ_fic"),
        _text_error(header.emetteur_sigle, "emetteur_sigle", SIGLE_MAX),
        _text_error(header.emetteur_adresse, "emetteur_adresse", ADRESSE_MAX),
    ]
    return [e for e in errors if e is not None]


def validate_ref_compta(ref: RefCompta, type_pj: str = "003") -> list[FieldError]:
    """Every reason why Hélios would reject this RefCompta for a PJ of `type_pj`, named by RefCompta field."""
    errors = []
    if not (isinstance(ref.exercice, int) and 1000 <= ref.exercice <= 9999):
        errors.append(field_error("exercice", "exercice_format"))
    id_pce = str(ref.id_pce or "")
    if not id_pce:
        # minOccurs=0 in the schema, but the documentation says Hélios rejects a RefCompta without it.
        errors.append(field_error("id_pce", "required"))
    elif not _IDENTIFIANT.fullmatch(id_pce) or not schema_text_ok(id_pce):
        errors.append(field_error("id_pce", "id_pce_format"))
    id_ligne = str(ref.id_ligne or "")
    if id_ligne and (not _COMPLEMENT.fullmatch(id_ligne) or not schema_text_ok(id_ligne)):
        errors.append(field_error("id_ligne", "id_ligne_format"))
    if ref.type_bordereau not in {f"{n:02d}" for n in range(1, 11)}:
        errors.append(field_error("type_bordereau", "type_bordereau"))
    if ref.domaine not in DOMAINE_TYPES_PJ:
        errors.append(field_error("domaine", "domaine"))
    elif type_pj in TYPE_PJ_LABELS and type_pj not in DOMAINE_TYPES_PJ[ref.domaine]:
        errors.append(field_error("type_pj", "type_pj_domaine"))
    return errors
