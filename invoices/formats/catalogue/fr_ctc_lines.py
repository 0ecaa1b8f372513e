"""French CTC rules of the 2026 reform on consistency (BR-FR-CO-*), number formats (BR-FR-DEC-*) and
multi-vendor invoices (BR-FR-MV-*, BR-FR-BD-*, "cadre de facturation" 8 and 9), for CII and UBL."""

from invoices.formats.catalogue.rule import R
from invoices.formats.catalogue.terms import label

_SELF_BILLED = "389, 261, 500, 501, 502, 471, 473"


def _identifier_schemes() -> dict:
    rules = {}
    for term, scheme in {
        "BT-29": "BT-29-1",
        "BT-46": "BT-46-1",
        "BT-60": "BT-60-1",
        "BT-71": "BT-71-1",
        "EXT-FR-FE-06": "EXT-FR-FE-07",
        "EXT-FR-FE-46": "EXT-FR-FE-47",
        "EXT-FR-FE-69": "EXT-FR-FE-70",
        "EXT-FR-FE-92": "EXT-FR-FE-92",
        "EXT-FR-FE-115": "EXT-FR-FE-116",
        "EXT-FR-FE-146": "EXT-FR-FE-148",
    }.items():
        rules[f"BR-FR-CO-10_{term}-1"] = R(
            f"« {label(term)} » n'indique pas son type. Précisez le type de l'identifiant : 0009 pour un "
            "SIRET, 0002 pour un SIREN, 0088 pour un GLN.",
            term,
            scheme,
            en=f"The '{label(term, 'en')}' has no scheme identifier.",
        )
        rules[f"BR-FR-CO-10_{term}-2"] = R(
            f"« {label(term)} » est donné plusieurs fois avec le même type. Gardez un seul identifiant par "
            "type (un seul SIRET, un seul GLN…).",
            term,
            scheme,
            en=f"A scheme identifier appears more than once in the '{label(term, 'en')}'.",
        )
    return rules


def _decimals() -> dict:
    rules = {}
    for rule, term in {
        "BR-FR-DEC-01_BT-92_BT-99": "BT-92",
        "BR-FR-DEC-01_BT-93_BT-100": "BT-93",
        "BR-FR-DEC-01_BT-106": "BT-106",
        "BR-FR-DEC-01_BT-107": "BT-107",
        "BR-FR-DEC-01_BT-108": "BT-108",
        "BR-FR-DEC-01_BT-109": "BT-109",
        "BR-FR-DEC-01_BT-110": "BT-110",
        "BR-FR-DEC-01_BT-111": "BT-111",
        "BR-FR-DEC-01_BT-112": "BT-112",
        "BR-FR-DEC-01_BT-113": "BT-113",
        "BR-FR-DEC-01_BT-114": "BT-114",
        "BR-FR-DEC-01_BT-115": "BT-115",
        "BR-FR-DEC-01_BT-116": "BT-116",
        "BR-FR-DEC-01_BT-117": "BT-117",
        "BR-FR-DEC-01_BT-131": "BT-131",
        "BR-FR-DEC-01_BT-136_BT-141": "BT-136",
        "BR-FR-DEC-01_BT-137_BT-142": "BT-137",
    }.items():
        rules[rule] = R(
            f"Le montant « {label(term)} » n'est pas écrit comme la réforme l'exige. Un montant a au plus "
            "deux décimales et 19 chiffres, avec un point comme séparateur : arrondissez-le au centime.",
            term,
            en=f"The amount '{label(term, 'en')}' has more than 2 decimals or 19 digits, or a separator "
            "other than a point.",
        )
    for rule, term in {"BR-FR-DEC-02_BT-129": "BT-129", "BR-FR-DEC-02_BT-149": "BT-149"}.items():
        rules[rule] = R(
            f"La quantité « {label(term)} » n'est pas écrite comme la réforme l'exige. Une quantité a au "
            "plus quatre décimales et 19 chiffres : arrondissez-la.",
            term,
            en=f"The quantity '{label(term, 'en')}' has more than 4 decimals or 19 digits.",
        )
    for rule, term in {
        "BR-FR-DEC-03_BT-146": "BT-146",
        "BR-FR-DEC-03_BT-147": "BT-147",
        "BR-FR-DEC-03_BT-148": "BT-148",
    }.items():
        rules[rule] = R(
            f"Le prix « {label(term)} » n'est pas écrit comme la réforme l'exige. Un prix est positif, avec "
            "au plus six décimales et 19 chiffres : pour déduire un montant, utilisez une remise ou une "
            "quantité négative.",
            term,
            en=f"The price '{label(term, 'en')}' is negative or has more than 6 decimals or 19 digits.",
        )
    for rule, term in {
        "BR-FR-DEC-04_BT-96_BT-103": "BT-96",
        "BR-FR-DEC-04_BT-119": "BT-119",
        "BR-FR-DEC-04_BT-152": "BT-152",
    }.items():
        rules[rule] = R(
            f"Le taux « {label(term)} » n'est pas écrit comme la réforme l'exige. Un taux de TVA est "
            "positif, avec au plus deux décimales, sans le signe % (par exemple 20 ou 5.5).",
            term,
            en=f"The rate '{label(term, 'en')}' is negative, has more than 2 decimals or more than 4 digits.",
        )
    return rules


