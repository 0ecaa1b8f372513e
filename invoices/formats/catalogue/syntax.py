"""Syntax binding rules of the CEN EN 16931 schematrons: what CII (CII-SR-*, CII-DT-*) and UBL (UBL-CR-*,
UBL-SR-*, UBL-DT-*) may hold.

Most of them say that one element of the syntax is not used by EN 16931 ("should not be present"): those are
listed in syntax.json with the element the official text names, and read the same way. The others are
written out below.
"""

import json
from pathlib import Path

from invoices.formats.catalogue.rule import TECHNICAL, R

_ELEMENTS = json.loads((Path(__file__).with_name("syntax.json")).read_text(encoding="utf-8"))


def _from_data(kind: str, element: str):
    if " " in element and all(word[:1].isupper() for word in element.split()):
        # "AccountingSupplierParty Party PostalAddress": a path of UBL elements.
        element = " / ".join(element.split())
    if kind == "unused":
        return R(
            f"Le fichier contient « {element} », une donnée que la norme EN 16931 n'utilise pas. Le "
            "destinataire l'ignore : rien à corriger sur la facture ; si votre logiciel permet de ne pas "
            "l'écrire, désactivez-la.",
            audience=TECHNICAL,
        )
    if kind == "forbidden":
        return R(
            f"Le fichier contient « {element} » à un endroit où la norme EN 16931 ne l'admet pas. C'est "
            "votre logiciel qui écrit cette donnée : retirez-la de la facture si elle correspond à une de "
            "vos saisies, sinon signalez l'anomalie à l'éditeur du logiciel.",
        )
    return R(
        f"« {element} » figure plusieurs fois là où une seule occurrence est admise. Gardez-en une seule : "
        "si vous ne la voyez pas en double dans vos saisies, signalez l'anomalie à l'éditeur du logiciel.",
    )


RULES = {rule: _from_data(kind, element) for rule, (kind, element) in _ELEMENTS.items()}

_ONCE = " figure plusieurs fois ; une seule est admise."

