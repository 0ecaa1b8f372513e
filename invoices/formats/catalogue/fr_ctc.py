"""French CTC rules of the 2026 reform (BR-FR-01 … BR-FR-32, XP Z12-012), for CII and UBL.

The official texts are in French, written for developers (they name XML elements): the French here is for
the supplier, the English ours. Chorale reports these rules as warnings unless the recipient asks for them
as errors (ValidationConfig.ctc_as_errors).
"""

from invoices.formats.catalogue.rule import R
from invoices.formats.catalogue.terms import label

_NUMBER_LENGTH = (
    "Le numéro {what} dépasse 35 caractères. La réforme limite les numéros de facture à 35 caractères : "
    "raccourcissez la numérotation dans les paramètres de votre logiciel.",
    "The {what_en} number is longer than 35 characters, the limit of the French reform.",
)
_NUMBER_CHARACTERS = (
    "Le numéro {what} contient des caractères non admis. Seuls les lettres sans accent, les chiffres et les "
    "signes - + _ / sont admis, sans espace : adaptez le modèle de numérotation de votre logiciel.",
    "The {what_en} number holds characters that are not allowed: only letters, digits and - + _ / are, "
    "without spaces.",
)
# (term, French "de …" for the number, English)
_NUMBERS = {
    "BT-1": ("de facture", "invoice"),
    "BT-25": ("de la facture d'origine", "preceding invoice"),
    "EXT-FR-FE-136": ("de la facture d'origine indiqué sur une ligne", "line preceding invoice"),
}


def _numbers() -> dict:
    rules = {}
    for term, (what, what_en) in _NUMBERS.items():
        length = R(
            _NUMBER_LENGTH[0].format(what=what),
            term,
            en=_NUMBER_LENGTH[1].format(what_en=what_en),
        )
        characters = R(
            _NUMBER_CHARACTERS[0].format(what=what),
            term,
            en=_NUMBER_CHARACTERS[1].format(what_en=what_en),
        )
        rules[f"BR-FR-01_{term}"] = length
        rules[f"BR-FR-01_{term}-1"] = length
        rules[f"BR-FR-01_{term}-2"] = characters
        rules[f"BR-FR-02_{term}"] = characters
    return rules


def _dates() -> dict:
    rules = {}
    for rule, term in {
        "BR-FR-03_BT-2": "BT-2",
        "BR-FR-03_BT-7": "BT-7",
        "BR-FR-03_BT-9": "BT-9",
        "BR-FR-03_BT-26": "BT-26",
        "BR-FR-03_BT-72": "BT-72",
        "BR-FR-03_BT-73": "BT-73",
        "BR-FR-03_BT-74": "BT-74",
        "BR-FR-03_BT-134": "BT-134",
        "BR-FR-03_BT-135": "BT-135",
        "BR-FR-03_EXT-FR-FE-134": "BT-134",
        "BR-FR-03_EXT-FR-FE-135": "BT-135",
        "BR-FR-03_EXT-FR-FE-138": "EXT-FR-FE-138",
        "BR-FR-03_EXT-FR-FE-158": "EXT-FR-FE-158",
    }.items():
        rules[rule] = R(
            f"« {label(term)} » n'est pas une date valide entre 2000 et 2099. Vérifiez l'année "
            "saisie (une année à deux chiffres ou une faute de frappe donne souvent ce message).",
            term,
            en=f"The date '{label(term, 'en')}' is not a valid date between 2000 and 2099.",
        )
    return rules


_TYPES = "380, 381, 384, 386, 389, 393, 396, 500, 501, 502, 503, 261, 262, 471, 472, 473"


