"""Fitting free text into a PES file: ISO-8859-1 only, schema lengths, schema text rules.

Hélios reads PES files as ISO-8859-1, so a character outside Latin-1 (another script, an emoji, a
typographic sign such as the euro) is transliterated rather than written as a character reference that
downstream tools would show verbatim.
"""

from __future__ import annotations

import unicodedata

from anyascii import anyascii

# maxLength of the V attribute in schemas_pes_v5.17 (PES_V2/Simple_Type.xsd).
NOM_PJ_MAX = 100  # PJ/NomPJ: Base_NomPJ, pattern .+\.[A-Za-z0-9]{2,4}
DESCRIPTION_MAX = 250  # PJ/Description: Base_Texte250 (required)
ID_UNIQUE_MAX = 50  # PJ/IdUnique: Base_Alphanum50, [0-9a-zA-Z]*
NOM_FIC_MAX = 100  # Parametres/NomFic: Base_Texte100
TYP_FIC_MAX = 32  # Parametres/TypFic: Base_Texte32
SIGLE_MAX = 32  # Emetteur/Sigle: Base_Texte32
ADRESSE_MAX = 38  # Emetteur/Adresse: Base_Texte38
LIBELLE_MAX = 38  # EnTetePES/LibelleColBud and LibellePoste: Base_Texte38
IDENTIFIANT_MAX = 20  # RefCompta/Identifiant: Base_IdentifiantPJ20, [0-9a-zA-Z/_]*
COMPLEMENT_MAX = 20  # RefCompta/ComplementIdentifiant: Base_Alphanum20


def _latin1_printable(ch: str) -> bool:
    # C0 and C1 controls encode in Latin-1 but are either forbidden by XML 1.0 or invisible garbage.
    return ord(ch) <= 0xFF and not unicodedata.category(ch).startswith("C")


def _transliterate(ch: str) -> str:
    if unicodedata.category(ch).startswith("C"):
        return ""
    folded = unicodedata.normalize("NFKC", ch)
    if all(_latin1_printable(c) for c in folded):
        return folded
    ascii_text = anyascii(ch)
    # anyascii spells emoji as ":name:", which reads as noise in a supplier name or a description.
    if len(ascii_text) > 2 and ascii_text.startswith(":") and ascii_text.endswith(":"):
        return ""
    return ascii_text


def to_latin1(text: str) -> tuple[str, bool]:
    """Return `text` with whitespace collapsed and every non-Latin-1 character transliterated.

    The flag says whether a character was transliterated or dropped (worth a report line);
    whitespace collapsing alone does not count as a change.
    """
    text = unicodedata.normalize("NFC", text or "")
    out = []
    changed = False
    for ch in text:
        if ch.isspace():
            out.append(" ")
        elif _latin1_printable(ch):
            out.append(ch)
        else:
            changed = True
            out.append(_transliterate(ch))
    return " ".join("".join(out).split()), changed


def truncate(text: str, max_length: int) -> tuple[str, bool]:
    """Cut `text` to `max_length` characters (one byte each in ISO-8859-1); the flag says if it was cut."""
    if len(text) <= max_length:
        return text, False
    return text[:max_length].rstrip(), True


def schema_text_ok(value: str) -> bool:
    """Whether a value passes the base text rules every PES text type inherits.

    V_BaseString refuses "", " ", "." and "nc"; V_BaseAlphanum also refuses a value made only of zeros.
    """
    return value not in ("", " ", ".", "nc") and value.strip("0") != ""
