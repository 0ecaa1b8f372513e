"""Identifier checks for structures, on python-stdnum (pure, no Django)."""

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as fr_siret


def normalise(id_type: str, value: str) -> str:
    value = (value or "").strip()
    if id_type in ("siret", "tahiti", "ridet"):
        return "".join(ch for ch in value if ch.isalnum()).upper()
    if id_type == "tva_ue":
        return eu_vat.compact(value)
    return value


def is_valid_siret(value: str) -> bool:
    return fr_siret.is_valid(value or "")


def siren_of(siret: str) -> str:
    return fr_siret.to_siren(siret) if is_valid_siret(siret) else ""


def check(id_type: str, value: str, *, country: str = "FR") -> str | None:
    """Return a French error message, or None when the identifier is well formed."""
    value = normalise(id_type, value)
    if not value:
        return "L'identifiant est obligatoire."
    if id_type == "siret":
        if not value.isdigit() or len(value) != 14:
            return "Un SIRET compte 14 chiffres."
        try:
            fr_siret.validate(value)
        except StdnumError:
            return "Ce SIRET est invalide (clé de contrôle de Luhn)."
        return None
    if id_type == "tva_ue":
        if value.upper().startswith("FR"):
            return "Une entreprise française s'identifie par son SIRET."
        return None if eu_vat.is_valid(value) else "Ce numéro de TVA intracommunautaire est invalide."
    if id_type == "ridet":
        digits = value[:7]
        return None if digits.isdigit() and 6 <= len(value) <= 10 else "Un RIDET compte 7 chiffres (suivis de l'établissement)."
    if id_type == "tahiti":
        return None if len(value) in (6, 9) and value.isalnum() else "Un numéro TAHITI compte 6 caractères (9 avec l'établissement)."
    if id_type in ("hors_ue", "particulier"):
        return None if len(value) <= 40 else "Identifiant trop long (40 caractères au plus)."
    return "Type d'identifiant inconnu."


__all__ = ["check", "is_valid_siret", "normalise", "siren_of"]