def _notes() -> dict:
    notes = {
        "PMT": (
            "l'indemnité forfaitaire pour frais de recouvrement",
            "« Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € »",
            "the fixed recovery fee",
        ),
        "PMD": (
            "les pénalités de retard",
            "« Pénalités de retard : trois fois le taux d'intérêt légal »",
            "the late payment penalties",
        ),
        "AAB": (
            "l'escompte",
            "« Pas d'escompte pour paiement anticipé »",
            "the early payment discount",
        ),
    }
    rules = {}
    for n, (code, (what, example, what_en)) in enumerate(notes.items(), start=1):
        missing = R(
            f"La mention obligatoire sur {what} est absente. Ajoutez-la dans les notes de la facture avec le "
            f"code sujet {code}, par exemple {example} ; la plupart des logiciels la reprennent des mentions "
            "légales de pied de facture.",
            "BT-22",
            "BT-21",
            "BG-1",
            en=f"The mandatory note on {what_en} (subject code {code}) is missing.",
        )
        rules[f"BR-FR-05_BT-22_{code}"] = missing
        rules[f"BR-FR-05_BT-22-{n}"] = missing
    twice = {
        "PMT": ("l'indemnité forfaitaire de recouvrement", "the fixed recovery fee"),
        "PMD": ("les pénalités de retard", "the late payment penalties"),
        "AAB": ("l'escompte", "the early payment discount"),
        "TXD": ("la mention fiscale", "the tax statement"),
    }
    for n, (code, (what, what_en)) in enumerate(twice.items(), start=1):
        rule = R(
            f"La mention sur {what} (code {code}) figure plusieurs fois dans les notes. Gardez une seule "
            f"note avec le code sujet {code}.",
            "BT-21",
            "BG-1",
            en=f"The note on {what_en} (subject code {code}) appears more than once.",
        )
        rules[f"BR-FR-06_BT-21_{code}"] = rule
        rules[f"BR-FR-06_BT-21-{n}"] = rule
    return rules


def _siret() -> dict:
    rules = {}
    for term in ("BT-29", "BT-46", "BT-60", "BT-71", "EXT-FR-FE-06", "EXT-FR-FE-46", "EXT-FR-FE-69",
                 "EXT-FR-FE-92", "EXT-FR-FE-115", "EXT-FR-FE-146"):  # fmt: skip
        rules[f"BR-FR-09_{term}"] = R(
            f"« {label(term)} » n'est pas un SIRET valide. Un SIRET compte 14 chiffres et "
            "commence par les 9 chiffres du SIREN de la même entreprise : vérifiez-le sur "
            "annuaire-entreprises.data.gouv.fr.",
            term,
            en=f"The SIRET given as '{label(term, 'en')}' is not 14 digits starting with the SIREN.",
        )
    return rules


def _electronic_addresses() -> dict:
    rules = {}
    for term in ("BT-34", "BT-49", "EXT-FR-FE-12", "EXT-FR-FE-29", "EXT-FR-FE-52", "EXT-FR-FE-75",
                 "EXT-FR-FE-98", "EXT-FR-FE-121"):  # fmt: skip
        rules[f"BR-FR-23_{term}"] = R(
            f"« {label(term)} » contient des caractères non admis. Elle ne peut "
            "contenir que des lettres, des chiffres et les signes - _ . (par exemple le SIREN, "
            "éventuellement suivi d'un suffixe).",
            term,
            en=f"The electronic address '{label(term, 'en')}' holds characters other than letters, digits "
            "and - _ .",
        )
        rules[f"BR-FR-25_{term}"] = R(
            f"« {label(term)} » dépasse 125 caractères. Raccourcissez-la.",
            term,
            en=f"The electronic address '{label(term, 'en')}' is longer than 125 characters.",
        )
    return rules


def _private_identifiers() -> dict:
    rules = {}
    for term in ("BT-29", "BT-46"):
        rules[f"BR-FR-24_{term}"] = R(
            f"« {label(term)} » contient des caractères non admis. Il ne peut contenir que des "
            "lettres, des chiffres et les signes - _ .",
            term,
            en=f"The identifier '{label(term, 'en')}' holds characters other than letters, digits and - _ .",
        )
        rules[f"BR-FR-26_{term}"] = R(
            f"« {label(term)} » dépasse 100 caractères. Raccourcissez-le.",
            term,
            en=f"The identifier '{label(term, 'en')}' is longer than 100 characters.",
        )
    return rules


