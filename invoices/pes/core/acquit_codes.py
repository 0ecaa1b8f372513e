"""Labels of Hélios's acknowledgement codes (PES_ACQUIT), in French and English.

DomaineAck and EtatAck carry their meaning in the schema (schemas_pes_v5.17, PES_V2/CommunAck.xsd and
PES_V2/Rev0/PES_V2_Acquit_Autonome_V2.xsd); the NumAnoAck list there has no documentation, so its labels
below are our reading of the code names. Hélios's own text (LibelleAnoAck) is always shown beside them.
"""

from __future__ import annotations

ACK_DOMAINS = {
    "0": ("Technique", "Technical"),
    "1": ("Signature technique", "Technical signature"),
    "2": ("Signature globale", "Whole-file signature"),
    "3": ("Signature bordereau", "Bordereau signature"),
    "4": ("PJ", "Attachment (PJ)"),
    "5": ("Dépense", "Expense"),
    "6": ("Recette", "Revenue"),
    "7": ("Rôle", "Roll"),
    "8": ("Budget", "Budget"),
    "9": ("Etat Actif", "Asset statement"),
    "10": ("Etat Passif", "Liability statement"),
    "11": ("Marché", "Public contract"),
    "12": ("Facture", "Invoice"),
    "99": ("Paramétrage", "Settings"),
}
"""DomaineAck (TDomaineAck, CommunAck.xsd): what an ElementACQUIT answers for."""

FILE_DOMAINS = frozenset({"0", "1", "2", "99"})
"""Domains whose KO refuses the whole flow, not one object of it (technical checks, file signatures,
Hélios settings): our reading of the domain list, the schema does not say it in words."""

PJ_DOMAIN = "4"

ACK_STATES = {
    True: ("OK : accepté par Hélios", "OK: accepted by Hélios"),
    False: ("KO : rejeté par Hélios", "KO: rejected by Hélios"),
}
"""EtatAck (Base_Booleen): 'OK (valeur 1), ou KO (valeur 0)' per PES_V2_Acquit_Autonome_V2.xsd."""

VERDICTS = {
    "accepted": ("acceptée", "accepted"),
    "partial": ("partiellement acceptée", "partially accepted"),
    "rejected": ("rejetée", "rejected"),
}
"""Our summary of a whole acknowledgement (see `PesAcquit.verdict`)."""

