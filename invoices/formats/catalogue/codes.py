"""EN 16931 rules on code lists (BR-CL-*) and on decimals (BR-DEC-*)."""

from invoices.formats.catalogue.rule import R
from invoices.formats.catalogue.terms import label

# BR-DEC-nn -> the amount it limits to two decimals.
DECIMALS = {
    "BR-DEC-01": "BT-92",
    "BR-DEC-02": "BT-93",
    "BR-DEC-05": "BT-99",
    "BR-DEC-06": "BT-100",
    "BR-DEC-09": "BT-106",
    "BR-DEC-10": "BT-107",
    "BR-DEC-11": "BT-108",
    "BR-DEC-12": "BT-109",
    "BR-DEC-13": "BT-110",
    "BR-DEC-14": "BT-112",
    "BR-DEC-15": "BT-111",
    "BR-DEC-16": "BT-113",
    "BR-DEC-17": "BT-114",
    "BR-DEC-18": "BT-115",
    "BR-DEC-19": "BT-116",
    "BR-DEC-20": "BT-117",
    "BR-DEC-23": "BT-131",
    "BR-DEC-24": "BT-136",
    "BR-DEC-25": "BT-137",
    "BR-DEC-27": "BT-141",
    "BR-DEC-28": "BT-142",
}

RULES = {
    rule: R(
        f"Le montant « {label(term)} » a plus de deux décimales. Les montants s'arrondissent au centime "
        "(deux décimales au plus) ; seuls les prix unitaires et les quantités peuvent en avoir davantage.",
        term,
    )
    for rule, term in DECIMALS.items()
}

