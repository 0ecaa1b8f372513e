"""Reader of Hélios's acknowledgement files (PES_ACQUIT), the answer to a PES_Aller we sent.

The acknowledgement repeats the header of the flow it answers: its Enveloppe/Parametres/NomFic is the NomFic
of our PES_Aller (the writer's `nom_fic`, also the stored file's name without `.xml`), and its EnTetePES
carries the same IdPost, IdColl, CodCol and CodBud. Then one ElementACQUIT per checked object: the whole
flow (DomaineAck 0, technical), a signature, a bordereau, or a PJ named by its IdUnique, each OK or KO
with Hélios's anomaly codes and messages.

Two schema versions exist (PES_V2_Acquit_Autonome.xsd and ..._V2.xsd), told apart by the root namespace.
The file comes from outside: it is parsed with no DTD, no entity, no network and a size cap, and refused
with an `AcquitRefusedError` (French and English message) when it is anything but an acknowledgement.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from invoices.pes.core.acquit_model import AckElement, AckError, PesAcquit
from invoices.pes.core.errors import AcquitRefusedError
from invoices.pes.core.schema import load_acquit_schema

NS_ACQUIT_V1 = "http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/retour"
NS_ACQUIT_V2 = "http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/retour/v2"
_VERSIONS = {f"{{{NS_ACQUIT_V1}}}PES_ACQUIT": 1, f"{{{NS_ACQUIT_V2}}}PES_ACQUIT": 2}
# An acknowledgement lists a few hundred bytes per object; 32 MiB answers a flow of ~100,000 PJ.
ACQUIT_MAX_BYTES = 32 * 1024 * 1024
_DOCTYPE_MARKERS = tuple("<!DOCTYPE".encode(enc) for enc in ("ascii", "utf-16-le", "utf-16-be"))
_BOOLEANS = {"1": True, "true": True, "0": False, "false": False}
_HEADER = {
    "version": "Enveloppe/Parametres/Version",
    "typ_fic": "Enveloppe/Parametres/TypFic",
    "nom_fic": "Enveloppe/Parametres/NomFic",
    "emetteur_sigle": "Enveloppe/Emetteur/Sigle",
    "emetteur_adresse": "Enveloppe/Emetteur/Adresse",
    "recepteur_sigle": "Enveloppe/Recepteur/Sigle",
    "dte_str": "EnTetePES/DteStr",
    "id_post": "EnTetePES/IdPost",
    "libelle_poste": "EnTetePES/LibellePoste",
    "id_coll": "EnTetePES/IdColl",
    "fin_jur": "EnTetePES/FinJur",
    "cod_col": "EnTetePES/CodCol",
    "cod_bud": "EnTetePES/CodBud",
    "libelle_col_bud": "EnTetePES/LibelleColBud",
    "id_ver": "ACQUIT/EnTeteAcquit/IdVer",
}
_REFUSALS = {
    "too_large": (
        "Fichier trop volumineux pour un acquittement PES ({size} octets, limite {limit}).",
        "File too large for a PES acknowledgement ({size} bytes, limit {limit}).",
    ),
    "doctype": (
        "Fichier refusé : un acquittement PES ne déclare ni DOCTYPE ni entité.",
        "File refused: a PES acknowledgement declares no DOCTYPE and no entity.",
    ),
    "not_xml": (
        "Ce fichier n'est pas du XML bien formé ({detail}).",
        "This file is not well-formed XML ({detail}).",
    ),
    "pes_aller": (
        "Ce fichier est un PES_Aller (un envoi), pas l'acquittement qu'Hélios renvoie.",
        "This file is a PES_Aller (a flow we send), not the acknowledgement Hélios returns.",
    ),
    "foreign": (
        "Ce fichier n'est pas un acquittement PES d'Hélios (élément racine {root}).",
        "This file is not a Hélios PES acknowledgement (root element {root}).",
    ),
    "incomplete": ("Acquittement incomplet : {fr}.", "Incomplete acknowledgement: {en}."),
    "schema_invalid": (
        "Cet acquittement ne respecte pas le schéma PES_ACQUIT : {first}",
        "This acknowledgement breaks the PES_ACQUIT schema: {first}",
    ),
}


def _refuse(code: str, errors: list[str] | None = None, **values) -> AcquitRefusedError:
    fr, en = _REFUSALS[code]
    return AcquitRefusedError(code, fr.format(**values), en.format(**values), errors)


def _v(node, path: str) -> str:
    found = node.find(path)
    return "" if found is None else str(found.get("V", "")).strip()


def _errors(node, **where) -> list[AckError]:
    return [AckError(_v(e, "NumAnoAck"), _v(e, "LibelleAnoAck"), **where) for e in node.findall("Erreur")]


def _element(node, version: int) -> AckElement:
    state = _v(node, "EtatAck")
    if state.lower() not in _BOOLEANS:
        fr, en = f"EtatAck « {state} » ni 0 ni 1", f"EtatAck {state!r} is neither 0 nor 1"
        raise _refuse("incomplete", fr=fr, en=en)
    where = {
        "domain": _v(node, "DomaineAck"),
        "exercice": _v(node, "ExerciceBord"),
        "num_bord": _v(node, "NumBord"),
        "id_unique": _v(node, "IdUnique"),
    }
    lines = {}
    if version == 1:
        lines = {"num_piece": _v(node, "NumPiece"), "num_ligne": _v(node, "NumLigne")}
        code, message = _v(node, "NumAnoAck"), _v(node, "LibelleAnoAck")
        errors = [AckError(code, message, **where, **lines)] if code or message else []
    else:
        errors = _errors(node, **where)
        for piece in node.findall("DetailPiece"):
            num_piece = _v(piece, "NumPiece")
            errors += _errors(piece, **where, num_piece=num_piece)
            for line in piece.findall("DetailLigne"):
                errors += _errors(line, **where, num_piece=num_piece, num_ligne=_v(line, "NumLigne"))
    return AckElement(
        accepted=_BOOLEANS[state.lower()],
        id_marche=_v(node, "IdMarche"),
        errors=tuple(errors),
        **where,
        **lines,
    )


def _parse(data: bytes) -> etree._Element:
    # A parser per call (lxml parsers are not thread-safe); a DOCTYPE is the door to XXE and entity bombs.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        if any(marker in data for marker in _DOCTYPE_MARKERS):
            raise _refuse("doctype") from exc
        raise _refuse("not_xml", detail=str(exc)[:200]) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _refuse("doctype")
    return root


def _version(root) -> int:
    tag = root.tag if isinstance(root.tag, str) else ""
    version = _VERSIONS.get(tag)
    if version is None:
        local = etree.QName(tag).localname if tag else "?"
        raise _refuse("pes_aller") if local == "PES_Aller" else _refuse("foreign", root=local[:60])
    return version


def _validate(root, version: int, xsd_dir) -> None:
    schema = load_acquit_schema(xsd_dir, version)
    if not schema.validate(root.getroottree()):
        errors = [f"line {e.line}: {e.message}" if e.line else e.message for e in schema.error_log]
        raise _refuse("schema_invalid", errors, first=(errors or ["?"])[0])


def read_acquit(data: bytes, *, xsd_dir=None, max_bytes: int = ACQUIT_MAX_BYTES) -> PesAcquit:
    """Read an acknowledgement from its bytes; validate it against its schema when `xsd_dir` is given.

    Raises AcquitRefusedError for anything but a readable PES_ACQUIT, SchemaNotFoundError when `xsd_dir`
    lacks the acknowledgement schema.
    """
    if len(data) > max_bytes:
        raise _refuse("too_large", size=len(data), limit=max_bytes)
    root = _parse(data)
    version = _version(root)
    if xsd_dir:
        _validate(root, version, xsd_dir)
    header = {name: _v(root, path) for name, path in _HEADER.items()}
    if not header["nom_fic"]:
        fr, en = "pas de NomFic pour retrouver l'envoi", "no NomFic to find the flow"
        raise _refuse("incomplete", fr=fr, en=en)
    nodes = root.findall("ACQUIT/ElementACQUIT")
    if not nodes:
        raise _refuse("incomplete", fr="aucun ElementACQUIT", en="no ElementACQUIT")
    elements = tuple(_element(node, version) for node in nodes)
    return PesAcquit(schema_version=version, elements=elements, **header)


def read_acquit_file(path, *, xsd_dir=None, max_bytes: int = ACQUIT_MAX_BYTES) -> PesAcquit:
    """`read_acquit` on a file, refusing an oversized one before reading it."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise _refuse("too_large", size=size, limit=max_bytes)
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    return read_acquit(data, xsd_dir=xsd_dir, max_bytes=max_bytes)


