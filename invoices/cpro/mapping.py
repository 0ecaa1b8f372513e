"""Chorus Pro's vocabulary ↔ Chorale's: invoice statuses, flow states, flow syntaxes, identifier types, and
the ids Chorus Pro clients keep (`numeroFluxDepot`, `identifiantFactureCPP`, `idStructureCPP`).

Every translation the compatible API and the connector make goes through these tables, so that a status
means the same thing whichever way it travels (tests walk each table both ways). Sources: the reference sheet
`../shared/research/chorus-pro-api.md`, §4.2 (syntaxes), §4.3 (flow states), §4.7 (statuses), §5.1 (types).
"""

import re

from accounts.models import Structure
from invoices.models import Deposit, DepositStatus, InvoiceStatus

# --- Invoice statuses (§4.7) --------------------------------------------------------------------------------
# Chorale's twelve statuses are Chorus Pro's statuses for an ordinary invoice (cadre A1), one for one.
STATUSES: dict[str, str] = {
    InvoiceStatus.DEPOSEE: "DEPOSEE",
    InvoiceStatus.MISE_A_DISPOSITION: "MISE_A_DISPOSITION",
    InvoiceStatus.PRISE_EN_COMPTE: "PRISE_EN_COMPTE_DESTINATAIRE",
    InvoiceStatus.SERVICE_FAIT: "SERVICE_FAIT",
    InvoiceStatus.MANDATEE: "MANDATEE",
    InvoiceStatus.MISE_A_DISPOSITION_COMPTABLE: "MISE_A_DISPOSITION_COMPTABLE",
    InvoiceStatus.COMPTABILISEE: "COMPTABILISEE",
    InvoiceStatus.MISE_EN_PAIEMENT: "MISE_EN_PAIEMENT",
    InvoiceStatus.A_RECYCLER: "A_RECYCLER",
    InvoiceStatus.SUSPENDUE: "SUSPENDUE",
    InvoiceStatus.COMPLETEE: "COMPLETEE",
    InvoiceStatus.REJETEE: "REJETEE",
}
CHORALE_STATUSES: dict[str, str] = {code: status for status, code in STATUSES.items()}

# What a recipient may ask of `factures/v1/traiter/recue`: SPEC-F's list, plus SERVICE_FAIT (Pastell) and
# PRISE_EN_COMPTE_DESTINATAIRE (another client). Whether the change is allowed is the lifecycle's to decide.
TRAITER_RECUE_TARGETS = frozenset(
    {
        "MISE_A_DISPOSITION",
        "PRISE_EN_COMPTE_DESTINATAIRE",
        "SERVICE_FAIT",
        "SUSPENDUE",
        "REJETEE",
        "MANDATEE",
        "MISE_EN_PAIEMENT",
        "COMPTABILISEE",
        "MISE_A_DISPOSITION_COMPTABLE",
        "A_RECYCLER",
    }
)
# Chorus Pro requires a reason for these (SPEC-F's description of traiter/recue).
MOTIF_REQUIRED = frozenset({"SUSPENDUE", "REJETEE"})
MOTIF_MAX = 255  # what Pastell sends at most; Chorale keeps the whole comment anyway

# Chorale's transitions that need a coded reason take the one named at the start of the motif
# ("JUSTIF_ABS : bon de livraison manquant"), else this one, with the motif as its comment.
DEFAULT_REASONS: dict[str, str] = {
    InvoiceStatus.SUSPENDUE: "JUSTIF_ABS",
    InvoiceStatus.REJETEE: "NON_CONFORME",
    InvoiceStatus.A_RECYCLER: "CODE_ROUTAGE_ERR",
}
_CODED_MOTIF = re.compile(r"^\s*([A-Z][A-Z0-9_]{2,30})\s*(?:[:—–-]\s*(.*))?$", re.S)


def cpro_status(status: str) -> str:
    """Chorus Pro's code of a Chorale status."""
    return STATUSES[status]


def chorale_status(code: str) -> str | None:
    """The Chorale status of a Chorus Pro code, or None for a code Chorale has no status for."""
    return CHORALE_STATUSES.get((code or "").strip().upper())


def reason_and_comment(motif: str, status: str, accepted: tuple[str, ...]) -> tuple[str, str]:
    """The coded reason and the comment a free-text `motif` gives for a change to `status`.

    A motif starting with one of the `accepted` codes chooses it; any other takes the status's default and is
    kept whole as the comment. A status that takes no reason gets none, the motif staying the comment.
    """
    motif = (motif or "").strip()
    if not accepted:
        return "", motif
    match = _CODED_MOTIF.match(motif)
    if match and match.group(1) in accepted:
        return match.group(1), (match.group(2) or "").strip()
    default = DEFAULT_REASONS.get(status, accepted[0])
    return (default if default in accepted else accepted[0]), motif


def push_motif(reason: str, comment: str, label: str) -> str:
    """The motif sent to Chorus Pro for a change made in Chorale: the code first, so that it travels back."""
    text = " ".join((comment or label or "").split())
    motif = f"{reason} : {text}" if reason else text
    return motif[:MOTIF_MAX]