RULES.update(
    {
        "BR-CL-01": R(
            "Le code du type de document n'existe pas. Utilisez un code de la liste UNTDID 1001 : 380 pour "
            "une facture, 381 pour un avoir, 384 pour une facture rectificative, 386 pour une facture "
            "d'acompte.",
            "BT-3",
        ),
        "BR-CL-03": R(
            "Un code de devise attaché à un montant n'existe pas. La devise s'écrit en trois lettres selon "
            "la norme ISO 4217 (EUR, USD, CHF…).",
            "BT-5",
        ),
        "BR-CL-04": R(
            "La devise de la facture n'est pas un code ISO 4217. Écrivez-la en trois lettres majuscules : "
            "EUR pour l'euro.",
            "BT-5",
        ),
        "BR-CL-05": R(
            "La devise de comptabilisation de la TVA n'est pas un code ISO 4217. Écrivez-la en trois "
            "lettres majuscules : EUR pour l'euro.",
            "BT-6",
        ),
        "BR-CL-06": R(
            "Le code de date d'exigibilité de la TVA n'est pas admis. Les codes admis sont 3 (date de la "
            "facture), 35 (date de livraison) et 432 (date de paiement) : pour la TVA sur les "
            "encaissements, choisissez 432.",
            "BT-8",
        ),
        "BR-CL-07": R(
            "Le type de l'identifiant d'objet facturé n'est pas un code UNTDID 1153. Indiquez un code de "
            "cette liste (par exemple AWV pour un numéro de compteur) ou retirez l'identifiant d'objet.",
            "BT-18",
        ),
        "BR-CL-08": R(
            "Le code du sujet d'une note n'existe pas. Utilisez un code de la liste UNTDID 4451 (AAB, PMD, "
            "PMT, REG, SUR…) ou laissez le sujet vide.",
            "BT-21",
        ),
        "BR-CL-10": R(
            "Le type d'un identifiant (vendeur, acheteur, bénéficiaire…) n'est pas un code ISO 6523. Pour "
            "un SIRET, le code est 0009 ; pour un SIREN, 0002 ; pour un GLN, 0088.",
            "BT-29-1",
            "BT-46-1",
            "BT-60-1",
        ),
        "BR-CL-11": R(
            "Le type d'un numéro d'immatriculation légale n'est pas un code ISO 6523. Pour un SIREN, le "
            "code est 0002 ; pour un SIRET, 0009.",
            "BT-30",
            "BT-47",
            "BT-61",
        ),
        "BR-CL-13": R(
            "Le type de la classification d'un article n'est pas un code UNTDID 7143. Indiquez la "
            "nomenclature utilisée (par exemple STI pour CPV) ou retirez la classification.",
            "BT-158",
        ),
        "BR-CL-14": R(
            "Un code pays n'existe pas. Les pays s'écrivent en deux lettres selon la norme ISO 3166-1 : FR "
            "pour la France, BE pour la Belgique, DE pour l'Allemagne.",
            "BT-40",
            "BT-55",
            "BT-69",
            "BT-80",
        ),
        "BR-CL-15": R(
            "Le pays d'origine d'un article n'est pas un code ISO 3166-1. Écrivez-le en deux lettres (FR, "
            "CN, DE…) ou retirez-le.",
            "BT-159",
        ),
        "BR-CL-16": R(
            "Le code du moyen de paiement n'existe pas. Utilisez un code UNTDID 4461 : 30 ou 58 pour un "
            "virement (58 : virement SEPA), 49 pour un prélèvement, 48 pour une carte, 20 pour un chèque.",
            "BT-81",
        ),
        "BR-CL-17": R(
            "La catégorie de TVA d'une remise ou de frais n'est pas un code admis. Les catégories sont S "
            "(taux normal ou réduit), Z, E (exonéré), AE (autoliquidation), K (intracommunautaire), G "
            "(export), O (hors champ), L et M.",
            "BT-95",
            "BT-102",
        ),
        "BR-CL-18": R(
            "Une catégorie de TVA n'est pas un code admis. Les catégories sont S (taux normal ou réduit), "
            "Z, E (exonéré), AE (autoliquidation), K (intracommunautaire), G (export), O (hors champ), L et "
            "M.",
            "BT-118",
            "BT-151",
        ),
        "BR-CL-19": R(
            "Le code du motif d'une remise n'existe pas. Utilisez un code de la liste UNTDID 5189 (95 : "
            "remise, 100 : promotion…) ou donnez seulement le motif en texte.",
            "BT-98",
            "BT-140",
        ),
        "BR-CL-20": R(
            "Le code du motif de frais n'existe pas. Utilisez un code de la liste UNTDID 7161 (FC : fret, "
            "ABL : emballage…) ou donnez seulement le motif en texte.",
            "BT-105",
            "BT-145",
        ),
        "BR-CL-21": R(
            "Le type de l'identifiant standard d'un article n'est pas un code ISO 6523. Pour un code "
            "EAN/GTIN, le code est 0160 ; sinon retirez cet identifiant.",
            "BT-157",
        ),
        "BR-CL-22": R(
            "Le code du motif d'exonération de TVA n'existe pas. Utilisez un code de la liste VATEX (par "
            "exemple VATEX-EU-IC pour une livraison intracommunautaire, VATEX-FR-FRANCHISE pour la "
            "franchise en base) ou donnez seulement le motif en texte.",
            "BT-121",
        ),
        "BR-CL-23": R(
            "Une unité de mesure n'est pas un code admis. Les unités s'écrivent selon les recommandations "
            "20 et 21 de l'ONU/CEFACT : C62 (unité), H87 (pièce), HUR (heure), DAY (jour), KGM (kilogramme) "
            "; choisissez l'unité dans la fiche article.",
            "BT-130",
            "BT-150",
        ),
        "BR-CL-24": R(
            "Le type d'un fichier joint n'est pas admis. Les pièces jointes intégrées doivent être au "
            "format PDF, PNG, JPEG, CSV, XLSX ou OpenDocument (ODS).",
            "BT-125",
        ),
        "BR-CL-25": R(
            "Le type d'une adresse électronique n'est pas un code admis (liste EAS). Pour un SIREN, le code "
            "est 0225 ; pour un SIRET, 0009 ; pour un courriel, EM.",
            "BT-34-1",
            "BT-49-1",
        ),
        "BR-CL-26": R(
            "Le type de l'identifiant du lieu de livraison n'est pas un code ISO 6523. Pour un SIRET, le "
            "code est 0009 ; pour un GLN, 0088.",
            "BT-71-1",
        ),
    }
)
