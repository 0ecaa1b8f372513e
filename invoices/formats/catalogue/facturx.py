"""Rules of the Factur-X profiles (BR-FXEXT-*, BR-FX-EN-*, PEPPOL) and of the French EXTENDED-CTC-FR
profile (BR-FREXT-*, CII-FREXT-*, UBL-FREXT-*) that are not per VAT category."""

from invoices.formats.catalogue.rule import R

_SUB_LINES = (
    " Ceci vaut pour les lignes de détail : une ligne de regroupement (sous-total « GROUP ») ou "
    "d'information en est dispensée si son sous-type est indiqué."
)

RULES = {
    "PEPPOL-EN16931-R008": R(
        "Le fichier contient un champ vide. Un champ sans valeur doit être omis plutôt qu'écrit vide : "
        "c'est votre logiciel qui produit le XML ; si le champ correspond à une donnée facultative, "
        "laissez-la vide dans le logiciel pour qu'il ne l'écrive pas, sinon signalez-le à son éditeur.",
        audience="technical",
    ),
    "BR-FX-EN-04": R(
        "La date de livraison ou la période de la prestation n'est pas indiquée. Hors facture d'acompte, "
        "indiquez la date de livraison (BT-72), la période de facturation (BG-14) ou la période de chaque "
        "ligne (BG-26) ; à défaut de date, le pays de livraison (BT-80) au moins.",
        "BT-72",
        "BG-14",
        "BG-26",
        "BT-80",
    ),
    "BR-EXT-CL-07": R(
        "Le type de l'identifiant d'objet facturé n'est pas un code UNTDID 1153. Indiquez un code de cette "
        "liste ou retirez l'identifiant d'objet.",
        "BT-18",
    ),
    "BR-FXEXT-01": R(
        "Une note a un code de sujet mais pas de texte. Donnez un texte à la note (ou son équivalent codé) "
        "; si les deux sont présents, ils doivent dire la même chose.",
        "BT-21",
        "BT-22",
        "BT-X-5",
    ),
    "BR-FXEXT-02": R(
        "Une note de ligne a un code de sujet mais pas de texte. Donnez un texte à la note de la ligne (ou "
        "son équivalent codé) ; si les deux sont présents, ils doivent dire la même chose.",
        "BT-X-10",
        "BT-127",
        "BT-X-9",
    ),
    "BR-FXEXT-03": R(
        "Un intervenant secondaire (livré, agent, expéditeur, facturant, payeur…) porte un identifiant "
        "fiscal autre qu'un numéro de TVA. Pour ces intervenants, seul le numéro de TVA intracommunautaire "
        "est admis.",
        "BT-X-161",
        "BT-X-223",
        "BT-X-481",
    ),
    "BR-FXEXT-04": R(
        "Le code d'une caractéristique d'article n'est pas dans la liste prévue. Pour être traitée "
        "automatiquement, une caractéristique codée doit utiliser la liste UNTDID 6313 étendue par Factur-X "
        "; sinon donnez-la en texte.",
        "BT-X-11",
        "BG-32",
    ),
    "BR-FXEXT-06": R(
        "Une ligne rattachée à une ligne parente n'a pas de sous-type. Indiquez le sous-type de la ligne "
        "(DETAIL pour une ligne ordinaire, GROUP pour un sous-total, INFORMATION pour une ligne indicative).",
        "BT-X-8",
        "BT-X-304",
    ),
    "BR-FXEXT-08": R(
        "Le montant d'un sous-total ne correspond pas aux lignes qu'il regroupe. Le montant HT d'une ligne "
        "« GROUP » doit être égal à la somme des lignes de niveau inférieur, qui doivent toutes avoir un "
        "montant.",
        "BT-131",
        "BT-X-8",
    ),
    "BR-FXEXT-11": R(
        "Une ligne renvoie à une ligne parente qui n'existe pas. Le numéro de ligne parente doit être celui "
        "d'une autre ligne de la facture.",
        "BT-X-304",
        "BT-126",
    ),
    "BR-FXEXT-12": R(
        "Un sous-total a un montant mais pas ses sous-totaux. Quand une ligne « GROUP » a un montant HT, "
        "les lignes « GROUP » qu'elle contient doivent en avoir un aussi.",
        "BT-131",
        "BT-X-8",
    ),
    "BR-FXEXT-BR-22": R(
        "Une ligne de facture n'a pas de quantité. Indiquez la quantité facturée." + _SUB_LINES,
        "BT-129",
        "BT-X-8",
    ),
    "BR-FXEXT-BR-23": R(
        "Une ligne de facture n'a pas d'unité de quantité. Choisissez une unité (pièce, heure, jour…) sur "
        "l'article ou la ligne." + _SUB_LINES,
        "BT-130",
        "BT-X-8",
    ),
    "BR-FXEXT-BR-24": R(
        "Une ligne de facture n'a pas de montant HT. Vérifiez la quantité et le prix de la ligne."
        + _SUB_LINES,
        "BT-131",
        "BT-X-8",
    ),
    "BR-FXEXT-BR-26": R(
        "Une ligne de facture n'a pas de prix unitaire net. Indiquez le prix unitaire HT de l'article."
        + _SUB_LINES,
        "BT-146",
        "BT-X-8",
    ),
    "BR-FXEXT-BR-38": R(
        "Des frais ou une taxe sur le document n'ont pas de motif. Indiquez un motif en texte, un code de "
        "motif ou, pour une taxe autre que la TVA, son code.",
        "BT-104",
        "BT-105",
        "BT-177",
        "BG-21",
    ),
    "BR-FXEXT-BR-44": R(
        "Des frais ou une taxe sur une ligne n'ont pas de motif. Indiquez un motif en texte, un code de "
        "motif ou, pour une taxe autre que la TVA, son code.",
        "BT-144",
        "BT-145",
        "BT-193",
        "BG-28",
    ),
    "BR-FXEXT-BR-54-1": R(
        "Une caractéristique d'article n'a ni nom ni code. Donnez à chaque caractéristique (couleur, "
        "taille…) un nom ou un code.",
        "BT-160",
        "BT-X-11",
        "BG-32",
    ),
    "BR-FXEXT-BR-54-2": R(
        "Une caractéristique d'article a une valeur manquante ou en double. Donnez-lui soit une valeur en "
        "texte, soit une valeur mesurée avec son unité, mais pas les deux.",
        "BT-161",
        "BT-X-12",
        "BG-32",
    ),
    "BR-FXEXT-CII-DT-097a": R(
        "Une date-heure n'est pas au format annoncé. Avec le format 205, elle s'écrit AAAAMMJJHHMMSS (par "
        "exemple 20260315143000) : c'est votre logiciel qui l'écrit.",
        audience="technical",
    ),
    "BR-FXEXT-CO-04": R(
        "Une ligne de facture n'a pas de catégorie de TVA. Choisissez le taux de TVA de l'article ou de la "
        "prestation." + _SUB_LINES,
        "BT-151",
        "BT-X-8",
    ),
    "BR-FXEXT-CO-10": R(
        "La somme des lignes HT ne correspond pas au détail des lignes. Le total des lignes HT (BT-106) "
        "doit être égal, au centime près par ligne, à l'addition des montants HT des lignes (BT-131).",
        "BT-106",
        "BT-131",
    ),
    "BR-FXEXT-CO-11": R(
        "Le total des remises ne correspond pas au détail des remises. Le total des remises (BT-107) doit "
        "être égal, au centime près par remise, à l'addition des remises (BT-92).",
        "BT-107",
        "BT-92",
    ),
    "BR-FXEXT-CO-12": R(
        "Le total des frais ne correspond pas au détail des frais. Le total des frais (BT-108) doit être "
        "égal, au centime près par montant, à l'addition des frais (BT-99) et des frais logistiques.",
        "BT-108",
        "BT-99",
        "BT-X-272",
    ),
    "BR-FXEXT-CO-13": R(
        "Le total HT ne correspond pas aux lignes, remises et frais. Le montant total HT (BT-109) doit être "
        "égal, au centime près par montant additionné, à la somme des lignes HT (BT-131), moins les remises "
        "(BT-92), plus les frais (BT-99).",
        "BT-109",
        "BT-131",
        "BT-92",
        "BT-99",
    ),
    "BR-FXEXT-CO-15": R(
        "Le total TTC ne correspond pas au total HT plus la TVA. Le montant total TTC (BT-112) doit être "
        "égal, au centime près par montant additionné, au total HT (BT-109) plus le total de la TVA "
        "(BT-110).",
        "BT-112",
        "BT-109",
        "BT-110",
    ),
    "BR-FXEXT-CO-16": R(
        "Le net à payer ne correspond pas au total TTC moins l'acompte. Le net à payer (BT-115) doit être "
        "égal au total TTC (BT-112), moins le montant déjà payé (BT-113), plus l'arrondi (BT-114) et les "
        "montants encaissés pour le compte de tiers (BT-179).",
        "BT-115",
        "BT-112",
        "BT-113",
        "BT-114",
        "BT-179",
    ),
    "CII-EXT-DT-018": R(
        "Un code de type figure là où le profil ne l'admet pas. Retirez ce code (TypeCode) : c'est votre "
        "logiciel qui l'écrit.",
        audience="technical",
    ),
    "CII-FREXT-CR-490": R(
        "Le taux de change de la TVA contient une donnée que le profil n'admet pas. Ne gardez que les "
        "devises et le taux de conversion : c'est votre logiciel qui l'écrit.",
        "BT-6",
        audience="technical",
    ),
    "CII-FREXT-DT-024": R(
        "Un code de type de référence figure là où le profil ne l'admet pas. Retirez-le (ReferenceTypeCode) "
        ": c'est votre logiciel qui l'écrit.",
        audience="technical",
    ),
    "CII-FREXT-SR-069": R(
        "La description d'un article figure plusieurs fois. Gardez une seule description par article.",
        "BT-154",
    ),
    "CII-FREXT-SR-072": R(
        "La valeur d'une caractéristique d'article figure plusieurs fois. Gardez une seule valeur par "
        "caractéristique.",
        "BT-161",
    ),
    "CII-FREXT-SR-106": R(
        "Les conditions de livraison d'une ligne contiennent autre chose que l'Incoterm et son lieu. Seuls "
        "le code Incoterm et le nom du lieu sont admis ; retirez le reste.",
        audience="technical",
    ),
    "CII-FREXT-SR-293": R(
        "Les conditions de livraison contiennent autre chose que l'Incoterm et son lieu. Seuls le code "
        "Incoterm et le nom du lieu sont admis ; retirez le reste.",
        audience="technical",
    ),
    "CII-FREXT-SR-366": R(
        "Le taux de change de la TVA contient une donnée que le profil n'admet pas. Ne gardez que les "
        "devises et le taux de conversion : c'est votre logiciel qui l'écrit.",
        "BT-6",
        audience="technical",
    ),
    "CII-FREXT-SR-439": R(
        "Un prix figure plusieurs fois pour le même article. Gardez un seul prix unitaire par ligne.",
        "BT-146",
        "BT-148",
    ),
    "CII-FREXTDT-027": R(
        "Une date de référence figure là où le profil ne l'admet pas. Retirez-la (FormattedIssueDateTime) : "
        "c'est votre logiciel qui l'écrit.",
        audience="technical",
    ),
    "UBL-FREXT-CR-410": R(
        "Les conditions de livraison contiennent autre chose que l'Incoterm et son lieu. Seuls le code "
        "Incoterm et le nom du lieu sont admis ; retirez le reste.",
        audience="technical",
    ),
    "UBL-FREXT-CR-645": R(
        "Les conditions de livraison d'une ligne contiennent autre chose que l'Incoterm et son lieu. Seuls "
        "le code Incoterm et le nom du lieu sont admis ; retirez le reste.",
        audience="technical",
    ),
    "UBL-FREXT-SR-48": R(
        "Une ligne de facture a plusieurs catégories de TVA ou aucune. Une ligne de détail doit avoir une "
        "et une seule catégorie de TVA ; une ligne de regroupement, une au plus.",
        "BT-151",
        "BT-X-8",
    ),
    # French EXTENDED-CTC-FR profile.
    "BR-FREXT-04": R(
        "Le code d'une caractéristique d'article n'est pas dans la liste prévue. Utilisez un code de la "
        "liste UNTDID 6313 étendue par Factur-X, ou donnez la caractéristique en texte.",
        "EXT-FR-FE-159",
        "BG-32",
    ),
    "BR-FREXT-05": R(
        "Le sous-type d'une ligne n'est pas un code admis. Utilisez DETAIL (ligne ordinaire), GROUP "
        "(sous-total) ou INFORMATION (ligne indicative).",
        "EXT-FR-FE-163",
    ),
    "BR-FREXT-06": R(
        "Une ligne rattachée à une ligne parente n'a pas de sous-type. Indiquez le sous-type de la ligne "
        "(DETAIL, GROUP ou INFORMATION).",
        "EXT-FR-FE-163",
        "EXT-FR-FE-162",
    ),
    "BR-FREXT-08": R(
        "Le montant d'un sous-total ne correspond pas aux lignes qu'il regroupe. Le montant HT d'une ligne "
        "« GROUP » doit être égal à la somme des lignes de niveau inférieur, qui doivent toutes avoir un "
        "montant.",
        "BT-131",
        "EXT-FR-FE-163",
    ),
    "BR-FREXT-11": R(
        "Une ligne renvoie à une ligne parente qui n'existe pas. Le numéro de ligne parente doit être celui "
        "d'une autre ligne de la facture.",
        "EXT-FR-FE-162",
        "BT-126",
    ),
    "BR-FREXT-12": R(
        "Un sous-total a un montant mais pas ses sous-totaux. Quand une ligne « GROUP » a un montant HT, "
        "les lignes « GROUP » qu'elle contient doivent en avoir un aussi.",
        "BT-131",
        "EXT-FR-FE-163",
    ),
    "BR-FREXT-22": R(
        "Une ligne de facture n'a pas de quantité. Indiquez la quantité facturée." + _SUB_LINES,
        "BT-129",
        "EXT-FR-FE-163",
    ),
    "BR-FREXT-23": R(
        "Une ligne de facture n'a pas d'unité de quantité. Choisissez une unité (pièce, heure, jour…) sur "
        "l'article ou la ligne." + _SUB_LINES,
        "BT-130",
        "EXT-FR-FE-163",
    ),
    "BR-FREXT-24": R(
        "Une ligne de facture n'a pas de montant HT. Vérifiez la quantité et le prix de la ligne."
        + _SUB_LINES,
        "BT-131",
        "EXT-FR-FE-163",
    ),
    "BR-FREXT-26": R(
        "Une ligne de facture n'a pas de prix unitaire net. Indiquez le prix unitaire HT de l'article."
        + _SUB_LINES,
        "BT-146",
        "EXT-FR-FE-163",
    ),
    "BR-FREXT-54-1": R(
        "Une caractéristique d'article n'a ni nom ni code. Donnez à chaque caractéristique un nom ou un "
        "code.",
        "BT-160",
        "EXT-FR-FE-159",
        "BG-32",
    ),
    "BR-FREXT-54-2": R(
        "Une caractéristique d'article a une valeur manquante ou en double. Donnez-lui soit une valeur en "
        "texte, soit une valeur mesurée avec son unité, mais pas les deux.",
        "BT-161",
        "EXT-FR-FE-160",
        "BG-32",
    ),
    "BR-FREXT-BR-22": R(
        "Une ligne de facture n'a pas de quantité. Indiquez la quantité facturée." + _SUB_LINES,
        "BT-129",
        "EXT-FR-FE-163",
    ),
    "BR-FREXT-BR-23": R(
        "Une ligne de facture n'a pas d'unité de quantité. Choisissez une unité (pièce, heure, jour…) sur "
        "l'article ou la ligne." + _SUB_LINES,
        "BT-130",
        "EXT-FR-FE-163",
    ),
    "BR-FREXT-BR-24": R(
        "Une ligne de facture n'a pas de montant HT. Vérifiez la quantité et le prix de la ligne."
        + _SUB_LINES,
        "BT-131",
        "EXT-FR-FE-163",
    ),
    "BR-FREXT-BR-26": R(
        "Une ligne de facture n'a pas de prix unitaire net. Indiquez le prix unitaire HT de l'article."
        + _SUB_LINES,
        "BT-146",
        "EXT-FR-FE-163",
    ),
    "BR-FREXT-BR-38": R(
        "Des frais ou une taxe sur le document n'ont pas de motif. Indiquez un motif en texte, un code de "
        "motif ou, pour une taxe autre que la TVA, son code.",
        "BT-104",
        "BT-105",
        "BT-177",
        "BG-21",
    ),
    "BR-FREXT-BR-44": R(
        "Des frais ou une taxe sur une ligne n'ont pas de motif. Indiquez un motif en texte, un code de "
        "motif ou, pour une taxe autre que la TVA, son code.",
        "BT-144",
        "BT-145",
        "BT-193",
        "BG-28",
    ),
    "BR-FREXT-CL-10": R(
        "Le type d'un identifiant n'est pas un code admis. Utilisez un code ISO 6523 (0009 pour un SIRET, "
        "0002 pour un SIREN, 0088 pour un GLN) ou les codes BY et SE.",
        "BT-29-1",
        "BT-46-1",
        "BT-60-1",
    ),
    "BR-FREXT-CL-19-GP": R(
        "Le code du motif d'une remise sur le prix unitaire n'existe pas. Utilisez un code de la liste "
        "UNTDID 5189 ou donnez seulement le motif en texte.",
        "BT-147",
    ),
    "BR-FREXT-CL-20": R(
        "Le code du motif de frais n'existe pas. Utilisez un code de la liste UNTDID 7161 (FC : fret, ABL : "
        "emballage…) ou donnez seulement le motif en texte.",
        "BT-105",
        "BT-145",
    ),
    "BR-FREXT-CL-20-LISTID": R(
        "La liste de codes annoncée pour un motif de frais ou de taxe n'est pas admise. Elle doit être 7161 "
        "(frais) ou 5153 (taxes) : c'est votre logiciel qui l'écrit.",
        "BT-105",
        "BT-145",
        audience="technical",
    ),
    "BR-FREXT-CL-20-TAX": R(
        "Le code d'une taxe autre que la TVA n'existe pas. Utilisez un code de la liste UNTDID 5153 (sauf "
        "VAT, la TVA se déclarant dans le récapitulatif de TVA).",
        "BT-177",
        "BT-193",
    ),
    "BR-FREXT-CL-24": R(
        "Le type d'un fichier joint n'est pas admis. Les pièces jointes intégrées doivent être au format "
        "PDF, PNG, JPEG, CSV, XLSX ou OpenDocument (ODS).",
        "BT-125",
    ),
    "BR-FREXT-CL-27": R(
        "Le code Incoterm n'est pas admis. Utilisez un Incoterm de la liste en vigueur (EXW, FCA, DAP, "
        "DDP…).",
    ),
    "BR-FREXT-CO-04": R(
        "Une ligne de facture n'a pas de catégorie de TVA. Choisissez le taux de TVA de l'article ou de la "
        "prestation." + _SUB_LINES,
        "BT-151",
        "EXT-FR-FE-163",
    ),
    "BR-FREXT-CO-10": R(
        "La somme des lignes HT ne correspond pas au détail des lignes. Le total des lignes HT (BT-106) "
        "doit être égal, au centime près par ligne, à l'addition des montants HT des lignes de détail "
        "(BT-131).",
        "BT-106",
        "BT-131",
    ),
    "BR-FREXT-CO-11": R(
        "Le total des remises ne correspond pas au détail des remises. Le total des remises (BT-107) doit "
        "être égal, au centime près par remise, à l'addition des remises (BT-92).",
        "BT-107",
        "BT-92",
    ),
    "BR-FREXT-CO-12": R(
        "Le total des frais ne correspond pas au détail des frais. Le total des frais (BT-108) doit être "
        "égal, au centime près par montant, à l'addition des frais (BT-99) et des frais logistiques.",
        "BT-108",
        "BT-99",
        "BT-X-272",
    ),
    "BR-FREXT-CO-13": R(
        "Le total HT ne correspond pas aux lignes, remises et frais. Le montant total HT (BT-109) doit être "
        "égal, au centime près par montant additionné, à la somme des lignes HT (BT-131), moins les remises "
        "(BT-92), plus les frais (BT-99).",
        "BT-109",
        "BT-131",
        "BT-92",
        "BT-99",
    ),
    "BR-FREXT-CO-15": R(
        "Le total TTC ne correspond pas au total HT plus la TVA. Le montant total TTC (BT-112) doit être "
        "égal, au centime près par montant additionné, au total HT (BT-109) plus le total de la TVA "
        "(BT-110).",
        "BT-112",
        "BT-109",
        "BT-110",
    ),
}