# --- Flow states (§4.3) -------------------------------------------------------------------------------------
WAITING_STATE = "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP"
FLOW_STATES: dict[str, str] = {
    DepositStatus.EN_COURS: WAITING_STATE,
    DepositStatus.INTEGRE: "IN_INTEGRE",
    DepositStatus.INTEGRE_PARTIELLEMENT: "IN_INTEGRE_PARTIEL",
    DepositStatus.REJETE: "IN_REJETE",
}
# The other states clients know, read back as the nearest deposit status.
OTHER_FLOW_STATES: dict[str, str] = {
    "IN_RECU": DepositStatus.EN_COURS,
    "IN_TRAITE_SE_CPP": DepositStatus.EN_COURS,
    "IN_EN_ATTENTE_TRAITEMENT_CPP": DepositStatus.EN_COURS,
    "IN_EN_COURS_TRAITEMENT_CPP": DepositStatus.EN_COURS,
    "IN_EN_ATTENTE_RETRAITEMENT_CPP": DepositStatus.EN_COURS,
    "IN_INCIDENTE": DepositStatus.REJETE,
    "QP_IRRECEVABLE": DepositStatus.REJETE,
    "QP_RECEVABLE_AVEC_ERREUR": DepositStatus.REJETE,
}
FINAL_FLOW_STATES = frozenset({"IN_INTEGRE", "IN_INTEGRE_PARTIEL", "IN_REJETE"})


def flow_state(deposit_status: str) -> str:
    return FLOW_STATES[deposit_status]


def deposit_status(state: str) -> str | None:
    """The deposit status a flow state stands for (None for a state no client has been seen to send)."""
    for status, known in FLOW_STATES.items():
        if known == state:
            return status
    return OTHER_FLOW_STATES.get(state)


# --- Flow syntaxes (§4.2) -----------------------------------------------------------------------------------
# What Chorale reads, and the kind of file each syntax carries (checked before the deposit is attempted).
SYNTAXES: dict[str, str] = {
    "IN_DP_E1_UBL_INVOICE": "xml",
    "IN_DP_E1_CII_16B": "xml",
    "IN_DP_E1_CII": "xml",
    "IN_DP_E2_CII_FACTURX": "pdf",
}
# Syntaxes Chorus Pro accepts and Chorale does not: minimal XML beside a PDF image, PES (withdrawn), xCBL,
# court-fee statements, PDF archives.
UNSUPPORTED_SYNTAXES = frozenset(
    {
        "IN_DP_E2_UBL_INVOICE_MIN",
        "IN_DP_E2_CII_MIN_16B",
        "IN_DP_E2_CPP_FACTURE_MIN",
        "IN_DP_E2_CII_MIN",
        "IN_DP_E1_PES_FACTURE",
        "IN_DP_E2_PES_FACTURE_MIN",
        "IN_DP_E1_XCBL",
        "IN_DP_PDFARCHIVE_UBL_INVOICE_MUG",
        "IN_DP_PDFARCHIVE_CII_MUG",
        "IN_DP_E3_UBL_INVOICE",
    }
)

# How an invoice reached Chorale, in Chorus Pro's `modeDepot` vocabulary.
DEPOSIT_MODES: dict[str, str] = {Deposit.Channel.WEB: "UPLOAD_PORTAIL", Deposit.Channel.API: "UPLOAD_API"}

# UNTDID 1001 document types that are credit notes (Chorus Pro's typeFacture AVOIR); the rest are FACTURE.
CREDIT_NOTE_TYPE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)


def invoice_type(type_code: str) -> str:
    return "AVOIR" if (type_code or "").strip() in CREDIT_NOTE_TYPE_CODES else "FACTURE"


# --- Structures (§5.1) --------------------------------------------------------------------------------------
ID_TYPES: dict[str, str] = {
    Structure.IdType.SIRET: "SIRET",
    Structure.IdType.EU_VAT: "UE_HORS_FRANCE",
    Structure.IdType.NON_EU: "HORS_UE",
    Structure.IdType.RIDET: "RIDET",
    Structure.IdType.TAHITI: "TAHITI",
    Structure.IdType.PRIVATE_PERSON: "PARTICULIER",
}
CHORALE_ID_TYPES: dict[str, str] = {code: id_type for id_type, code in ID_TYPES.items()}


def structure_kind(structure: Structure) -> str:
    return "PUBLIQUE" if structure.is_public else "PRIVEE"


# --- Ids kept by clients ------------------------------------------------------------------------------------
# numeroFluxDepot: "CPP" and 22 digits, the deposit's own key; every lookup is scoped to the caller, so the
# number tells nothing about anyone else's flows. identifiantFactureCPP / idFacture and idStructureCPP are the
# invoice's and the structure's keys, scoped the same way.
FLUX_PREFIX = "CPP"
FLUX_DIGITS = 22
_FLUX = re.compile(rf"^{FLUX_PREFIX}(\d{{{FLUX_DIGITS}}})$")


def flux_number(deposit: Deposit) -> str:
    return f"{FLUX_PREFIX}{deposit.pk:0{FLUX_DIGITS}d}"


def deposit_key(number) -> int | None:
    """The deposit key a `numeroFluxDepot` names, or None when it is not one Chorale gave."""
    match = _FLUX.match(str(number or "").strip())
    return int(match.group(1)) if match else None