ANOMALIES = {
    "ERREUR_CONNECTION_IMPOSSIBLE_A_LA_BASE": (
        "Hélios n'a pas pu joindre sa base (erreur technique : renvoyer le fichier)",
        "Hélios could not reach its database (technical error: send the file again)",
    ),
    "ERREUR_ENCODING": ("Encodage du fichier incorrect", "Wrong file encoding"),
    "ERREUR_FLUX_VIDE": ("Flux vide", "Empty flow"),
    "ERREUR_SCHEMA_INCOMPLET": (
        "Fichier non conforme au schéma PES (incomplet)",
        "File does not conform to the PES schema (incomplete)",
    ),
    "ERREUR_CODIFICATION": ("Valeur codifiée invalide", "Invalid code value"),
    "ERREUR_CODIQUE": (
        "Poste comptable (codique IdPost) inconnu d'Hélios",
        "Public accounting office (IdPost codique) unknown to Hélios",
    ),
    "ERREUR_SIRET": ("SIRET de la collectivité (IdColl) refusé", "The body's SIRET (IdColl) was refused"),
    "ERREUR_CODE_COLLECTIVITE_BUDGET": (
        "Code collectivité ou code budget (CodCol, CodBud) inconnu dans ce poste",
        "Body or budget code (CodCol, CodBud) unknown in this office",
    ),
    "ERREUR_VERSION_PES": ("Version du PES refusée", "PES version refused"),
    "ERREUR_VERSION_PJ": ("Version du bloc PJ refusée (IdVer)", "PJ block version refused (IdVer)"),
    "ERREUR_SIGNATURE_INVALIDE": ("Signature invalide", "Invalid signature"),
    "ERREUR_SIGNATURE_ILLISIBLE": ("Signature illisible", "Unreadable signature"),
    "ERREUR_SIGNATURE_INCOMPLETE": ("Signature incomplète", "Incomplete signature"),
    "ERREUR_DOUBLON_BORDEREAU": (
        "Bordereau déjà intégré (doublon)",
        "Bordereau already integrated (duplicate)",
    ),
    "ERREUR_DOUBLON_PIECE": ("Pièce déjà intégrée (doublon)", "Pièce already integrated (duplicate)"),
    "ERREUR_DOUBLON_LIGNE": ("Ligne déjà intégrée (doublon)", "Line already integrated (duplicate)"),
    "ERREUR_DOUBLON_PJ": (
        "PJ déjà intégrée : cet IdUnique a déjà été reçu (doublon)",
        "PJ already integrated: this IdUnique was already received (duplicate)",
    ),
    "ERREUR_PES_PARAM": (
        "Paramétrage PES absent ou incohérent dans Hélios",
        "PES settings missing or inconsistent in Hélios",
    ),
    "ERREUR_PES_SIGNATURE": ("Signature du PES refusée", "PES signature refused"),
    "ERREUR_PES_PARAM_SIGNATURE": (
        "Paramétrage de la signature absent ou incohérent dans Hélios",
        "Signature settings missing or inconsistent in Hélios",
    ),
    "ERREUR_CERTIFICAT": ("Certificat de signature refusé", "Signing certificate refused"),
    "ERREUR_TIMEOUT": (
        "Délai de traitement dépassé (erreur technique : renvoyer le fichier)",
        "Processing timed out (technical error: send the file again)",
    ),
    "ERREUR_TAILLE_BORDEREAUX": ("Taille des bordereaux dépassée", "Bordereaux too large"),
    "ERREUR_TAILLE_PIECE": ("Taille de la pièce dépassée", "Pièce too large"),
    "ERREUR_TAILLE_LIGNE": ("Taille de la ligne dépassée", "Line too large"),
    "ERREUR_PJ_SIGNEE": ("PJ signée refusée", "Signed PJ refused"),
    "ERREUR_SIGNATURE_EXTERNE": ("Signature externe refusée", "External signature refused"),
    "ERREUR_AUTRE": ("Autre erreur (voir le libellé d'Hélios)", "Other error (see Hélios's message)"),
    "ERREUR_SIGNATURE_BORDEREAU_INVALIDE": ("Signature du bordereau invalide", "Invalid bordereau signature"),
    "ERREUR_SIGNATURE_BORDEREAU_ILLISIBLE": (
        "Signature du bordereau illisible",
        "Unreadable bordereau signature",
    ),
    "ERREUR_SIGNATURE_BORDEREAU_INCOMPLETE": (
        "Signature du bordereau incomplète",
        "Incomplete bordereau signature",
    ),
    "ERREUR_MONTANT_TVA_ZERO_NEGATIF": ("Montant de TVA nul ou négatif", "VAT amount zero or negative"),
    "ERREUR_PJ": ("PJ refusée (voir le libellé d'Hélios)", "PJ refused (see Hélios's message)"),
    "ERREUR_CUMUL_MONTANTS": ("Cumul des montants incohérent", "Inconsistent amount totals"),
}
"""NumAnoAck (TNumAnoAck, CommunAck.xsd), every value of the enumeration."""

UNKNOWN = ("Code inconnu", "Unknown code")


def domain_label(code: str) -> tuple[str, str]:
    return ACK_DOMAINS.get(code, UNKNOWN)


def anomaly_label(code: str) -> tuple[str, str]:
    """(fr, en) for a NumAnoAck; empty labels when Hélios gave no code, only a message."""
    if not code:
        return ("", "")
    return ANOMALIES.get(code, UNKNOWN)
