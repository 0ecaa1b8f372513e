"""Identifier checks for structures, on python-stdnum (pure, no Django).

`check` returns a message (French, marked for translation: callers pass it through `gettext`) or None.
SIRET: 14 digits with the Luhn key (stdnum also knows La Poste's establishments, whose key is the sum of
the digits modulo 5), the SIREN being its first nine digits. EU VAT numbers are checked by stdnum per
country; France is left out because a French company identifies itself by its SIRET. RIDET and TAHITI
numbers have no public check digit: only their shape is checked. Every function here answers for any string:
a malformed identifier is a message, never an exception (stdnum raises on an unknown VAT country prefix).
"""

import re

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as fr_siret

SIRET = "siret"
EU_VAT = "tva_ue"
NON_EU = "hors_ue"
RIDET = "ridet"
TAHITI = "tahiti"
PRIVATE_PERSON = "particulier"
ID_TYPES = (SIRET, EU_VAT, NON_EU, RIDET, TAHITI, PRIVATE_PERSON)
MAX_LENGTH = 40


def gettext_noop(message: str) -> str:
    """Marks a message for extraction by makemessages without importing Django."""
    return message


REQUIRED = gettext_noop("L'identifiant est obligatoire.")
SIRET_LENGTH = gettext_noop("Un SIRET compte 14 chiffres.")
SIRET_KEY = gettext_noop("Ce SIRET est invalide (clé de contrôle de Luhn).")
VAT_FRENCH = gettext_noop("Une entreprise française s'identifie par son SIRET.")
VAT_INVALID = gettext_noop("Ce numéro de TVA intracommunautaire est invalide.")
RIDET_SHAPE = gettext_noop(
    "Un RIDET compte 6 ou 7 chiffres, suivis des 3 chiffres de l'établissement le cas échéant."
)
TAHITI_SHAPE = gettext_noop(
    "Un numéro TAHITI compte 6 caractères, suivis des 3 chiffres de l'établissement le cas échéant."
)
TOO_LONG = gettext_noop("Identifiant trop long (40 caractères au plus).")
BAD_CHARACTERS = gettext_noop("L'identifiant contient des caractères non admis.")
UNKNOWN_TYPE = gettext_noop("Type d'identifiant inconnu.")

# ASCII only: "١٢٣٤٥٦" is made of digits for Python, not for a register.
_RIDET = re.compile(r"[0-9]{6,7}([0-9]{3})?")
_TAHITI = re.compile(r"[A-Z0-9]{6}([0-9]{3})?")
_FREE_FORM = re.compile(r"[\w][\w .\-/]*")
_SEPARATORS = str.maketrans("", "", "-./")
_VAT_SEPARATORS = str.maketrans("", "", " -./,\t")


def _compact_vat(value: str) -> str:
    """An EU VAT number without separators, upper case; stdnum's own form when it knows the country."""
    try:
        return eu_vat.compact(value)
    except StdnumError:  # an unknown country prefix, or no prefix: check() says so
        return value.translate(_VAT_SEPARATORS).upper()


def normalise(id_type: str, value: str) -> str:
    """The stored form: separators removed for numbers that have none, surrounding spaces stripped."""
    value = (value or "").strip()
    if id_type in (SIRET, TAHITI, RIDET):
        # Only separators go: "<script>" must not become the TAHITI number "SCRIPT".
        kept = "".join(value.split()).translate(_SEPARATORS)
        # Upper-casing "ﬀ" gives "FF": only ASCII is upper-cased, anything else is left for check() to refuse.
        return kept.upper() if kept.isascii() else kept
    if id_type == EU_VAT:
        return _compact_vat(value)
    return " ".join(value.split())


def is_valid_siret(value: str) -> bool:
    return fr_siret.is_valid(value or "")


def siren_of(siret: str) -> str:
    """The SIREN (company) of a valid SIRET (establishment), or ''."""
    return fr_siret.to_siren(siret) if is_valid_siret(siret) else ""


def check(id_type: str, value: str, *, country: str = "FR") -> str | None:
    """Return an error message, or None when the identifier is well formed (after `normalise`)."""
    value = normalise(id_type, value)
    if not value:
        return REQUIRED
    if len(value) > MAX_LENGTH:
        return TOO_LONG
    if id_type == SIRET:
        if not (value.isascii() and value.isdigit()) or len(value) != 14:
            return SIRET_LENGTH
        try:
            fr_siret.validate(value)
        except StdnumError:
            return SIRET_KEY
        return None
    if id_type == EU_VAT:
        if value.startswith("FR"):
            return VAT_FRENCH
        return None if eu_vat.is_valid(value) else VAT_INVALID
    if id_type == RIDET:
        return None if _RIDET.fullmatch(value) else RIDET_SHAPE
    if id_type == TAHITI:
        return None if _TAHITI.fullmatch(value) else TAHITI_SHAPE
    if id_type in (NON_EU, PRIVATE_PERSON):
        return None if _FREE_FORM.fullmatch(value) else BAD_CHARACTERS
    return UNKNOWN_TYPE


def vat_country(value: str) -> str:
    """The ISO country of an EU VAT number ('EL' is Greece: GR), or ''."""
    prefix = _compact_vat((value or "").strip())[:2]
    if len(prefix) != 2 or not (prefix.isascii() and prefix.isalpha()):
        return ""
    return "GR" if prefix == "EL" else prefix


__all__ = ["ID_TYPES", "check", "is_valid_siret", "normalise", "siren_of", "vat_country"]
