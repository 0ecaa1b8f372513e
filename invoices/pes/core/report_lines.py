"""The bilingual lines of an export report: a text the writer changed, or why it left a document out."""

from invoices.pes.core.model import ReportLine
from invoices.pes.core.text import LIBELLE_MAX, schema_text_ok, to_latin1, truncate

REFUSALS = {
    "key_missing": ("clé de document vide.", "empty document key."),
    "duplicate_key": ("document déjà présent dans cet export.", "document already in this export."),
    "type_pj": ("TypePJ {value!r} inconnu du schéma.", "TypePJ {value!r} unknown to the schema."),
    "extension": (
        "extension {value!r} refusée (2 à 4 lettres ou chiffres).",
        "extension {value!r} refused (2 to 4 letters or digits).",
    ),
    "mime_type": ("type MIME {value!r} invalide.", "invalid MIME type {value!r}."),
    "revision": (
        "révision {value!r} invalide (entier ≥ 0).",
        "invalid revision {value!r} (whole number ≥ 0).",
    ),
    "attachment_index": (
        "numéro de pièce jointe {value!r} invalide (entier ≥ 1).",
        "invalid attachment number {value!r} (whole number ≥ 1).",
    ),
    "too_large": (
        "même seul, ce document dépasse la taille maximale d'un fichier PES ({cap} octets).",
        "even alone, this document exceeds the PES file size cap ({cap} bytes).",
    ),
    "unreadable": ("contenu illisible ({error}).", "content cannot be read ({error})."),
    "empty": ("fichier vide (Hélios rejette une PJ vide).", "empty file (Hélios rejects an empty PJ)."),
    "size_mismatch": (
        "{size} octets lus au lieu des {expected} attendus.",
        "read {size} bytes instead of the {expected} expected.",
    ),
}


def line(level, code, fr, en, key=None, field_name=None, original=None, written=None) -> ReportLine:
    return ReportLine(
        level, code, fr, en, document_key=key, field=field_name, original=original, written=written
    )


def transliterated(key, field_name, original, written) -> ReportLine:
    return line(
        "warning",
        "transliterated",
        f"{field_name} : caractères hors ISO-8859-1 translittérés.",
        f"{field_name}: characters outside ISO-8859-1 transliterated.",
        key,
        field_name,
        original,
        written,
    )


def truncated(key, field_name, original, written, limit) -> ReportLine:
    return line(
        "warning",
        "truncated",
        f"{field_name} : tronqué à {limit} caractères (limite du schéma PES).",
        f"{field_name}: truncated to {limit} characters (PES schema limit).",
        key,
        field_name,
        original,
        written,
    )


def refused(key, code, fr, en, field_name=None) -> ReportLine:
    return line("error", code, f"Document écarté : {fr}", f"Document left out: {en}", key, field_name)


def fit_libelle(value: str, field_name: str, lines: list[ReportLine]) -> str:
    text, changed = to_latin1(value)
    if changed:
        lines.append(transliterated(None, field_name, value, text))
    fitted, cut = truncate(text, LIBELLE_MAX)
    if cut:
        lines.append(truncated(None, field_name, text, fitted, LIBELLE_MAX))
    if fitted and not schema_text_ok(fitted):
        lines.append(
            line(
                "warning",
                "omitted",
                f"{field_name} : valeur refusée par le schéma, omise.",
                f"{field_name}: value refused by the schema, left out.",
                None,
                field_name,
                value,
                "",
            )
        )
        return ""
    return fitted