RULES.update(
    {
        # CII.
        "CII-DT-037": R(
            "Le type d'une taxe n'est pas « VAT ». Dans une facture EN 16931, chaque taxe du récapitulatif "
            "et des lignes est la TVA : son type doit être VAT ; c'est votre logiciel qui l'écrit.",
            "BT-118",
        ),
        "CII-DT-097": R(
            "Une date n'est pas au format annoncé AAAAMMJJ. Avec le format 102, une date s'écrit sur 8 "
            "chiffres (par exemple 20260315) : c'est votre logiciel qui l'écrit.",
        ),
        "CII-SR-009": R(
            "Le profil de la facture (identifiant de spécification) est absent ou en double. Le fichier doit "
            "indiquer une seule fois la norme qu'il suit : c'est votre logiciel qui l'écrit.",
            "BT-24",
        ),
        "CII-SR-010": R(
            "L'identifiant du profil est absent ou en double. Le fichier doit indiquer une seule fois la "
            "norme qu'il suit (par exemple « urn:cen.eu:en16931:2017 »).",
            "BT-24",
        ),
        "CII-SR-014": R(
            "Le type de document est absent ou en double. Il doit figurer une seule fois (380 pour une "
            "facture, 381 pour un avoir).",
            "BT-3",
        ),
        "CII-SR-046": R(
            "Un identifiant global (SIRET, GLN…) n'indique pas son type. Précisez le type de l'identifiant : "
            "0009 pour un SIRET, 0088 pour un GLN.",
            "BT-29-1",
            "BT-46-1",
        ),
        "CII-SR-119": R(
            "Le prix brut d'un article porte autre chose qu'une remise. Sur le prix unitaire, seules les "
            "remises sont admises : facturez les frais sur la ligne ou sur le document.",
            "BT-147",
            audience=TECHNICAL,
        ),
        "CII-SR-449": R(
            "Le lieu de livraison a deux identifiants. Gardez-en un seul (identifiant ou identifiant "
            "global).",
            "BT-71",
            audience=TECHNICAL,
        ),
        "CII-SR-450": R(
            "L'acheteur a deux identifiants. Gardez-en un seul (identifiant ou identifiant global, par "
            "exemple le SIRET).",
            "BT-46",
            audience=TECHNICAL,
        ),
        "CII-SR-451": R(
            "Le bénéficiaire du paiement a deux identifiants. Gardez-en un seul.",
            "BT-60",
            audience=TECHNICAL,
        ),
        "CII-SR-452": R("Les conditions de paiement" + _ONCE, "BT-20", audience=TECHNICAL),
        "CII-SR-453": R("Le texte des conditions de paiement" + _ONCE, "BT-20", audience=TECHNICAL),
        "CII-SR-454": R(
            "Une ligne de facture a plusieurs taux de TVA. Une ligne n'a qu'une catégorie et un taux de "
            "TVA : scindez-la en deux lignes.",
            "BT-151",
            "BT-152",
            audience=TECHNICAL,
        ),
        "CII-SR-455": R("Le contact du vendeur" + _ONCE, "BG-6"),
        "CII-SR-456": R("Le contact de l'acheteur" + _ONCE, "BG-9"),
        "CII-SR-457": R("La référence de l'appel d'offres ou du lot" + _ONCE, "BT-17", audience=TECHNICAL),
        "CII-SR-458": R("L'identifiant d'objet facturé" + _ONCE, "BT-18", audience=TECHNICAL),
        "CII-SR-459": R("L'adresse électronique du vendeur" + _ONCE, "BT-34"),
        "CII-SR-460": R("L'adresse électronique de l'acheteur" + _ONCE, "BT-49"),
        "CII-SR-461": R("La date d'exigibilité de la TVA" + _ONCE, "BT-7"),
        "CII-SR-462": R("Le code de date d'exigibilité de la TVA" + _ONCE, "BT-8"),
        "CII-SR-463": R(
            "Une remise ou des frais n'indiquent pas s'il s'agit d'une remise ou de frais. C'est votre "
            "logiciel qui l'écrit : signalez l'anomalie à son éditeur.",
            "BG-20",
            "BG-21",
        ),
        "CII-SR-464": R("Le BIC de la banque" + _ONCE, "BT-86"),
        "CII-SR-465": R("Le contact chez le vendeur" + _ONCE, "BT-41"),
        "CII-SR-466": R("Le contact chez l'acheteur" + _ONCE, "BT-56"),
        "CII-SR-467": R(
            "Les moyens de paiement indiqués ne sont pas tous du même type. Quand plusieurs comptes sont "
            "donnés, ils doivent l'être pour le même moyen de paiement (par exemple virement).",
            "BT-81",
        ),
        "CII-SR-468": R(
            "Les libellés des moyens de paiement diffèrent. Quand plusieurs comptes sont donnés, le "
            "libellé du moyen de paiement doit être le même.",
            "BT-82",
        ),
        "CII-SR-469": R("La référence de paiement" + _ONCE, "BT-83"),
        "CII-SR-470": R(
            "Le compte de paiement est donné à la fois par un IBAN et par un autre identifiant. Gardez "
            "l'IBAN.",
            "BT-84",
        ),
        "CII-SR-471": R(
            "Une remise ou des frais sur le document n'ont pas de catégorie de TVA. Indiquez à quelle "
            "catégorie de TVA ils s'appliquent.",
            "BT-95",
            "BT-102",
        ),
        "CII-SR-472": R(
            "Une remise ou des frais sur le document n'ont pas de taux de TVA. Indiquez le taux de TVA "
            "auquel ils s'appliquent.",
            "BT-96",
            "BT-103",
        ),
        "CII-SR-474": R(
            "Une ligne porte plusieurs identifiants d'objet facturé. Gardez-en un seul par ligne.",
            "BT-128",
            audience=TECHNICAL,
        ),
        "CII-SR-475": R("La description d'un document joint" + _ONCE, "BT-123", audience=TECHNICAL),
        "CII-SR-476": R("Le fichier d'un document joint" + _ONCE, "BT-125", audience=TECHNICAL),
        # UBL.
        "UBL-CR-666": R(
            "Une même référence de document sert à la fois d'identifiant d'objet facturé et de pièce jointe. "
            "Séparez-les : une référence pour l'objet facturé, une autre pour le fichier joint.",
            "BT-18",
            "BG-24",
        ),
        "UBL-CR-673": R(
            "Une même référence de document sert à la fois d'identifiant d'objet facturé et de document "
            "justificatif décrit. Séparez-les en deux références.",
            "BT-18",
            "BT-123",
        ),
        "UBL-DT-01": R(
            "Un montant a plus de deux décimales. Les montants s'arrondissent au centime ; seuls les prix "
            "unitaires et les quantités peuvent en avoir davantage.",
            "BT-131",
            "BT-109",
        ),
        "UBL-DT-06": R(
            "Un fichier joint n'indique pas son type (PDF, PNG…). C'est votre logiciel qui l'écrit : "
            "joignez-le de nouveau ou signalez l'anomalie à son éditeur.",
            "BT-125",
        ),
        "UBL-DT-07": R(
            "Un fichier joint n'a pas de nom. Donnez un nom de fichier à chaque pièce jointe.",
            "BT-125",
        ),
    }
)

