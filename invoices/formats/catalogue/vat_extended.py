"""The VAT category rules of Factur-X EXTENDED (BR-FXEXT-*) and of the French EXTENDED-CTC-FR profile
(BR-FREXT-*): the EN 16931 rules -01, -08 and -09 restated for invoices with sub-lines (only "DETAIL" lines
count) and logistics charges, with a tolerance of one cent per amount added up.

The -08 variants: "ini" adds up per category and rate as EN 16931:2017 did; "rev" adds up separately per
VAT exemption reason, as the 2026 revision of EN 16931 does; "b" is the check of the lighter profiles.
"""

from invoices.formats.catalogue.rule import R
from invoices.formats.catalogue.vat import CATEGORIES

_BASE_TERMS = ("BT-116", "BT-131", "BT-92", "BT-99", "BG-23")


def _missing_breakdown(code: str, name: str) -> str:
    return (
        f"Le récapitulatif de TVA n'a pas de ligne pour la catégorie {code} ({name}) utilisée dans la "
        f"facture. Des lignes de détail, remises, frais ou frais logistiques sont en catégorie {code} : le "
        "récapitulatif doit avoir une ligne pour cette catégorie ; régénérez la facture depuis votre "
        "logiciel."
    )


def _base_mismatch(code: str, name: str, how: str) -> str:
    return (
        f"La base HT de la catégorie {code} ({name}) ne correspond pas aux lignes de cette catégorie. Dans "
        "le récapitulatif de TVA, la base (BT-116) doit être égale, au centime près par montant additionné, "
        f"à la somme des lignes HT (BT-131), moins les remises (BT-92), plus les frais (BT-99){how}."
    )


_HOW = {
    "": "",
    "b": "",
    "ini": ", calculée par catégorie et par taux sans tenir compte des motifs d'exonération",
    "rev": ", calculée séparément pour chaque motif d'exonération de TVA",
}
_EN_BASE = {
    "": "",
    "ini": " (added up per category and rate, ignoring the exemption reasons)",
    "rev": " (added up separately for each VAT exemption reason)",
}


def _rules() -> dict:
    rules = {}
    for prefix, (code, name) in CATEGORIES.items():
        for family in ("BR-FXEXT", "BR-FREXT"):
            rules[f"{family}-{prefix}-01"] = R(
                _missing_breakdown(code, name), "BT-118", "BG-23", "BT-151", "BT-95", "BT-102"
            )
            for variant in ("", "ini", "rev") + (("b",) if family == "BR-FXEXT" else ()):
                # The French profile's -08 texts are in French only: ours in English.
                en = None
                if family == "BR-FREXT":
                    en = (
                        f"[{family}-{prefix}-08{variant}] In a VAT breakdown (BG-23) with VAT category code "
                        f"(BT-118) '{code}', the VAT category taxable amount (BT-116) shall equal the sum of "
                        "the invoice line net amounts (BT-131) plus charges (BT-99) minus allowances (BT-92)"
                        f"{_EN_BASE[variant]}, within 0.01 per amount added up."
                    )
                rules[f"{family}-{prefix}-08{variant}"] = R(
                    _base_mismatch(code, name, _HOW[variant]), *_BASE_TERMS, en=en
                )
    tax = (
        "Pour la catégorie S (TVA au taux normal ou réduit) du récapitulatif de TVA, le montant de TVA ne "
        "correspond pas à la base multipliée par le taux. La TVA (BT-117) doit être égale, au centime près "
        "par montant additionné, à la base HT (BT-116) multipliée par le taux (BT-119) : calculez la TVA "
        "sur le total par taux plutôt que ligne par ligne."
    )
    rules["BR-FXEXT-S-09"] = R(tax, "BT-117", "BT-116", "BT-119", "BG-23")
    rules["BR-FXEXT-S-09b"] = R(tax, "BT-117", "BT-116", "BT-119", "BG-23")
    rules["BR-FREXT-S-09"] = R(
        tax,
        "BT-117",
        "BT-116",
        "BT-119",
        "BG-23",
        en=(
            "[BR-FREXT-S-09] In a VAT breakdown (BG-23), for each VAT rate (BT-119) with VAT category code "
            "(BT-118) 'S', the VAT category tax amount (BT-117) shall equal the taxable amount (BT-116) "
            "multiplied by the rate, within 0.01 per amount added up."
        ),
    )
    # The EXTENDED stylesheet spells one id without its dash.
    rules["BR-FXEXT-S08b"] = rules["BR-FXEXT-S-08b"]
    return rules


RULES = _rules()
