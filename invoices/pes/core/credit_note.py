"""How a credit note (avoir) travels as a PJ on the expense side of a PES flow.

Read from schemas_pes_v5.17:

* TypePJ (CommunPES.xsd, TPJ; uses in Class_PJ.xsd and Class_PJReference.xsd) has no code for a credit
  note. The expense-side types are 003 Dépense, 004 Etat de paye, 005 Etat d'aide sociale and 006 PES
  Facture; 006 is the structured PES_Facture document (whose TypeFact 03 is AVOIR), which Chorale does
  not write. A supplier's credit note is an expense document: TypePJ 003, as an invoice.
* What sets it apart is the accounting object it justifies. On the expense side a credit note reduces a
  mandat through a mandat correctif d'annulation/réduction: bordereau type 02 'Annulation/réduction'
  (TTypBordAller, NS_Depense/r0/CommunDepense.xsd), triplet TypBord 02 / TypPce 02 'Mandat correctif' /
  NatPce 06 'Annulation-Réduction'. So the RefCompta's TypeObjet, the bordereau type per Class_PJ.xsd,
  is 02, never 01 (an ordinary mandat), and its Identifiant is the number of the annulation mandat.
* That triplet only reduces a mandat of the same exercice (ExerRat = Exer du flux,
  Class_LigneMandatAller.xsd). A credit note against a mandat of a closed exercice is a titre de recette
  (Domaine 02, TypePJ 002), which Chorale does not record: the export leaves it out with
  `LEFT_OUT_PREVIOUS_EXERCICE` as its report line.

Without a RefCompta (credit note not yet reduced by a mandat), the PJ goes with TypePJ 003 alone and the
financial software puts its PJRef in the annulation/réduction mandat.
"""

from __future__ import annotations

CREDIT_NOTE_TYPE_PJ = "003"
"""TypePJ of a credit note: Dépense (CommunPES.xsd, TPJ), the same as an invoice."""

CREDIT_NOTE_TYPE_OBJET = "02"
"""RefCompta/TypeObjet of a credit note: bordereau 'Annulation/réduction' (CommunDepense.xsd)."""

INVOICE_TYPE_OBJET = "01"
"""RefCompta/TypeObjet of an invoice: bordereau 'Ordinaire'."""

LEFT_OUT_PREVIOUS_EXERCICE = (
    "Avoir écarté : il réduit un mandat d'un exercice clos, ce qui passe par un titre de recette "
    "(domaine 02), pas par un mandat d'annulation/réduction.",
    "Credit note left out: it reduces a mandat of a closed exercice, which takes a revenue titre "
    "(domain 02), not an annulation/réduction mandat.",
)


def type_objet(is_credit_note: bool) -> str:
    """The RefCompta TypeObjet of a document: 02 for a credit note, 01 for an invoice."""
    return CREDIT_NOTE_TYPE_OBJET if is_credit_note else INVOICE_TYPE_OBJET


def reduces_closed_exercice(reduced_mandat_exercice: int, exercice: int) -> bool:
    """Whether a credit note processed in `exercice` reduces a mandat of an earlier one: leave it out.

    `reduced_mandat_exercice` is the exercice of the corrected invoice's mandat (see the module docstring).
    """
    return int(reduced_mandat_exercice) < int(exercice)