# UBL-DT-08 … UBL-DT-28: an attribute of the UBL data types that EN 16931 does not use.
_UNUSED_ATTRIBUTES = {
    "UBL-DT-08": "schemeName",
    "UBL-DT-09": "schemeAgencyName",
    "UBL-DT-10": "schemeDataURI",
    "UBL-DT-11": "schemeURI",
    "UBL-DT-12": "format",
    "UBL-DT-13": "unitCodeListID",
    "UBL-DT-14": "unitCodeListAgencyID",
    "UBL-DT-15": "unitCodeListAgencyName",
    "UBL-DT-16": "listAgencyName",
    "UBL-DT-17": "listName",
    "UBL-DT-18": "name",
    "UBL-DT-19": "languageID",
    "UBL-DT-20": "listURI",
    "UBL-DT-21": "listSchemeURI",
    "UBL-DT-22": "languageLocaleID",
    "UBL-DT-23": "uri",
    "UBL-DT-24": "currencyCodeListVersionID",
    "UBL-DT-25": "characterSetCode",
    "UBL-DT-26": "encodingCode",
    "UBL-DT-27": "schemeAgencyID",
    "UBL-DT-28": "listAgencyID",
}
RULES.update({rule: _from_data("unused", attribute) for rule, attribute in _UNUSED_ATTRIBUTES.items()})