def _where(*pairs: tuple[str, str]) -> str:
    return ", ".join(f"{label} {value}" for label, value in pairs if value)


def format_acquit(ack: PesAcquit) -> str:
    """A plain-text account of an acknowledgement, for the import command and for support."""
    out = [
        f"PES_ACQUIT version {ack.schema_version} answering NomFic {ack.nom_fic}",
        "EnTetePES: "
        + _where(
            ("DteStr", ack.dte_str),
            ("IdPost", ack.id_post),
            ("IdColl", ack.id_coll),
            ("CodCol", ack.cod_col),
            ("CodBud", ack.cod_bud),
        ),
        f"Verdict: {ack.verdict_label_fr} / {ack.verdict_label_en}",
    ]
    for element in ack.elements:
        what = _where(
            ("IdUnique", element.id_unique),
            ("IdMarche", element.id_marche),
            ("exercice", element.exercice),
            ("bordereau", element.num_bord),
            ("pièce", element.num_piece),
            ("ligne", element.num_ligne),
        )
        out.append(
            f"  - DomaineAck {element.domain} ({element.domain_label_fr}): "
            f"{'OK' if element.accepted else 'KO'}{' - ' + what if what else ''}"
        )
        for error in element.errors:
            place = _where(("pièce", error.num_piece), ("ligne", error.num_ligne))
            label = f" ({error.label_fr} / {error.label_en})" if error.code else ""
            place = f" [{place}]" if place else ""
            out.append(f"      {error.code or 'sans code'}{label}: {error.message or '-'}{place}")
    return "\n".join(out) + "\n"
