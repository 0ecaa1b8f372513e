"""EN 16931 core rules (BR-01…BR-65), consistency rules (BR-CO-*) and the Factur-X variants of BR-CO-27."""

from invoices.formats.catalogue.rule import R

_MISSING = " Renseignez-le dans votre logiciel de facturation puis émettez de nouveau la facture."

RULES = {
    "BR-01": R(
        "Le profil de la facture (identifiant de spécification) est absent. Le fichier doit indiquer la "
        "norme qu'il suit (par exemple « urn:cen.eu:en16931:2017 ») : c'est votre logiciel qui l'écrit, "
        "contactez son éditeur si la facture a été produite sans.",
        "BT-24",
    ),
    "BR-02": R("Le numéro de facture est absent." + _MISSING, "BT-1"),
    "BR-03": R("La date de facture est absente." + _MISSING, "BT-2"),
    "BR-04": R(
        "Le type de document (facture, avoir…) est absent. Il s'exprime par un code : 380 pour une facture, "
        "381 pour un avoir, 384 pour une facture rectificative.",
        "BT-3",
    ),
    "BR-05": R(
        "La devise de la facture est absente. Indiquez le code de devise (EUR pour l'euro) dans les "
        "paramètres de la facture.",
        "BT-5",
    ),
    "BR-06": R(
        "Le nom du vendeur est absent. Renseignez la raison sociale de votre entreprise dans les paramètres "
        "de la société de votre logiciel.",
        "BT-27",
    ),
    "BR-07": R(
        "Le nom de l'acheteur est absent. Complétez la fiche client (raison sociale de l'entité publique) "
        "dans votre logiciel.",
        "BT-44",
    ),
    "BR-08": R(
        "L'adresse postale du vendeur est absente. Complétez l'adresse de votre entreprise dans les "
        "paramètres de la société.",
        "BG-5",
    ),
    "BR-09": R(
        "Le pays de l'adresse du vendeur est absent. Indiquez le pays (code FR pour la France) dans "
        "l'adresse de votre entreprise.",
        "BT-40",
        "BG-5",
    ),
    "BR-10": R(
        "L'adresse postale de l'acheteur est absente. Complétez l'adresse dans la fiche client.",
        "BG-8",
    ),
    "BR-11": R(
        "Le pays de l'adresse de l'acheteur est absent. Indiquez le pays (FR) dans l'adresse de la fiche "
        "client.",
        "BT-55",
        "BG-8",
    ),
    "BR-12": R(
        "La somme des montants HT des lignes est absente. Ce total est calculé par votre logiciel : "
        "régénérez la facture, ou signalez l'anomalie à son éditeur.",
        "BT-106",
    ),
    "BR-13": R(
        "Le montant total HT est absent. Ce total est calculé par votre logiciel : régénérez la facture, ou "
        "signalez l'anomalie à son éditeur.",
        "BT-109",
    ),
    "BR-14": R(
        "Le montant total TTC est absent. Ce total est calculé par votre logiciel : régénérez la facture, "
        "ou signalez l'anomalie à son éditeur.",
        "BT-112",
    ),
    "BR-15": R(
        "Le net à payer est absent. Il doit figurer même s'il vaut zéro (facture déjà réglée).",
        "BT-115",
    ),
    "BR-16": R(
        "La facture ne contient aucune ligne. Ajoutez au moins une ligne (article ou prestation) avec sa "
        "quantité et son prix.",
        "BG-25",
    ),
    "BR-17": R(
        "Le nom du bénéficiaire du paiement est absent alors qu'un bénéficiaire distinct du vendeur est "
        "indiqué. Renseignez son nom (par exemple l'organisme d'affacturage), ou retirez le bénéficiaire si "
        "c'est vous qui êtes payé.",
        "BT-59",
        "BG-10",
    ),
    "BR-18": R(
        "Le nom du représentant fiscal du vendeur est absent alors qu'un représentant fiscal est indiqué. "
        "Renseignez son nom, ou retirez le représentant fiscal s'il n'y en a pas.",
        "BT-62",
        "BG-11",
    ),
    "BR-19": R(
        "L'adresse du représentant fiscal du vendeur est absente. Complétez son adresse postale.",
        "BG-12",
        "BG-11",
    ),
    "BR-20": R(
        "Le pays de l'adresse du représentant fiscal est absent. Indiquez son code pays (FR, BE…).",
        "BT-69",
        "BG-12",
    ),
    "BR-21": R(
        "Une ligne de facture n'a pas de numéro de ligne. Chaque ligne doit être numérotée (1, 2, 3…) ; "
        "c'est le rôle de votre logiciel.",
        "BT-126",
        "BG-25",
    ),
    "BR-22": R(
        "Une ligne de facture n'a pas de quantité. Indiquez la quantité facturée sur chaque ligne.",
        "BT-129",
        "BG-25",
    ),
    "BR-23": R(
        "Une ligne de facture n'a pas d'unité de quantité. Choisissez une unité (pièce, heure, jour, kg…) "
        "sur l'article ou la ligne : votre logiciel la transcrit en code (C62 pour « unité », HUR pour « "
        "heure »).",
        "BT-130",
        "BG-25",
    ),
    "BR-24": R(
        "Une ligne de facture n'a pas de montant HT. Vérifiez la quantité et le prix de la ligne ; le "
        "montant est calculé par votre logiciel.",
        "BT-131",
        "BG-25",
    ),
    "BR-25": R(
        "Une ligne de facture n'a pas de désignation. Donnez un libellé à l'article ou à la prestation "
        "facturée.",
        "BT-153",
        "BG-25",
    ),
    "BR-26": R(
        "Une ligne de facture n'a pas de prix unitaire net. Indiquez le prix unitaire HT de l'article.",
        "BT-146",
        "BG-25",
    ),
    "BR-27": R(
        "Un prix unitaire net est négatif. Un prix ne peut pas être négatif : pour déduire un montant, "
        "mettez une quantité négative ou une remise, ou émettez un avoir.",
        "BT-146",
    ),
    "BR-28": R(
        "Un prix unitaire brut est négatif. Un prix ne peut pas être négatif : pour déduire un montant, "
        "utilisez une remise ou une quantité négative.",
        "BT-148",
    ),
    "BR-29": R(
        "La période de facturation se termine avant de commencer. Vérifiez les dates de début et de fin de "
        "période (elles sont peut-être inversées).",
        "BT-74",
        "BT-73",
    ),
    "BR-30": R(
        "La période d'une ligne se termine avant de commencer. Vérifiez les dates de début et de fin de la "
        "ligne (elles sont peut-être inversées).",
        "BT-135",
        "BT-134",
    ),
    "BR-31": R(
        "Une remise sur le document n'a pas de montant. Indiquez le montant de la remise, ou supprimez-la.",
        "BT-92",
        "BG-20",
    ),
    "BR-32": R(
        "Une remise sur le document n'a pas de catégorie de TVA. Indiquez à quel taux de TVA la remise "
        "s'applique (une remise réduit la base de TVA).",
        "BT-95",
        "BG-20",
    ),
    "BR-33": R(
        "Une remise sur le document n'a pas de motif. Indiquez un motif (texte ou code), par exemple « "
        "Remise commerciale ».",
        "BT-97",
        "BT-98",
        "BG-20",
    ),
    "BR-36": R(
        "Des frais sur le document n'ont pas de montant. Indiquez le montant des frais, ou supprimez-les.",
        "BT-99",
        "BG-21",
    ),
    "BR-37": R(
        "Des frais sur le document n'ont pas de catégorie de TVA. Indiquez le taux de TVA appliqué aux "
        "frais (port, emballage…).",
        "BT-102",
        "BG-21",
    ),
    "BR-38": R(
        "Des frais sur le document n'ont pas de motif. Indiquez un motif (texte ou code), par exemple « "
        "Frais de port ».",
        "BT-104",
        "BT-105",
        "BG-21",
    ),
    "BR-41": R(
        "Une remise sur une ligne n'a pas de montant. Indiquez le montant de la remise de la ligne.",
        "BT-136",
        "BG-27",
    ),
    "BR-42": R(
        "Une remise sur une ligne n'a pas de motif. Indiquez un motif (texte ou code) pour la remise de la "
        "ligne.",
        "BT-139",
        "BT-140",
        "BG-27",
    ),
    "BR-43": R(
        "Des frais sur une ligne n'ont pas de montant. Indiquez le montant des frais de la ligne.",
        "BT-141",
        "BG-28",
    ),
    "BR-44": R(
        "Des frais sur une ligne n'ont pas de motif. Indiquez un motif (texte ou code) pour les frais de la "
        "ligne.",
        "BT-144",
        "BT-145",
        "BG-28",
    ),
    "BR-45": R(
        "Une ligne du récapitulatif de TVA n'a pas de base HT. Le récapitulatif par taux doit indiquer, "
        "pour chaque taux, le montant HT soumis à ce taux ; il est calculé par votre logiciel.",
        "BT-116",
        "BG-23",
    ),
    "BR-46": R(
        "Une ligne du récapitulatif de TVA n'a pas de montant de TVA. Indiquez la TVA de chaque taux, même "
        "nulle (0,00).",
        "BT-117",
        "BG-23",
    ),
    "BR-47": R(
        "Une ligne du récapitulatif de TVA n'a pas de catégorie de TVA. Chaque taux doit avoir sa catégorie "
        "(S : taux normal ou réduit, E : exonéré, AE : autoliquidation, K : livraison intracommunautaire…).",
        "BT-118",
        "BG-23",
    ),
    "BR-48": R(
        "Une ligne du récapitulatif de TVA n'a pas de taux. Indiquez le taux (20, 10, 5,5, 2,1 ou 0) ; "
        "seule la catégorie « non soumis à TVA » (O) s'en passe.",
        "BT-119",
        "BG-23",
    ),
    "BR-49": R(
        "Le moyen de paiement est absent. Indiquez comment être payé (30 ou 58 pour un virement, 49 pour un "
        "prélèvement) dans les conditions de règlement.",
        "BT-81",
        "BG-16",
    ),
    "BR-50": R(
        "L'IBAN est absent alors que le paiement est demandé par virement. Indiquez le compte bancaire à "
        "créditer dans les coordonnées bancaires de votre entreprise.",
        "BT-84",
        "BG-17",
    ),
    "BR-51": R(
        "Le numéro complet d'une carte de paiement figure sur la facture. Pour la sécurité des paiements, "
        "n'indiquez au plus que les 6 premiers et les 4 derniers chiffres.",
        "BT-87",
    ),
    "BR-52": R(
        "Un document joint n'a pas de référence. Donnez une référence (numéro ou nom) à chaque pièce jointe "
        "citée dans la facture.",
        "BT-122",
        "BG-24",
    ),
    "BR-53": R(
        "Le montant de TVA dans la devise de comptabilisation est absent. Une devise de comptabilisation de "
        "la TVA est indiquée : la facture doit donner aussi le total de TVA dans cette devise (en euros "
        "pour une facture en devise étrangère).",
        "BT-111",
        "BT-6",
    ),
    "BR-54": R(
        "Une caractéristique d'article n'a pas de nom ou de valeur. Chaque caractéristique (couleur, "
        "taille…) doit avoir un nom et une valeur.",
        "BT-160",
        "BT-161",
        "BG-32",
    ),
    "BR-55": R(
        "La référence à la facture d'origine est vide. Indiquez le numéro de la facture que l'avoir ou la "
        "facture rectificative corrige.",
        "BT-25",
        "BG-3",
    ),
    "BR-56": R(
        "Le numéro de TVA du représentant fiscal est absent. Indiquez son numéro de TVA intracommunautaire.",
        "BT-63",
        "BG-11",
    ),
    "BR-57": R(
        "Le pays de l'adresse de livraison est absent. Indiquez le code pays (FR) de l'adresse de livraison.",
        "BT-80",
        "BG-15",
    ),
    "BR-61": R(
        "L'IBAN est absent alors que le paiement est demandé par virement. Indiquez l'IBAN du compte à "
        "créditer dans les coordonnées bancaires de votre entreprise.",
        "BT-84",
        "BT-81",
    ),
    "BR-62": R(
        "L'adresse électronique du vendeur n'indique pas son type. Elle doit préciser son schéma (0225 pour "
        "un SIREN, 0009 pour un SIRET, EM pour un courriel) : c'est votre logiciel qui l'écrit.",
        "BT-34",
        "BT-34-1",
    ),
    "BR-63": R(
        "L'adresse électronique de l'acheteur n'indique pas son type. Elle doit préciser son schéma (0225 "
        "pour un SIREN, 0009 pour un SIRET, EM pour un courriel) : c'est votre logiciel qui l'écrit.",
        "BT-49",
        "BT-49-1",
    ),
    "BR-64": R(
        "L'identifiant standard d'un article n'indique pas son type. Précisez le système de codification "
        "(0160 pour un code EAN/GTIN) ou retirez ce code de l'article.",
        "BT-157",
    ),
    "BR-65": R(
        "La classification d'un article n'indique pas son type. Précisez la nomenclature utilisée (code de "
        "liste UNTDID 7143) ou retirez cette classification de l'article.",
        "BT-158",
    ),
    # Consistency rules.
    "BR-CO-03": R(
        "La date d'exigibilité de la TVA et son code sont tous deux indiqués. Il faut l'un ou l'autre : une "
        "date précise, ou un code (par exemple « TVA sur les débits »), pas les deux.",
        "BT-7",
        "BT-8",
    ),
    "BR-CO-04": R(
        "Une ligne de facture n'a pas de catégorie de TVA. Choisissez le taux de TVA de l'article ou de la "
        "prestation sur chaque ligne.",
        "BT-151",
        "BG-25",
    ),
    "BR-CO-05": R(
        "Le motif d'une remise et son code ne disent pas la même chose. Mettez en accord le code du motif "
        "et son libellé, ou ne gardez que l'un des deux.",
        "BT-98",
        "BT-97",
    ),
    "BR-CO-06": R(
        "Le motif de frais et son code ne disent pas la même chose. Mettez en accord le code du motif et "
        "son libellé, ou ne gardez que l'un des deux.",
        "BT-105",
        "BT-104",
    ),
    "BR-CO-07": R(
        "Le motif d'une remise sur ligne et son code ne disent pas la même chose. Mettez en accord le code "
        "du motif et son libellé, ou ne gardez que l'un des deux.",
        "BT-140",
        "BT-139",
    ),
    "BR-CO-08": R(
        "Le motif de frais sur ligne et son code ne disent pas la même chose. Mettez en accord le code du "
        "motif et son libellé, ou ne gardez que l'un des deux.",
        "BT-145",
        "BT-144",
    ),
    "BR-CO-09": R(
        "Un numéro de TVA intracommunautaire ne commence pas par le code du pays. Il doit commencer par les "
        "deux lettres du pays, par exemple FR suivi de 11 chiffres ; corrigez-le dans la fiche société ou "
        "la fiche client.",
        "BT-31",
        "BT-48",
        "BT-63",
    ),
    "BR-CO-10": R(
        "La somme des lignes HT ne correspond pas au détail des lignes. Le total des montants HT des lignes "
        "(BT-106) doit être égal à l'addition des montants HT de chaque ligne (BT-131) : régénérez la "
        "facture depuis votre logiciel sans modifier les totaux à la main.",
        "BT-106",
        "BT-131",
    ),
    "BR-CO-11": R(
        "Le total des remises ne correspond pas au détail des remises. Le total des remises sur le document "
        "(BT-107) doit être égal à l'addition des remises (BT-92).",
        "BT-107",
        "BT-92",
    ),
    "BR-CO-12": R(
        "Le total des frais ne correspond pas au détail des frais. Le total des frais sur le document "
        "(BT-108) doit être égal à l'addition des frais (BT-99).",
        "BT-108",
        "BT-99",
    ),
    "BR-CO-13": R(
        "Le total HT ne correspond pas aux lignes, remises et frais. Le montant total HT (BT-109) doit être "
        "égal à la somme des lignes HT (BT-131), moins les remises (BT-107), plus les frais (BT-108) : "
        "vérifiez les remises globales et les arrondis.",
        "BT-109",
        "BT-106",
        "BT-107",
        "BT-108",
    ),
    "BR-CO-14": R(
        "Le total de TVA ne correspond pas au récapitulatif par taux. Le montant total de la TVA (BT-110) "
        "doit être égal à l'addition des montants de TVA de chaque taux (BT-117).",
        "BT-110",
        "BT-117",
    ),
    "BR-CO-15": R(
        "Le total TTC ne correspond pas au total HT plus la TVA. Le montant total TTC (BT-112) doit être "
        "égal au total HT (BT-109) plus le total de la TVA (BT-110) : vérifiez les arrondis et régénérez la "
        "facture plutôt que de modifier un total à la main.",
        "BT-112",
        "BT-109",
        "BT-110",
    ),
    "BR-CO-16": R(
        "Le net à payer ne correspond pas au total TTC moins l'acompte. Le net à payer (BT-115) doit être "
        "égal au total TTC (BT-112), moins le montant déjà payé (BT-113), plus l'arrondi éventuel (BT-114).",
        "BT-115",
        "BT-112",
        "BT-113",
        "BT-114",
    ),
    "BR-CO-17": R(
        "Le montant de TVA d'un taux ne correspond pas à sa base. Pour chaque taux, la TVA (BT-117) doit "
        "être égale à la base HT (BT-116) multipliée par le taux (BT-119), arrondie au centime : calculez "
        "la TVA sur le total par taux plutôt que ligne par ligne.",
        "BT-117",
        "BT-116",
        "BT-119",
    ),
    "BR-CO-18": R(
        "Le récapitulatif de TVA est absent. La facture doit récapituler la TVA par taux (base HT, taux, "
        "montant), même si la TVA est nulle.",
        "BG-23",
    ),
    "BR-CO-19": R(
        "La période de facturation est vide. Indiquez au moins sa date de début ou sa date de fin, ou "
        "retirez la période.",
        "BG-14",
        "BT-73",
        "BT-74",
    ),
    "BR-CO-20": R(
        "La période d'une ligne est vide. Indiquez au moins sa date de début ou sa date de fin, ou retirez "
        "la période de la ligne.",
        "BG-26",
        "BT-134",
        "BT-135",
    ),
    "BR-CO-21": R(
        "Une remise sur le document n'a pas de motif. Indiquez un motif (texte, code, ou les deux), par "
        "exemple « Remise commerciale ».",
        "BG-20",
        "BT-97",
        "BT-98",
    ),
    "BR-CO-22": R(
        "Des frais sur le document n'ont pas de motif. Indiquez un motif (texte, code, ou les deux), par "
        "exemple « Frais de port ».",
        "BG-21",
        "BT-104",
        "BT-105",
    ),
    "BR-CO-23": R(
        "Une remise sur une ligne n'a pas de motif. Indiquez un motif (texte, code, ou les deux).",
        "BG-27",
        "BT-139",
        "BT-140",
    ),
    "BR-CO-24": R(
        "Des frais sur une ligne n'ont pas de motif. Indiquez un motif (texte, code, ou les deux).",
        "BG-28",
        "BT-144",
        "BT-145",
    ),
    "BR-CO-25": R(
        "Ni la date d'échéance ni les conditions de paiement ne sont indiquées alors qu'un montant reste à "
        "payer. Renseignez la date d'échéance ou les conditions de règlement (par exemple « 30 jours à "
        "réception »).",
        "BT-9",
        "BT-20",
        "BT-115",
    ),
    "BR-CO-26": R(
        "Le vendeur n'est pas identifié. Indiquez au moins votre SIRET, votre SIREN ou votre numéro de TVA "
        "intracommunautaire dans les paramètres de la société.",
        "BT-29",
        "BT-30",
        "BT-31",
    ),
    "BR-CO-27": R(
        "Le compte de paiement n'est ni un IBAN ni un identifiant de compte reconnu. Indiquez l'IBAN du "
        "compte à créditer.",
        "BT-84",
    ),
}
