"""Plain data exchanged with the PES writer: what to write, and what was written."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from invoices.pes.core.pjlist import pj_list_rows

TYPE_PJ_LABELS = {
    "001": "Document budgétaire",
    "002": "Recette",
    "003": "Dépense",
    "004": "Etat de paye",
    "005": "Etat d'aide sociale",
    "006": "PES Facture",
    "007": "Facture ORMC CPP",
    "008": "Document complémentaire à l'ASAP CPP",
    "009": "Pièce contractuelle marché",
    "010": "Facture ASAP ORMC ENSU à éditer",
    "011": "Document complémentaire à l'ASAP ENSU à éditer",
    "012": "CFU état ordonnateur",
    "013": "CFU états annexes",
}
"""TypePJ codes of schemas_pes_v5.17 (CommunPES.xsd, TPJ)."""

DOMAINE_TYPES_PJ = {
    "01": {"003", "004", "005", "006"},
    "02": {"002", "006", "007", "008", "010", "011"},
    "04": {"001", "012", "013"},
    "06": {"009"},
}
"""RefCompta/Domaine → the TypePJ Hélios accepts with it (Class_PJ.xsd documentation; else PJ rejected)."""


@dataclass(frozen=True)
class PesHeader:
    """The collectivity's PES parameters: Enveloppe and EnTetePES of every file of an export."""

    id_post: str
    """Poste comptable (codique): 6 or 7 digits, or 02A/02B followed by 3 or 4 digits."""
    id_coll: str
    """The collectivity's SIRET (IdColl)."""
    cod_col: str
    """Code collectivité: 3 digits, not 000."""
    cod_bud: str
    """Code budget: a digit or capital letter, then a digit."""
    libelle_col_bud: str = ""
    libelle_poste: str = ""
    fin_jur: str = ""
    """FINESS juridique: only for M21/M22 (health) budgets, forbidden otherwise."""
    emetteur_sigle: str = "CHORALE"
    """Emetteur/Sigle: the name of the software that writes the flow."""
    emetteur_adresse: str = "Chorale"
    """Emetteur/Adresse: 'name and version of the application' per the schema."""
    typ_fic: str = "PESALR1"


@dataclass(frozen=True)
class RefCompta:
    """Links a PJ to a mandat already sent to Hélios (PJ/RefCompta).

    The schema carries no bordereau number: TypeObjet is the bordereau *type* (TypBord).
    """

    exercice: int
    id_pce: str
    """Identifiant: the mandat number (IdPce)."""
    id_ligne: str = ""
    """ComplementIdentifiant: the mandat line (IdLigne); empty = visible from every line of the mandat."""
    type_bordereau: str = "01"
    """TypeObjet: 01 ordinary bordereau, 02 cancellation/correction, ..."""
    domaine: str = "01"
    """01 expense, 02 revenue, 04 budget, 06 public procurement."""


ContentSource = BinaryIO | Iterable[bytes]


@dataclass(frozen=True)
class PjDocument:
    """One document to carry as a PJ.

    `open` returns a fresh binary file object or an iterable of byte chunks each time it is called, so the
    writer never needs the whole document in memory.
    """

    key: str
    """Stable identity of the document (e.g. the invoice UUID); IdUnique is derived from it."""
    invoice_number: str
    year: int
    supplier_name: str
    open: Callable[[], ContentSource]
    extension: str = "pdf"
    mime_type: str = "application/pdf"
    type_pj: str = "003"
    description: str = ""
    """Free description; empty = 'Facture <number> <supplier>'."""
    size: int | None = None
    """Expected size in bytes, checked against what `open` yields when given."""
    ref_compta: RefCompta | None = None
    attachment_index: int | None = None
    """1, 2... for the invoice's attachments (named `..._PJ<n>.<ext>`); None for the invoice itself."""
    revision: int = 0
    """IdUnique revision: 0 on the first sending, then one more per corrected re-send (see `id_unique`)."""


@dataclass(frozen=True)
class ReportLine:
    """One thing the export changed or refused, in both languages of the portal."""

    level: str
    """'info', 'warning' (a value was changed) or 'error' (the document was left out)."""
    code: str
    message_fr: str
    message_en: str
    document_key: str | None = None
    field: str | None = None
    original: str | None = None
    written: str | None = None

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "code": self.code,
            "document_key": self.document_key,
            "field": self.field,
            "message_fr": self.message_fr,
            "message_en": self.message_en,
            "original": self.original,
            "written": self.written,
        }


@dataclass(frozen=True)
class WrittenPj:
    """A document as it was written into a file."""

    key: str
    id_unique: str
    nom_pj: str
    type_pj: str
    mime_type: str
    description: str
    invoice_number: str
    supplier_name: str
    size: int
    sha256: str
    """SHA-256 of the original bytes (before gzip and base64)."""
    ref_compta: RefCompta | None
    nom_fic: str


@dataclass
class WrittenFile:
    path: Path
    nom_fic: str
    size: int
    sha256: str
    documents: list[WrittenPj] = field(default_factory=list)


@dataclass
class ExportReport:
    files: list[WrittenFile] = field(default_factory=list)
    lines: list[ReportLine] = field(default_factory=list)

    @property
    def documents(self) -> list[WrittenPj]:
        return [pj for f in self.files for pj in f.documents]

    @property
    def errors(self) -> list[ReportLine]:
        return [line for line in self.lines if line.level == "error"]

    @property
    def skipped_keys(self) -> list[str]:
        """Documents left out of every file (each has an error line saying why)."""
        written = {pj.key for pj in self.documents}
        keys = dict.fromkeys(
            line.document_key
            for line in self.errors
            if line.document_key and line.document_key not in written
        )
        return list(keys)

    @property
    def pj_list(self) -> list[dict]:
        """Rows for the financial software's PJRef (see `pjlist`)."""
        return pj_list_rows(self)

    def as_dict(self) -> dict:
        """JSON-ready summary (for a JSONField)."""
        return {
            "files": [
                {
                    "nom_fic": f.nom_fic,
                    "name": f.path.name,
                    "size": f.size,
                    "sha256": f.sha256,
                    "documents": [pj.key for pj in f.documents],
                }
                for f in self.files
            ],
            "lines": [line.as_dict() for line in self.lines],
            "skipped": self.skipped_keys,
        }