RULES = {**_identifier_schemes(), **_decimals()}

RULES.update(
    {
        "BR-FR-CO-03_BT-3": R(
            "Un avoir de remise globale (type 262) doit citer le contrat et la période concernés. Indiquez "
            "la référence du contrat et les dates de début et de fin de la période de facturation.",
            "BT-3",
            "BT-12",
            "BG-14",
            en="A global allowance credit note (type 262) shall give the contract reference (BT-12) and the "
            "invoicing period (BG-14).",
        ),
        "BR-FR-CO-04_BT-3": R(
            "Une facture rectificative doit citer une et une seule facture d'origine, avec sa date. "
            "Indiquez le numéro et la date de la facture que vous corrigez.",
            "BT-25",
            "BT-26",
            "BT-3",
            en="A corrective invoice (384, 471, 472, 473) shall give exactly one preceding invoice reference "
            "(BT-25) with its date (BT-26).",
        ),
        "BR-FR-CO-05_BT-3": R(
            "Un avoir doit citer la facture qu'il annule ou réduit. Indiquez le numéro et la date de la "
            "facture d'origine, pour tout l'avoir ou sur chacune de ses lignes.",
            "BT-25",
            "BT-26",
            "BT-3",
            en="A credit note shall give a preceding invoice reference (BT-25) with its date (BT-26), for "
            "the whole document or on each line.",
        ),
        "BR-FR-CO-07_BT-9": R(
            "La date d'échéance est antérieure à la date de facture. Corrigez l'échéance ; seules une "
            "facture d'acompte ou une facture déjà payée (cadre B2, S2, M2) peuvent avoir une échéance "
            "antérieure.",
            "BT-9",
            "BT-2",
            en="The payment due date (BT-9) is before the invoice issue date (BT-2).",
        ),
        "BR-FR-CO-08_BT-23": R(
            "Une facture d'acompte ne peut pas être une facture définitive après acompte. Avec le cadre de "
            "facturation B4, S4 ou M4, le type de document ne peut pas être 386, 500 ou 503 : choisissez "
            "380.",
            "BT-23",
            "BT-3",
            en="With a business process type B4, S4 or M4 (final invoice after down payment) the type code "
            "cannot be a down payment (386, 500, 503).",
        ),
        "BR-FR-CO-09_BT-23-1": R(
            "Une facture déjà payée doit indiquer un montant payé égal au total TTC. Avec le cadre de "
            "facturation B2, S2 ou M2, renseignez le montant déjà payé (BT-113) à hauteur du total TTC.",
            "BT-113",
            "BT-112",
            "BT-23",
            en="With a business process type B2, S2 or M2 (already paid) the paid amount (BT-113) shall "
            "equal the total with VAT (BT-112).",
        ),
        "BR-FR-CO-09_BT-23-2": R(
            "Une facture déjà payée doit avoir un net à payer nul. Avec le cadre de facturation B2, S2 ou "
            "M2, le net à payer doit être 0,00.",
            "BT-115",
            "BT-23",
            en="With a business process type B2, S2 or M2 (already paid) the amount due (BT-115) shall be 0.",
        ),
        "BR-FR-CO-09_BT-23-3": R(
            "Une facture déjà payée doit indiquer la date du paiement comme échéance. Avec le cadre de "
            "facturation B2, S2 ou M2, renseignez la date d'échéance à la date du paiement.",
            "BT-9",
            "BT-23",
            en="With a business process type B2, S2 or M2 (already paid) the due date (BT-9) shall be the "
            "date of payment.",
        ),
        "BR-FR-CO-12_BT-5": R(
            "Une facture en devise étrangère doit donner la TVA en euros. Indiquez l'euro comme devise de "
            "comptabilisation de la TVA et le total de TVA en euros.",
            "BT-6",
            "BT-111",
            "BT-5",
            en="An invoice in a currency other than EUR shall give EUR as VAT accounting currency (BT-6) and "
            "the total VAT in EUR (BT-111).",
        ),
        "BR-FR-CO-14_BT-29-1": R(
            "Le vendeur est membre d'un assujetti unique mais la mention correspondante est absente. "
            "Ajoutez une note avec le code sujet TXD et le texte MEMBRE_ASSUJETTI_UNIQUE.",
            "BT-29-1",
            "BT-21",
            "BT-22",
            en="A Seller identified with scheme 0231 (member of a single VAT entity) requires a TXD note "
            "'MEMBRE_ASSUJETTI_UNIQUE'.",
        ),
        "BR-FR-CO-15_BT-29-1": R(
            "Le vendeur est membre d'un assujetti unique mais le numéro de TVA de l'assujetti unique est "
            "absent. Indiquez-le comme représentant fiscal du vendeur (numéro de TVA).",
            "BT-29-1",
            "BG-11",
            "BT-63",
            en="A Seller member of a single VAT entity (scheme 0231) shall give the entity's VAT number as "
            "tax representative (BG-11, BT-63).",
        ),
        # Multi-vendor invoices ("cadre de facturation" 8 and 9).
        "BR-FR-MV-01_EXT-FR-FE-163": R(
            "Une ligne n'a pas de sous-type alors que la facture est multi-vendeurs. Avec le cadre de "
            "facturation B8, S8, M8, B9, S9 ou M9, chaque ligne doit indiquer son sous-type (DETAIL ou "
            "GROUP).",
            "EXT-FR-FE-163",
            "BT-23",
            en="With a business process type 8 or 9 (multi-vendor), each invoice line shall have a subtype.",
        ),
        "BR-FR-MV-02_EXT-FR-FE-163": R(
            "La facture multi-vendeurs n'a pas de ligne de regroupement par vendeur. Avec le cadre de "
            "facturation B8, S8 ou M8, ajoutez au moins une ligne « GROUP » sans ligne parente.",
            "EXT-FR-FE-163",
            "EXT-FR-FE-162",
            en="With a business process type B8, S8 or M8, at least one GROUP line without parent is "
            "required.",
        ),
        "BR-FR-MV-03_BT-128_AFL": R(
            "Une ligne de regroupement n'a pas de numéro de sous-facture. Chaque ligne « GROUP » sans "
            "parente doit porter un identifiant d'objet de type AFL (numéro de sous-facture).",
            "BT-128",
            "BT-128-1",
            en="A GROUP line without parent shall have an object identifier (BT-128) of scheme AFL.",
        ),
        "BR-FR-MV-03_BT-128_AVV": R(
            "Une ligne de regroupement n'a pas de cadre de facturation propre. Chaque ligne « GROUP » sans "
            "parente doit porter un identifiant d'objet de type AVV donnant le cadre de facturation de la "
            "sous-facture (autre que 8 ou 9).",
            "BT-128",
            "BT-128-1",
            en="A GROUP line without parent shall have an object identifier (BT-128) of scheme AVV other "
            "than a type 8 or 9 process.",
        ),
        "BR-FR-MV-03_EXT-FR-FE-164": R(
            "Une ligne de regroupement ne donne pas le nom de son vendeur. Dans une facture multi-vendeurs, "
            "chaque ligne « GROUP » sans parente doit nommer le vendeur.",
            "EXT-FR-FE-164",
            en="A GROUP line without parent shall give its seller's name.",
        ),
        "BR-FR-MV-03_EXT-FR-FE-167": R(
            "Une ligne de regroupement ne donne pas le SIREN de son vendeur. Dans une facture "
            "multi-vendeurs, chaque ligne « GROUP » sans parente doit identifier le vendeur.",
            "EXT-FR-FE-167",
            en="A GROUP line without parent shall give its seller's legal identifier.",
        ),
        "BR-FR-MV-03_EXT-FR-FE-177": R(
            "Une ligne de regroupement ne donne pas le pays de son vendeur. Dans une facture "
            "multi-vendeurs, chaque ligne « GROUP » sans parente doit indiquer le code pays du vendeur.",
            "EXT-FR-FE-177",
            en="A GROUP line without parent shall give its seller's country code.",
        ),
        "BR-FR-MV-03_EXT-FR-FE-181": R(
            "Une ligne de regroupement ne donne pas son montant de TVA. Chaque ligne « GROUP » sans parente "
            "doit indiquer la TVA de la sous-facture dans la devise de la facture.",
            "EXT-FR-FE-181",
            en="A GROUP line without parent shall give its VAT amount in the invoice currency.",
        ),
        "BR-FR-MV-03_EXT-FR-FE-182": R(
            "Une ligne de regroupement ne donne pas son montant de TVA en devise de comptabilisation. Quand "
            "une devise de comptabilisation est indiquée, chaque ligne « GROUP » sans parente doit aussi "
            "donner sa TVA dans cette devise.",
            "EXT-FR-FE-182",
            "BT-6",
            en="A GROUP line without parent shall give its VAT amount in the VAT accounting currency (BT-6) "
            "when there is one.",
        ),
        "BR-FR-MV-05_EXT-FR-FE-BG-12": R(
            "Le montant d'une ligne de regroupement ne correspond pas à ses sous-lignes. Le montant HT "
            "d'une ligne « GROUP » doit être égal, au centime près par sous-ligne, à la somme des lignes "
            "qui lui sont rattachées.",
            "BT-131",
            "EXT-FR-FE-163",
            en="The net amount of a GROUP line shall equal the sum of its child lines, within 0.01 per line.",
        ),
        "BR-FR-MV-06_EXT-FR-FE-167": R(
            "Une ligne ne donne pas le SIREN de son vendeur, ou pas le même que sa ligne parente. Dans une "
            "facture multi-vendeurs, chaque ligne identifie son vendeur, le même que celui de sa ligne "
            "parente.",
            "EXT-FR-FE-167",
            "EXT-FR-FE-162",
            en="Each line shall give its seller's legal identifier, the same as its parent line's.",
        ),
        "BR-FR-MV-07_BT-128": R(
            "Une ligne ne donne pas de numéro de sous-facture, ou pas le même que sa ligne parente. Dans "
            "une facture multi-vendeurs, chaque ligne porte le numéro de sous-facture (type AFL) de sa "
            "ligne parente.",
            "BT-128",
            "EXT-FR-FE-162",
            en="Each line shall give a sub-invoice number (BT-128, scheme AFL), the same as its parent "
            "line's.",
        ),
        "BR-FR-MV-08_BT-128": R(
            "Une ligne ne relie pas sa TVA à sa sous-facture. Dans une facture multi-vendeurs, le motif "
            "d'exonération en texte de chaque ligne doit commencer par le numéro de sous-facture entre # "
            "(par exemple #SF-001#).",
            "BT-128",
            "BT-120",
            en="Each line's VAT exemption reason text shall start with the line's sub-invoice number "
            "between #.",
        ),
        "BR-FR-MV-09_EXT-FR-FE-181": R(
            "La TVA d'une ligne de regroupement ne correspond pas au récapitulatif de TVA. Elle doit être "
            "égale à la somme des montants de TVA (BT-117) dont le motif commence par le numéro de "
            "sous-facture entre #.",
            "EXT-FR-FE-181",
            "BT-117",
            en="The VAT amount of a GROUP line shall equal the sum of the VAT breakdown amounts (BT-117) "
            "whose reason starts with its sub-invoice number.",
        ),
        "BR-FR-MV-10_EXT-FR-FE-184": R(
            "Le montant TTC d'une ligne de regroupement ne correspond pas à son HT plus sa TVA. Il doit "
            "être égal, au centime près par sous-ligne, au montant HT de la ligne plus sa TVA.",
            "EXT-FR-FE-184",
            "BT-131",
            "EXT-FR-FE-181",
            en="The total with VAT of a GROUP line shall equal its net amount plus its VAT amount, within "
            "0.01 per child line.",
        ),
        "BR-FR-MV-11_BT-128": R(
            "Le vendeur principal n'a pas de ligne de regroupement portant le numéro de la facture. Quand "
            "le vendeur de l'en-tête facture aussi des lignes, une ligne « GROUP » sans parente à son SIREN "
            "doit porter le numéro de la facture comme numéro de sous-facture.",
            "BT-128",
            "BT-30",
            "BT-1",
            en="When the main Seller (BT-30) has lines, a GROUP line without parent with its identifier "
            "shall carry the invoice number (BT-1) as sub-invoice number.",
        ),
        "BR-FR-MV-12_BT-128": R(
            "Deux lignes de regroupement ont le même numéro de sous-facture. Chaque sous-facture (ligne « "
            "GROUP » sans parente) doit avoir un numéro distinct.",
            "BT-128",
            en="The sub-invoice numbers (BT-128, scheme AFL) of GROUP lines without parent shall be unique.",
        ),
        "BR-FR-MV-13_BT-3": R(
            "Le type de document est une autofacturation alors que le cadre de facturation ne l'est pas. "
            "Avec "
            "le cadre B8, S8 ou M8, le type ne peut pas être " + _SELF_BILLED + " : choisissez 380 ou 381.",
            "BT-3",
            "BT-23",
            en="With a business process type B8, S8 or M8 the type code cannot be a self-billed one ("
            + _SELF_BILLED
            + ").",
        ),
        "BR-FR-MV-14-EXT-FR-FE-136": R(
            "Une sous-facture rectificative ne cite pas sa facture d'origine. Dans une facture "
            "rectificative ou un avoir multi-vendeurs, chaque ligne « GROUP » sans parente doit donner le "
            "numéro de la facture d'origine.",
            "EXT-FR-FE-136",
            en="In a multi-vendor corrective invoice or credit note, each GROUP line without parent shall "
            "give the preceding invoice number.",
        ),
        "BR-FR-MV-14-EXT-FR-FE-138": R(
            "Une sous-facture rectificative ne donne pas la date de sa facture d'origine. Dans une facture "
            "rectificative ou un avoir multi-vendeurs, chaque ligne « GROUP » sans parente doit donner la "
            "date de la facture d'origine.",
            "EXT-FR-FE-138",
            en="In a multi-vendor corrective invoice or credit note, each GROUP line without parent shall "
            "give the preceding invoice date.",
        ),
        "BR-FR-MV-BD_BT-3": R(
            "Le type de document n'est pas une autofacturation alors que le cadre de facturation l'impose. "
            "Avec "
            "le cadre B9, S9 ou M9, le type doit être " + _SELF_BILLED + ".",
            "BT-3",
            "BT-23",
            en="With a business process type B9, S9 or M9 the type code shall be a self-billed one ("
            + _SELF_BILLED
            + ").",
        ),
        "BR-FR-BD-13_BT-3": R(
            "Le type de document n'est pas une autofacturation alors que le cadre de facturation l'impose. "
            "Avec "
            "le cadre B9, S9 ou M9, le type doit être " + _SELF_BILLED + ".",
            "BT-3",
            "BT-23",
            en="With a business process type B9, S9 or M9 the type code shall be a self-billed one ("
            + _SELF_BILLED
            + ").",
        ),
        "BR-FR-BD-02_EXT-FR-FE-163": R(
            "La facture n'a pas les deux lignes de regroupement attendues. Avec le cadre de facturation B9, "
            "S9 ou M9, la facture doit compter exactement deux lignes « GROUP » sans ligne parente.",
            "EXT-FR-FE-163",
            "BT-23",
            en="With a business process type B9, S9 or M9 the invoice shall have exactly two GROUP lines "
            "without parent.",
        ),
        "BR-FR-BD-02_BT-30": R(
            "Aucune ligne de regroupement ne porte le SIREN du vendeur. Avec le cadre de facturation B9, S9 "
            "ou M9, l'une des deux lignes « GROUP » doit avoir pour vendeur le vendeur de l'en-tête.",
            "BT-30",
            "EXT-FR-FE-167",
            en="With a business process type B9, S9 or M9 one of the two GROUP lines shall have the Seller's "
            "legal identifier (BT-30).",
        ),
        "BR-FR-BD-02_BT-31": R(
            "Aucune ligne de regroupement ne porte l'identifiant du vendeur. Avec le cadre de facturation "
            "B9, S9 ou M9, l'une des deux lignes « GROUP » doit avoir pour vendeur le vendeur de l'en-tête.",
            "BT-30",
            "BT-31",
            "EXT-FR-FE-167",
            en="With a business process type B9, S9 or M9 one of the two GROUP lines shall identify the "
            "Seller.",
        ),
        "BR-FR-BD-02_BT-47": R(
            "Aucune ligne de regroupement ne porte le SIREN de l'acheteur. Avec le cadre de facturation B9, "
            "S9 ou M9, l'une des deux lignes « GROUP » doit avoir pour vendeur l'acheteur de l'en-tête.",
            "BT-47",
            "EXT-FR-FE-167",
            en="With a business process type B9, S9 or M9 one of the two GROUP lines shall have the Buyer's "
            "legal identifier (BT-47) as line seller.",
        ),
        "BR-FR-BD-14-EXT-FR-FE-136": R(
            "Une sous-facture rectificative ne cite pas sa facture d'origine. Avec le cadre de facturation "
            "B9, S9 ou M9, dans une facture rectificative ou un avoir, chaque ligne « GROUP » sans parente "
            "doit donner le numéro de la facture d'origine.",
            "EXT-FR-FE-136",
            en="With a business process type B9, S9 or M9, in a corrective invoice or credit note each GROUP "
            "line without parent shall give the preceding invoice number.",
        ),
        "BR-FR-BD-14-EXT-FR-FE-138": R(
            "Une sous-facture rectificative ne donne pas la date de sa facture d'origine. Avec le cadre de "
            "facturation B9, S9 ou M9, dans une facture rectificative ou un avoir, chaque ligne « GROUP » "
            "sans parente doit donner la date de la facture d'origine.",
            "EXT-FR-FE-138",
            en="With a business process type B9, S9 or M9, in a corrective invoice or credit note each GROUP "
            "line without parent shall give the preceding invoice date.",
        ),
    }
)
# The CII stylesheet names the rectifying-invoice rule after BT-4 by mistake; the UBL one after BT-3.
RULES["BR-FR-CO-04_BT-4"] = RULES["BR-FR-CO-04_BT-3"]