def _vat_categories() -> dict:
    rules = {}
    for rule, term in {
        "BR-FR-15_BT-95_BT-102": "BT-95",
        "BR-FR-15_BT-95_BT-102-1": "BT-95",
        "BR-FR-15_BT-95_BT-118": "BT-118",
        "BR-FR-15_BT-118-1": "BT-118",
        "BR-FR-15_BT-95_BT-151": "BT-151",
        "BR-FR-15_BT-151-1": "BT-151",
    }.items():
        rules[rule] = R(
            f"« {label(term)} » n'est pas une catégorie de TVA admise. Utilisez S (taux normal ou réduit), E "
            "(exonéré), AE (autoliquidation), K (livraison intracommunautaire), G (export), O (hors champ) "
            "ou Z (taux zéro).",
            term,
            en=f"The VAT category '{label(term, 'en')}' is not one of S, E, AE, K, G, O, Z.",
        )
    for rule, term in {
        "BR-FR-15_BT-95_BT-102-2": "BT-95",
        "BR-FR-15_BT-95_BT-102_LM": "BT-95",
        "BR-FR-15_BT-95_BT-118_LM": "BT-118",
        "BR-FR-15_BT-118-2": "BT-118",
        "BR-FR-15_BT-95_BT-151_LM": "BT-151",
        "BR-FR-08_BT-151-2": "BT-151",
    }.items():
        rules[rule] = R(
            f"« {label(term)} » vaut L ou M, des impôts des Canaries, de Ceuta et de "
            "Melilla sans objet en France. Choisissez la catégorie de TVA française qui s'applique (S pour "
            "la TVA au taux normal ou réduit).",
            term,
            en=f"The VAT category '{label(term, 'en')}' is L or M, which do not apply in France.",
        )
    for rule, term in {
        "BR-FR-16_BT-96": "BT-96",
        "BR-FR-16_BT-96_BT-103": "BT-96",
        "BR-FR-16_BT-103": "BT-103",
        "BR-FR-16_BT-119": "BT-119",
        "BR-FR-16_BT-152": "BT-152",
    }.items():
        rules[rule] = R(
            f"« {label(term)} » n'est pas un taux de TVA français. Les taux admis sont ceux de la "
            "TVA française (20, 10, 8,5, 5,5, 2,1, 0…), écrits sans le signe % : vérifiez le taux de "
            "l'article ou de la ligne.",
            term,
            en=f"The VAT rate '{label(term, 'en')}' is not a French VAT rate (written without %).",
        )
    return rules


RULES = {}
for _part in (_numbers, _dates, _notes, _siret, _electronic_addresses, _private_identifiers, _vat_categories):
    RULES.update(_part())

