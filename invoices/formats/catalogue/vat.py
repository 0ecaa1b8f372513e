"""EN 16931 rules per VAT category (BR-S, BR-Z, BR-E, BR-AE, BR-IC, BR-G, BR-O, BR-AF, BR-AG, BR-B).

The ten rules of each category say the same things about a different category, so the texts are written
once per rule number with the category's own words; the differences between categories (a rate that must
be zero or positive, a VAT number required or forbidden, an exemption reason required or forbidden) are
spelt out per category below.
"""

from invoices.formats.catalogue.rule import R

# rule prefix -> (category code on the invoice, its name)
CATEGORIES = {
    "S": ("S", "TVA au taux normal ou réduit"),
    "Z": ("Z", "taux zéro"),
    "E": ("E", "exonéré de TVA"),
    "AE": ("AE", "autoliquidation"),
    "IC": ("K", "livraison intracommunautaire"),
    "G": ("G", "export hors UE"),
    "O": ("O", "hors champ de la TVA"),
    "AF": ("L", "IGIC des îles Canaries"),
    "AG": ("M", "IPSI de Ceuta et Melilla"),
}
# What rule -02 to -04 ask of each category's VAT numbers.
SELLER_VAT = (
    "Indiquez votre numéro de TVA intracommunautaire (ou celui de votre représentant fiscal) dans les "
    "paramètres de la société."
)
IDENTIFIERS = {
    "S": ("le numéro de TVA du vendeur est absent", SELLER_VAT),
    "Z": ("le numéro de TVA du vendeur est absent", SELLER_VAT),
    "E": ("le numéro de TVA du vendeur est absent", SELLER_VAT),
    "AF": ("le numéro de TVA du vendeur est absent", SELLER_VAT),
    "AG": ("le numéro de TVA du vendeur est absent", SELLER_VAT),
    "G": ("le numéro de TVA du vendeur est absent", SELLER_VAT),
    "AE": (
        "le numéro de TVA du vendeur ou celui de l'acheteur est absent",
        "En autoliquidation, la facture doit porter votre numéro de TVA intracommunautaire et celui de "
        "l'acheteur : complétez la fiche société et la fiche client.",
    ),
    "IC": (
        "le numéro de TVA du vendeur ou celui de l'acheteur est absent",
        "Pour une livraison intracommunautaire, la facture doit porter votre numéro de TVA et celui de "
        "l'acheteur : complétez la fiche société et la fiche client.",
    ),
    "O": (
        "un numéro de TVA est indiqué",
        "Une facture hors champ de la TVA ne doit porter ni votre numéro de TVA ni celui de l'acheteur : "
        "retirez-les, ou choisissez une autre catégorie de TVA si l'opération est taxable.",
    ),
}
# What rules -05 to -07 ask of the rate.
RATES = {
    "S": ("le taux de TVA est nul ou absent", "Indiquez le taux appliqué (20, 10, 5,5 ou 2,1)."),
    "AF": ("le taux est négatif ou absent", "Indiquez le taux de l'IGIC (0 ou plus)."),
    "AG": ("le taux est négatif ou absent", "Indiquez le taux de l'IPSI (0 ou plus)."),
    "O": (
        "un taux de TVA est indiqué",
        "Une opération hors champ de la TVA n'a pas de taux : retirez le taux (même 0).",
    ),
}
ZERO_RATE = ("le taux de TVA n'est pas 0", "Dans cette catégorie, le taux doit être 0 : corrigez-le.")
# Rule -09: the tax amount of the category.
TAX_IS_ZERO = (
    "le montant de TVA n'est pas nul",
    "Dans cette catégorie, la TVA due est 0,00 : corrigez le récapitulatif de TVA.",
)
TAX_IS_COMPUTED = (
    "le montant de TVA ne correspond pas à la base multipliée par le taux",
    "La TVA (BT-117) doit être égale à la base HT (BT-116) multipliée par le taux (BT-119), arrondie au "
    "centime : calculez la TVA sur le total par taux plutôt que ligne par ligne.",
)
# Rule -10: the exemption reason.
NO_REASON = (
    "un motif d'exonération est indiqué alors que l'opération est taxée",
    "Retirez le motif d'exonération (texte et code) de cette ligne du récapitulatif de TVA.",
)
REASONS = {
    "E": (
        "le motif d'exonération est absent",
        "Indiquez la mention légale d'exonération (par exemple « Exonération de TVA, article 261 du CGI », "
        "ou « TVA non applicable, article 293 B du CGI » en franchise en base) ou son code VATEX.",
    ),
    "AE": (
        "la mention d'autoliquidation est absente",
        "Indiquez la mention « Autoliquidation » dans le motif d'exonération (code VATEX-EU-AE).",
    ),
    "IC": (
        "la mention de livraison intracommunautaire est absente",
        "Indiquez la mention « Exonération de TVA, article 262 ter I du CGI » ou le code VATEX-EU-IC.",
    ),
    "G": (
        "la mention d'exportation est absente",
        "Indiquez la mention « Exonération de TVA, article 262 I du CGI » ou le code VATEX-EU-G.",
    ),
    "O": (
        "la mention « hors champ de la TVA » est absente",
        "Indiquez le motif (par exemple « Opération hors champ d'application de la TVA ») ou le code "
        "VATEX-EU-O.",
    ),
}


def _sentence(problem: str, advice: str) -> str:
    return f"{problem[:1].upper()}{problem[1:]}. {advice}"


