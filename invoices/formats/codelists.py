"""Labels of the codes an invoice carries, for people: units, note subjects, formats and profiles.

Pure tables (no Django): each label is a (French, English) pair and `label(…, lang)` picks one. The codes
come from the EN 16931 code lists: UN/ECE Recommendations 20 and 21 for units of measure (BT-130), UNTDID
4451 for the subject of a note (BT-21, written `#PMT#…` at the start of a UBL note by the French CTC usage).
Only the common codes are named; any other shows as its code.
"""

import re

# UN/ECE Recommendation 20 (and 21 for the X… packaging codes): the units seen on public-sector invoices.
UNITS: dict[str, tuple[str, str]] = {
    "C62": ("unité", "unit"),
    "H87": ("pièce", "piece"),
    "EA": ("unité", "each"),
    "XPP": ("pièce", "piece"),
    "XPK": ("paquet", "package"),
    "XBX": ("boîte", "box"),
    "SET": ("lot", "set"),
    "PR": ("paire", "pair"),
    "LS": ("forfait", "lump sum"),
    "E48": ("prestation", "service unit"),
    "ZZ": ("unité convenue", "mutually defined unit"),
    "P1": ("pour cent", "per cent"),
    "SEC": ("seconde", "second"),
    "MIN": ("minute", "minute"),
    "HUR": ("heure", "hour"),
    "DAY": ("jour", "day"),
    "WEE": ("semaine", "week"),
    "MON": ("mois", "month"),
    "ANN": ("année", "year"),
    "GRM": ("gramme", "gram"),
    "KGM": ("kilogramme", "kilogram"),
    "TNE": ("tonne", "tonne"),
    "MMT": ("millimètre", "millimetre"),
    "CMT": ("centimètre", "centimetre"),
    "MTR": ("mètre", "metre"),
    "KMT": ("kilomètre", "kilometre"),
    "MTK": ("mètre carré", "square metre"),
    "MTQ": ("mètre cube", "cubic metre"),
    "MLT": ("millilitre", "millilitre"),
    "LTR": ("litre", "litre"),
    "KWH": ("kilowattheure", "kilowatt hour"),
    "MWH": ("mégawattheure", "megawatt hour"),
    "KWT": ("kilowatt", "kilowatt"),
}

# UNTDID 4451, text subject qualifiers: the ones EN 16931 invoices (and the French mandatory mentions) use.
NOTE_SUBJECTS: dict[str, tuple[str, str]] = {
    "AAB": ("Conditions de paiement", "Terms of payments"),
    "AAI": ("Information générale", "General information"),
    "AAK": ("Informations sur le prix", "Price conditions"),
    "ABL": ("Information légale", "Government information"),
    "ACB": ("Information complémentaire", "Additional information"),
    "ADU": ("Note", "Note"),
    "BLU": ("Informations sur les déchets", "Waste information"),
    "CUS": ("Informations douanières", "Customs declaration information"),
    "PMD": ("Détail du paiement", "Payment detail/remittance information"),
    "PMT": ("Informations de paiement", "Payment information"),
    "PRF": ("Informations de prix", "Price information"),
    "REG": ("Informations réglementaires", "Regulatory information"),
    "SUR": ("Remarques du fournisseur", "Supplier remarks"),
    "TXD": ("Déclaration fiscale", "Tax declaration"),
    "ZZZ": ("Note convenue", "Mutually defined"),
}

FORMATS: dict[str, tuple[str, str]] = {
    "facturx": ("Factur-X", "Factur-X"),
    "cii": ("UN/CEFACT CII", "UN/CEFACT CII"),
    "ubl": ("UBL 2.1", "UBL 2.1"),
    "pdf": ("PDF sans données structurées", "PDF without structured data"),
}

PROFILES: dict[str, str] = {
    "MINIMUM": "MINIMUM",
    "BASIC WL": "BASIC WL",
    "BASIC": "BASIC",
    "EN16931": "EN 16931",
    "EXTENDED": "EXTENDED",
    "EXTENDED-CTC-FR": "EXTENDED-CTC-FR",
    "XRECHNUNG": "XRechnung",
    "PEPPOL-BIS3": "Peppol BIS 3",
}
# A profile named after its syntax says nothing more than the format.
_NO_PROFILE = {"", "CII", "UBL", "PDF"}

_NOTE_PREFIX = re.compile(r"^#([A-Z]{3})#")


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if (lang or "").startswith("en") else pair[0]


def unit_label(code: str | None, lang: str = "fr") -> str:
    """The unit's name ("heure"), or its code when the table does not know it; "" for no unit."""
    code = (code or "").strip()
    return _pick(UNITS[code], lang) if code in UNITS else code


def note_subject_label(code: str | None, lang: str = "fr") -> str:
    code = (code or "").strip().upper()
    return _pick(NOTE_SUBJECTS[code], lang) if code in NOTE_SUBJECTS else code


def profile_label(profile: str | None) -> str:
    profile = (profile or "").strip()
    if profile in _NO_PROFILE:
        return ""
    if profile.startswith("ZUGFeRD1-"):
        return "ZUGFeRD 1.0 " + profile.removeprefix("ZUGFeRD1-")
    return PROFILES.get(profile, profile)


def format_label(fmt: str | None, profile: str | None = "", lang: str = "fr") -> str:
    """ "Factur-X (profil EN 16931)", "UBL 2.1", "UN/CEFACT CII (XRechnung)"… for a stored format/profile."""
    fmt = (fmt or "").strip()
    name = _pick(FORMATS[fmt], lang) if fmt in FORMATS else fmt.upper()
    shown = profile_label(profile)
    if not shown:
        return name
    if fmt == "facturx":
        return f"{name} ({shown} profile)" if lang.startswith("en") else f"{name} (profil {shown})"
    return f"{name} ({shown})"


def split_notes(note: str | None) -> list[tuple[str, str]]:
    """The notes of an invoice (BT-22) with their subject code (BT-21), "" when a note has none.

    Readers join the invoice's notes with newlines; a line opening with `#XXX#` starts a note of subject XXX,
    other lines continue the note before them (a note may span lines).
    """
    notes: list[list[str]] = []
    for line in (note or "").splitlines():
        match = _NOTE_PREFIX.match(line)
        if match:
            notes.append([match.group(1), line[match.end() :].strip()])
        elif notes:
            notes[-1][1] = f"{notes[-1][1]}\n{line}".strip("\n")
        elif line.strip():
            notes.append(["", line])
    return [(code, text) for code, text in notes if text or code]