RULES.update(
    {
        "BR-FR-04_BT-3": R(
            "Le type de document n'est pas admis par la réforme. Les codes admis sont "
            + _TYPES
            + " : 380 pour "
            "une facture, 381 pour un avoir, 384 pour une facture rectificative, 386 pour une facture "
            "d'acompte.",
            "BT-3",
            en="The invoice type code is not one of those the French reform allows (" + _TYPES + ").",
        ),
        "BR-FR-04_EXT-FR-FE-02": R(
            "Le type du document référencé n'est pas admis par la réforme. Les codes admis sont "
            + _TYPES
            + ".",
            "EXT-FR-FE-02",
            en="The referenced document type code is not one the French reform allows (" + _TYPES + ").",
        ),
        "BR-FR-04_EXT-FR-FE-137": R(
            "Le type du document référencé sur une ligne n'est pas admis par la réforme. Les codes admis "
            "sont " + _TYPES + ".",
            "EXT-FR-FE-137",
            en="The line referenced document type code is not one the French reform allows (" + _TYPES + ").",
        ),
        "BR-FR-08_BT-23": R(
            "Le cadre de facturation est absent ou n'est pas admis. La réforme impose un code : B1 pour une "
            "facture de biens, S1 pour une facture de services, M1 pour une facture mixte (B2, S2, M2 si "
            "elle est déjà payée ; B4, S4, M4 pour une facture définitive après acompte…) ; choisissez-le "
            "dans les paramètres de facturation électronique de votre logiciel.",
            "BT-23",
            en="The business process type (French 'cadre de facturation', B1, S1, M1…) is missing or not "
            "allowed.",
        ),
        "BR-FR-10_BT-30": R(
            "Le SIREN du vendeur est absent ou invalide. Indiquez votre SIREN (9 chiffres) comme "
            "identifiant légal dans les paramètres de la société ; un SIRET (14 chiffres) n'en tient pas "
            "lieu.",
            "BT-30",
            en="The Seller's SIREN (legal registration identifier, 9 digits, scheme 0002) is missing or "
            "invalid.",
        ),
        "BR-FR-11_BT-47": R(
            "Le SIREN de l'acheteur est absent ou invalide alors que la facture est entre entreprises "
            "(B2B). Indiquez son SIREN (9 chiffres) dans la fiche client.",
            "BT-47",
            en="The Buyer's SIREN (9 digits) is missing or invalid on a business-to-business (B2B) invoice.",
        ),
        "BR-FR-12_BT-49": R(
            "L'adresse électronique de facturation de l'acheteur est absente. La réforme l'impose : c'est "
            "l'adresse où l'acheteur reçoit ses factures, en général son SIREN ; elle figure dans "
            "l'annuaire de la facturation électronique.",
            "BT-49",
            en="The Buyer electronic address (BT-49) is missing.",
        ),
        "BR-FR-13_BT-34": R(
            "L'adresse électronique de facturation du vendeur est absente. La réforme l'impose : indiquez "
            "l'adresse sous laquelle vous êtes inscrit dans l'annuaire (en général votre SIREN) dans les "
            "paramètres de la société.",
            "BT-34",
            en="The Seller electronic address (BT-34) is missing.",
        ),
        "BR-FR-17_BT-123": R(
            "La nature d'une pièce jointe n'est pas un code admis. Décrivez chaque pièce jointe avec un "
            "code de la liste de la réforme (par exemple LISIBLE pour la version lisible de la facture, RIB "
            "pour un relevé d'identité bancaire).",
            "BT-123",
            en="The supporting document description (BT-123) is not a code the French reform allows.",
        ),
        "BR-FR-18_BT-123": R(
            "Plusieurs pièces jointes sont présentées comme la version lisible de la facture. Une seule "
            "pièce jointe peut avoir la description LISIBLE.",
            "BT-123",
            en="More than one supporting document is described as 'LISIBLE' (the readable copy).",
        ),
        "BR-FR-20_BT-21": R(
            "La note sur le type d'opération (code BAR) n'a pas une valeur admise. Sa valeur doit être B2B, "
            "B2BINT, B2C, B2CINT, OUTOFSCOPE ou ARCHIVEONLY.",
            "BT-21",
            "BT-22",
            en="A note with subject code BAR holds a value other than B2B, B2BINT, B2C, B2CINT, OUTOFSCOPE, "
            "ARCHIVEONLY.",
        ),
        "BR-FR-21_BT-49": R(
            "L'adresse électronique de l'acheteur ne correspond pas à son SIREN. Entre entreprises, hors "
            "autofacturation, elle doit commencer par le SIREN de l'acheteur et être du type 0225 : "
            "reprenez l'adresse publiée dans l'annuaire de la facturation électronique.",
            "BT-49",
            "BT-49-1",
            "BT-47",
            en="On a B2B invoice that is not self-billed, the Buyer electronic address shall start with the "
            "Buyer's SIREN and use scheme 0225.",
        ),
        "BR-FR-22_BT-34": R(
            "L'adresse électronique du vendeur ne correspond pas à son SIREN. En autofacturation entre "
            "entreprises, elle doit commencer par le SIREN du vendeur et être du type 0225.",
            "BT-34",
            "BT-34-1",
            "BT-30",
            en="On a self-billed B2B invoice, the Seller electronic address shall start with the Seller's "
            "SIREN and use scheme 0225.",
        ),
        "BR-FR-27_BG-32": R(
            "Une caractéristique d'article n'a ni nom ni code. Donnez à chaque caractéristique un nom ou un "
            "code.",
            "BG-32",
            "BT-160",
            "EXT-FR-FE-159",
            en="An item attribute (BG-32) has neither a name (BT-160) nor a code.",
        ),
        "BR-FR-27_BT-160": R(
            "Le nom d'une caractéristique d'article est vide. Donnez-lui un nom, ou utilisez un code.",
            "BT-160",
            en="An item attribute name (BT-160) is empty.",
        ),
        "BR-FR-27_EXT-FR-FE-159": R(
            "Le code d'une caractéristique d'article est vide. Donnez-lui un code, ou utilisez un nom.",
            "EXT-FR-FE-159",
            en="An item attribute code is empty.",
        ),
        "BR-FR-28-Value": R(
            "Une caractéristique d'article a une valeur manquante ou en double. Donnez-lui soit une valeur "
            "en texte, soit une valeur mesurée avec son unité, mais pas les deux.",
            "BT-161",
            "EXT-FR-FE-160",
            en="An item attribute has both or neither a value and a measured value with its unit.",
        ),
        "BR-FR-29_AFL": R(
            "Un identifiant d'objet facturé de type AFL (numéro de sous-facture) est vide. Renseignez-le ou "
            "retirez-le.",
            "BT-18",
            en="An invoiced object identifier of scheme AFL is empty.",
        ),
        "BR-FR-29_AVV": R(
            "Un identifiant d'objet facturé de type AVV est vide. Renseignez-le ou retirez-le.",
            "BT-18",
            en="An invoiced object identifier of scheme AVV is empty.",
        ),
        "BR-FR-29_BT-18": R(
            "Un identifiant d'objet facturé de type AFL ou AVV figure plusieurs fois. Chacun de ces deux "
            "types ne peut figurer qu'une fois.",
            "BT-18",
            en="The invoiced object identifier schemes AFL and AVV shall each appear at most once.",
        ),
        "BR-FR-30_AFL": R(
            "Un identifiant d'objet facturé de type AFL est vide sur une ligne. Renseignez-le ou retirez-le.",
            "BT-128",
            en="An invoice line object identifier of scheme AFL is empty.",
        ),
        "BR-FR-30_AVV": R(
            "Un identifiant d'objet facturé de type AVV est vide sur une ligne. Renseignez-le ou retirez-le.",
            "BT-128",
            en="An invoice line object identifier of scheme AVV is empty.",
        ),
        "BR-FR-30_BT-128": R(
            "Un identifiant d'objet de type AFL ou AVV figure plusieurs fois sur une ligne. Chacun de ces "
            "deux types ne peut figurer qu'une fois par ligne.",
            "BT-128",
            "BT-128-1",
            en="On an invoice line, the object identifier schemes AFL and AVV shall appear once at most.",
        ),
        "BR-FR-30_BT-21": R(
            "Plusieurs notes donnent le type d'opération (code BAR) avec des valeurs différentes. Gardez "
            "une seule valeur parmi B2B, B2BINT, B2C, B2CINT, OUTOFSCOPE et ARCHIVEONLY.",
            "BT-21",
            "BT-22",
            en="Several notes with subject code BAR give different values; only one is allowed.",
        ),
        "BR-FR-31_BT-21": R(
            "Plusieurs notes donnent le type d'opération (code BAR) avec des valeurs différentes. Gardez "
            "une seule valeur parmi B2B, B2BINT, B2C, OUTOFSCOPE et ARCHIVEONLY.",
            "BT-21",
            "BT-22",
            en="Several notes with subject code BAR give different values; only one is allowed.",
        ),
        "BR-FR-32-GLOBALID": R(
            "Un identifiant de type SIREN (0002 ou 0231) ne compte pas 9 chiffres. Indiquez le SIREN sur 9 "
            "chiffres, ou changez le type : pour un SIRET (14 chiffres), le type est 0009.",
            "BT-29",
            "BT-46",
            en="A party identifier with scheme 0002 or 0231 (SIREN) is not 9 digits.",
        ),
        "BR-FR-32-ID": R(
            "Un identifiant de type SIREN (0002) ne compte pas 9 chiffres. Indiquez le SIREN sur 9 "
            "chiffres, ou changez le type : pour un SIRET (14 chiffres), le type est 0009.",
            "BT-29",
            "BT-46",
            en="A party identifier with scheme 0002 (SIREN) is not 9 digits.",
        ),
        "BR-FR-32-LEGALID": R(
            "Un SIREN ne compte pas 9 chiffres. L'identifiant légal de type 0002 doit être le SIREN (9 "
            "chiffres) ; un SIRET (14 chiffres) y est souvent mis par erreur.",
            "BT-30",
            "BT-47",
            "BT-61",
            en="A legal registration identifier with scheme 0002 (SIREN) is not 9 digits.",
        ),
    }
)