def _rules(prefix: str) -> dict:
    code, name = CATEGORIES[prefix]
    cat = f"en catégorie {code} ({name})"
    rate_problem, rate_advice = RATES.get(prefix, ZERO_RATE)
    ids_problem, ids_advice = IDENTIFIERS[prefix]
    tax_problem, tax_advice = TAX_IS_COMPUTED if prefix in ("S", "AF", "AG") else TAX_IS_ZERO
    reason_problem, reason_advice = REASONS.get(prefix, NO_REASON)
    ids_terms = ("BT-31", "BT-63", "BT-48") if prefix in ("AE", "IC", "O") else ("BT-31", "BT-32", "BT-63")
    how_many = "une ligne" if prefix in ("S", "AF", "AG") else "une seule ligne"
    rules = {
        f"BR-{prefix}-01": R(
            f"Le récapitulatif de TVA n'a pas de ligne pour la catégorie {code} ({name}) utilisée dans la "
            f"facture. Des lignes, remises ou frais sont en catégorie {code} : le récapitulatif doit compter "
            f"{how_many} pour cette catégorie ; régénérez la facture depuis votre logiciel.",
            "BT-118",
            "BG-23",
            "BT-151",
            "BT-95",
            "BT-102",
        ),
        f"BR-{prefix}-02": R(_sentence(f"une ligne est {cat} mais {ids_problem}", ids_advice), *ids_terms),
        f"BR-{prefix}-03": R(
            _sentence(f"une remise est {cat} mais {ids_problem}", ids_advice), *ids_terms, "BG-20"
        ),
        f"BR-{prefix}-04": R(
            _sentence(f"des frais sont {cat} mais {ids_problem}", ids_advice), *ids_terms, "BG-21"
        ),
        f"BR-{prefix}-05": R(
            _sentence(f"sur une ligne {cat}, {rate_problem}", rate_advice), "BT-152", "BT-151"
        ),
        f"BR-{prefix}-06": R(
            _sentence(f"sur une remise {cat}, {rate_problem}", rate_advice), "BT-96", "BT-95"
        ),
        f"BR-{prefix}-07": R(
            _sentence(f"sur des frais {cat}, {rate_problem}", rate_advice), "BT-103", "BT-102"
        ),
        f"BR-{prefix}-08": R(
            f"La base HT de la catégorie {code} ({name}) ne correspond pas aux lignes de cette catégorie. "
            f"Dans le récapitulatif de TVA, la base (BT-116) doit être égale à la somme des lignes HT "
            f"(BT-131) de cette catégorie{' et de ce taux' if prefix in ('S', 'AF', 'AG') else ''}, moins "
            f"les remises (BT-92) et plus les frais (BT-99) de la même catégorie.",
            "BT-116",
            "BT-131",
            "BT-92",
            "BT-99",
            "BG-23",
        ),
        f"BR-{prefix}-09": R(
            _sentence(
                f"pour la catégorie {code} ({name}) du récapitulatif de TVA, {tax_problem}", tax_advice
            ),
            "BT-117",
            "BT-116",
            "BT-119",
            "BG-23",
        ),
        f"BR-{prefix}-10": R(
            _sentence(
                f"pour la catégorie {code} ({name}) du récapitulatif de TVA, {reason_problem}", reason_advice
            ),
            "BT-120",
            "BT-121",
            "BG-23",
        ),
    }
    return rules


RULES = {}
for _prefix in CATEGORIES:
    RULES.update(_rules(_prefix))

RULES.update(
    {
        "BR-IC-11": R(
            "La date de livraison ou la période de facturation est absente sur une livraison "
            "intracommunautaire. Indiquez la date de livraison effective ou la période facturée.",
            "BT-72",
            "BG-14",
            "BT-118",
        ),
        "BR-IC-12": R(
            "Le pays de livraison est absent sur une livraison intracommunautaire. Indiquez l'adresse de "
            "livraison avec son code pays (DE, BE, IT…).",
            "BT-80",
            "BT-118",
        ),
        "BR-O-11": R(
            "La facture mélange des opérations hors champ de la TVA et d'autres catégories de TVA. Une "
            "facture hors champ de la TVA (O) ne peut avoir qu'une seule ligne de récapitulatif : émettez "
            "deux factures distinctes.",
            "BG-23",
            "BT-118",
        ),
        "BR-O-12": R(
            "Une ligne n'est pas hors champ de la TVA alors que la facture l'est. Dans une facture hors "
            "champ de la TVA (O), toutes les lignes doivent être en catégorie O : corrigez la ligne ou "
            "émettez deux factures.",
            "BT-151",
            "BT-118",
        ),
        "BR-O-13": R(
            "Une remise n'est pas hors champ de la TVA alors que la facture l'est. Toutes les remises "
            "doivent être en catégorie O dans une facture hors champ de la TVA.",
            "BT-95",
            "BT-118",
        ),
        "BR-O-14": R(
            "Des frais ne sont pas hors champ de la TVA alors que la facture l'est. Tous les frais doivent "
            "être en catégorie O dans une facture hors champ de la TVA.",
            "BT-102",
            "BT-118",
        ),
        "BR-B-01": R(
            "La catégorie de TVA « paiement scindé » (B) est réservée aux factures intérieures italiennes. "
            "Choisissez la catégorie de TVA qui s'applique (S pour une TVA française).",
            "BT-151",
            "BT-95",
            "BT-102",
        ),
        "BR-B-02": R(
            "La facture mélange le « paiement scindé » italien (B) et la TVA normale (S). Ces deux "
            "catégories ne peuvent pas figurer sur la même facture.",
            "BT-151",
            "BT-95",
            "BT-102",
            "BT-118",
        ),
    }
)
