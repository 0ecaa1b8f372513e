"""What an acknowledgement says (PES_ACQUIT): the flow it answers, and Hélios's verdict object by object."""

from __future__ import annotations

from dataclasses import dataclass, field

from invoices.pes.core.acquit_codes import (
    ACK_STATES,
    FILE_DOMAINS,
    PJ_DOMAIN,
    VERDICTS,
    anomaly_label,
    domain_label,
)
from invoices.pes.core.errors import FieldError

_MATCHED = {"id_post": "IdPost", "id_coll": "IdColl", "cod_col": "CodCol", "cod_bud": "CodBud"}


@dataclass(frozen=True)
class AckError:
    """One anomaly, with where Hélios placed it (the element's object, then the pièce and line if any)."""

    code: str
    """NumAnoAck, e.g. ERREUR_DOUBLON_PJ; may be empty when Hélios gave only a message."""
    message: str
    """LibelleAnoAck: Hélios's own text, in French."""
    domain: str
    id_unique: str = ""
    exercice: str = ""
    num_bord: str = ""
    num_piece: str = ""
    num_ligne: str = ""

    @property
    def label_fr(self) -> str:
        return anomaly_label(self.code)[0]

    @property
    def label_en(self) -> str:
        return anomaly_label(self.code)[1]


@dataclass(frozen=True)
class AckElement:
    """One ElementACQUIT: the verdict on one object of the flow."""

    domain: str
    """DomaineAck: 0 technical (the whole flow), 4 a PJ, 5 an expense bordereau... (see acquit_codes)."""
    accepted: bool
    """EtatAck: True for OK, False for KO."""
    exercice: str = ""
    num_bord: str = ""
    num_piece: str = ""
    num_ligne: str = ""
    """NumPiece and NumLigne sit on the element in version 1 only; version 2 puts them on each error."""
    id_unique: str = ""
    id_marche: str = ""
    errors: tuple[AckError, ...] = ()

    @property
    def rejects_whole_file(self) -> bool:
        return not self.accepted and self.domain in FILE_DOMAINS

    @property
    def domain_label_fr(self) -> str:
        return domain_label(self.domain)[0]

    @property
    def domain_label_en(self) -> str:
        return domain_label(self.domain)[1]

    @property
    def state_label_fr(self) -> str:
        return ACK_STATES[self.accepted][0]

    @property
    def state_label_en(self) -> str:
        return ACK_STATES[self.accepted][1]


def _bare(nom_fic: str) -> str:
    name = (nom_fic or "").strip()
    return name[:-4] if name.lower().endswith(".xml") else name


@dataclass(frozen=True)
class PesAcquit:
    schema_version: int
    nom_fic: str
    """NomFic of the PES_Aller this acknowledges: the key to find our export file."""
    version: str = ""
    typ_fic: str = ""
    emetteur_sigle: str = ""
    emetteur_adresse: str = ""
    recepteur_sigle: str = ""
    dte_str: str = ""
    id_post: str = ""
    libelle_poste: str = ""
    id_coll: str = ""
    fin_jur: str = ""
    cod_col: str = ""
    cod_bud: str = ""
    libelle_col_bud: str = ""
    id_ver: str = ""
    elements: tuple[AckElement, ...] = field(default_factory=tuple)

    @property
    def verdict(self) -> str:
        """'accepted' (no KO), 'rejected' (every element KO, or a KO on the whole flow) or 'partial'."""
        refused = [e for e in self.elements if not e.accepted]
        if not refused:
            return "accepted"
        if len(refused) == len(self.elements) or any(e.rejects_whole_file for e in refused):
            return "rejected"
        return "partial"

    @property
    def verdict_label_fr(self) -> str:
        return VERDICTS[self.verdict][0]

    @property
    def verdict_label_en(self) -> str:
        return VERDICTS[self.verdict][1]

    @property
    def errors(self) -> list[AckError]:
        return [error for element in self.elements for error in element.errors]

    @property
    def pj_results(self) -> dict[str, AckElement]:
        """The PJ elements by IdUnique; when Hélios names a PJ twice, a KO wins over an OK."""
        results: dict[str, AckElement] = {}
        for element in self.elements:
            if element.domain == PJ_DOMAIN and element.id_unique:
                known = results.get(element.id_unique)
                if known is None or known.accepted:
                    results[element.id_unique] = element
        return results

    @property
    def rejected_id_uniques(self) -> list[str]:
        return [id_unique for id_unique, element in self.pj_results.items() if not element.accepted]

    def pj_accepted(self, id_unique: str) -> bool | None:
        """Whether Hélios took the PJ: its own element if any, else the file's verdict; None when unsaid."""
        if self.verdict == "rejected":
            return False
        element = self.pj_results.get(id_unique)
        if element is not None:
            return element.accepted
        return True if self.verdict == "accepted" else None

    @property
    def answered_nom_fic(self) -> str:
        """The NomFic to look our export file up by (without a `.xml` Hélios may have kept)."""
        return _bare(self.nom_fic)

    def answers(self, nom_fic: str) -> bool:
        """Whether this acknowledges the flow named `nom_fic` (with or without `.xml`)."""
        return bool(self.nom_fic) and _bare(self.nom_fic) == _bare(nom_fic)

    def header_mismatches(self, sent) -> list[FieldError]:
        """Header fields where this differs from `sent` (a PesHeader, or a PesFile read back); empty = same.

        A matching NomFic with another IdColl or IdPost is someone else's acknowledgement: refuse it.
        """
        out = []
        for name, tag in _MATCHED.items():
            ours, theirs = str(getattr(sent, name, "") or ""), getattr(self, name)
            if theirs and ours and theirs != ours:
                out.append(
                    FieldError(
                        name,
                        "acquit_mismatch",
                        f"L'acquittement porte {tag} {theirs}, le fichier envoyé {ours}.",
                        f"The acknowledgement carries {tag} {theirs}, the file sent {ours}.",
                    )
                )
        return out
