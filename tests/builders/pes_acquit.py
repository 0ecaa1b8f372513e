"""Hélios acknowledgement files (PES_ACQUIT) written from the schema, for a PES_Aller we sent.

The schema set has no example acknowledgement: these follow PES_V2/Rev0/PES_V2_Acquit_Autonome_V2.xsd
(version 2, the default) and PES_V2_Acquit_Autonome.xsd (version 1) element by element, in ISO-8859-1
as Hélios writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from invoices.pes.core import read_pes
from invoices.pes.core.acquit import NS_ACQUIT_V1, NS_ACQUIT_V2

NAMESPACES = {1: NS_ACQUIT_V1, 2: NS_ACQUIT_V2}
CODIQUE_REFUSED = ("ERREUR_CODIQUE", "Le poste comptable 034000 n'est pas connu d'Hélios.")
DUPLICATE_PJ = ("ERREUR_DOUBLON_PJ", "Pièce justificative déjà intégrée : IdUnique déjà reçu.")


@dataclass(frozen=True)
class AckHeader:
    """What the acknowledgement repeats of the flow it answers."""

    nom_fic: str
    id_post: str = "034000"
    id_coll: str = "21340172201787"
    cod_col: str = "123"
    cod_bud: str = "00"
    typ_fic: str = "PESALR1"
    dte_str: str = "2025-03-15"
    libelle_col_bud: str = "BUDGET PRINCIPAL"


@dataclass(frozen=True)
class Piece:
    """A DetailPiece (version 2): errors on a mandat, and on its lines."""

    num_piece: str
    errors: tuple[tuple[str, str], ...] = ()
    lines: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()


@dataclass(frozen=True)
class Element:
    """One ElementACQUIT. Version 1 holds one error at most, on the element itself."""

    domain: str
    ok: bool
    id_unique: str = ""
    num_bord: str = ""
    exercice: str = ""
    errors: tuple[tuple[str, str], ...] = ()
    pieces: tuple[Piece, ...] = field(default_factory=tuple)


def header_of(pes_aller: Path) -> AckHeader:
    """The header an acknowledgement of the PES_Aller at `pes_aller` carries."""
    pes = read_pes(pes_aller)
    return AckHeader(
        nom_fic=pes.nom_fic,
        id_post=pes.id_post,
        id_coll=pes.id_coll,
        cod_col=pes.cod_col,
        cod_bud=pes.cod_bud,
        typ_fic=pes.typ_fic,
        libelle_col_bud=pes.libelle_col_bud,
    )


def _v(parent, tag: str, value: str) -> None:
    if value:
        etree.SubElement(parent, tag, V=value)


def _errors(parent, errors) -> None:
    for code, message in errors:
        node = etree.SubElement(parent, "Erreur")
        _v(node, "NumAnoAck", code)
        _v(node, "LibelleAnoAck", message)


def _element_v2(parent, spec: Element) -> None:
    node = etree.SubElement(parent, "ElementACQUIT")
    _v(node, "DomaineAck", spec.domain)
    _v(node, "EtatAck", "1" if spec.ok else "0")
    if spec.id_unique:
        _v(node, "IdUnique", spec.id_unique)
    else:
        _v(node, "NumBord", spec.num_bord)
        _v(node, "ExerciceBord", spec.exercice)
    _errors(node, spec.errors)
    for piece in spec.pieces:
        detail = etree.SubElement(node, "DetailPiece")
        _v(detail, "NumPiece", piece.num_piece)
        _errors(detail, piece.errors)
        for num_ligne, errors in piece.lines:
            line = etree.SubElement(detail, "DetailLigne")
            _v(line, "NumLigne", num_ligne)
            _errors(line, errors)


def _element_v1(parent, spec: Element) -> None:
    assert len(spec.errors) <= 1 and not spec.pieces, "version 1 carries one error per element"
    node = etree.SubElement(parent, "ElementACQUIT")
    _v(node, "DomaineAck", spec.domain)
    _v(node, "EtatAck", "1" if spec.ok else "0")
    _v(node, "ExerciceBord", spec.exercice)
    _v(node, "NumBord", spec.num_bord)
    _v(node, "IdUnique", spec.id_unique)
    for code, message in spec.errors:
        _v(node, "NumAnoAck", code)
        _v(node, "LibelleAnoAck", message)


def acquit_xml(header: AckHeader, elements, *, version: int = 2) -> bytes:
    root = etree.Element(f"{{{NAMESPACES[version]}}}PES_ACQUIT", nsmap={"n": NAMESPACES[version]})
    envelope = etree.SubElement(root, "Enveloppe")
    params = etree.SubElement(envelope, "Parametres")
    _v(params, "Version", "2")
    _v(params, "TypFic", header.typ_fic)
    _v(params, "NomFic", header.nom_fic)
    emitter = etree.SubElement(envelope, "Emetteur")
    _v(emitter, "Sigle", "HELIOS")
    _v(emitter, "Adresse", "DGFiP Hélios")
    entete = etree.SubElement(root, "EnTetePES")
    _v(entete, "DteStr", header.dte_str)
    _v(entete, "IdPost", header.id_post)
    _v(entete, "IdColl", header.id_coll)
    _v(entete, "CodCol", header.cod_col)
    _v(entete, "CodBud", header.cod_bud)
    _v(entete, "LibelleColBud", header.libelle_col_bud)
    acquit = etree.SubElement(root, "ACQUIT")
    _v(etree.SubElement(acquit, "EnTeteAcquit"), "IdVer", str(version))
    for spec in elements:
        (_element_v2 if version == 2 else _element_v1)(acquit, spec)
    etree.indent(root)
    return etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True)


def accepted_acquit(header: AckHeader, id_uniques, *, version: int = 2) -> bytes:
    """Every PJ of the flow integrated."""
    return acquit_xml(header, [Element("4", True, id_unique=i) for i in id_uniques], version=version)


def rejected_acquit(
    header: AckHeader, id_uniques=(), *, errors=(CODIQUE_REFUSED,), version: int = 2
) -> bytes:
    """The whole flow refused at the gate (DomaineAck 0, technical), each PJ marked KO."""
    elements = [Element("0", False, errors=tuple(errors))]
    elements += [Element("4", False, id_unique=i) for i in id_uniques]
    return acquit_xml(header, elements, version=version)


def partial_acquit(header: AckHeader, accepted, refused: dict, *, version: int = 2) -> bytes:
    """Some PJ integrated, others refused with their (code, message)."""
    elements = [Element("4", True, id_unique=i) for i in accepted]
    elements += [Element("4", False, id_unique=i, errors=(error,)) for i, error in refused.items()]
    return acquit_xml(header, elements, version=version)