# UBL-SR-nn: a term that may appear once only (the EN 16931 cardinality, checked on the UBL syntax).
_UBL_ONCE = {
    "UBL-SR-01": ("La référence du contrat", "BT-12"),
    "UBL-SR-02": ("La référence de l'avis de réception", "BT-15"),
    "UBL-SR-03": ("La référence du bon de livraison", "BT-16"),
    "UBL-SR-04": ("L'identifiant d'objet facturé", "BT-18"),
    "UBL-SR-05": ("Les conditions de paiement", "BT-20"),
    "UBL-SR-06": ("La référence à la facture d'origine", "BG-3"),
    "UBL-SR-08": ("La période de facturation", "BG-14"),
    "UBL-SR-09": ("Le nom du vendeur", "BT-27"),
    "UBL-SR-10": ("Le nom commercial du vendeur", "BT-28"),
    "UBL-SR-11": ("Le SIREN du vendeur", "BT-30"),
    "UBL-SR-12": ("Le numéro de TVA du vendeur", "BT-31"),
    "UBL-SR-13": ("L'identifiant fiscal du vendeur", "BT-32"),
    "UBL-SR-14": ("Les mentions légales complémentaires du vendeur", "BT-33"),
    "UBL-SR-15": ("Le nom de l'acheteur", "BT-44"),
    "UBL-SR-16": ("L'identifiant de l'acheteur", "BT-46"),
    "UBL-SR-17": ("Le SIREN de l'acheteur", "BT-47"),
    "UBL-SR-18": ("Le numéro de TVA de l'acheteur", "BT-48"),
    "UBL-SR-19": ("Le nom du bénéficiaire du paiement", "BT-59"),
    "UBL-SR-20": ("L'identifiant du bénéficiaire du paiement", "BT-60"),
    "UBL-SR-21": ("Le SIREN du bénéficiaire du paiement", "BT-61"),
    "UBL-SR-22": ("Le nom du représentant fiscal", "BT-62"),
    "UBL-SR-23": ("Le numéro de TVA du représentant fiscal", "BT-63"),
    "UBL-SR-24": ("L'information de livraison", "BG-13"),
    "UBL-SR-25": ("Le nom du destinataire de la livraison", "BT-70"),
    "UBL-SR-26": ("La référence de paiement", "BT-83"),
    "UBL-SR-27": ("Le libellé du moyen de paiement", "BT-82"),
    "UBL-SR-28": ("La référence du mandat de prélèvement", "BT-89"),
    "UBL-SR-29": ("L'identifiant créancier SEPA", "BT-90"),
    "UBL-SR-30": ("Le motif d'une remise", "BT-97"),
    "UBL-SR-31": ("Le motif de frais", "BT-104"),
    "UBL-SR-32": ("Le motif d'exonération de TVA", "BT-120"),
    "UBL-SR-33": ("La description d'un document joint", "BT-123"),
    "UBL-SR-34": ("La note d'une ligne", "BT-127"),
    "UBL-SR-35": ("La référence de ligne de commande", "BT-132"),
    "UBL-SR-36": ("La période d'une ligne", "BG-26"),
    "UBL-SR-37": ("Le rabais sur le prix unitaire", "BT-147"),
    "UBL-SR-39": ("La référence de projet", "BT-11"),
    "UBL-SR-40": ("Le nom commercial de l'acheteur", "BT-45"),
    "UBL-SR-45": ("La date d'échéance", "BT-9"),
    "UBL-SR-46": ("Le libellé du moyen de paiement", "BT-82"),
    "UBL-SR-49": ("La date d'exigibilité de la TVA", "BT-7"),
    "UBL-SR-50": ("La description de l'article", "BT-154"),
    "UBL-SR-52": ("La référence du document justificatif", "BT-122"),
    "UBL-SR-54": ("Le paiement par carte", "BG-18"),
    "UBL-SR-55": ("Le mandat de prélèvement", "BG-19"),
    "UBL-SR-56": ("La référence de l'appel d'offres ou du lot", "BT-17"),
}
RULES.update({rule: R(what + _ONCE, term) for rule, (what, term) in _UBL_ONCE.items()})
RULES.update(
    {
        "UBL-SR-07": R(
            "La référence à la facture d'origine n'a pas de numéro. Indiquez le numéro de la facture que "
            "l'avoir ou la facture rectificative corrige.",
            "BT-25",
        ),
        "UBL-SR-42": R(
            "Le vendeur a plus de deux identifiants fiscaux. Gardez au plus le numéro de TVA et un "
            "identifiant fiscal.",
            "BT-31",
            "BT-32",
        ),
        "UBL-SR-43": R(
            "Un type d'identifiant est donné pour une référence qui n'est pas un objet facturé. Seul "
            "l'identifiant d'objet facturé peut indiquer son type.",
            "BT-18",
        ),
        "UBL-SR-44": R(
            "La référence de paiement diffère d'un moyen de paiement à l'autre. La facture ne peut avoir "
            "qu'une seule référence de paiement.",
            "BT-83",
        ),
        "UBL-SR-47": R(
            "Les moyens de paiement indiqués ne sont pas tous du même type. Quand plusieurs moyens de "
            "paiement sont donnés, leur code doit être le même.",
            "BT-81",
        ),
        "UBL-SR-48": R(
            "Une ligne de facture a plusieurs catégories de TVA ou aucune. Une ligne doit avoir une et une "
            "seule catégorie de TVA : scindez-la si besoin.",
            "BT-151",
        ),
        "UBL-SR-51": R(
            "Une adresse a plusieurs troisièmes lignes. Une adresse compte au plus trois lignes.",
            "BT-162",
            "BT-163",
        ),
        "UBL-SR-53": R(
            "Un régime de TVA est indiqué sans numéro de TVA. Indiquez le numéro de TVA "
            "intracommunautaire, ou retirez le régime de TVA.",
            "BT-31",
            "BT-48",
        ),
    }
)
