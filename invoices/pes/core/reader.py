"""Streaming reader of PES_Aller files: header, PJ (decoded and hashed on the fly), PJRef, cross-check.

The file is fed to a parser target in chunks and each PJ's base64 text is decoded and gunzipped as it
arrives, so neither the tree nor any document is ever held whole in memory.
"""

from __future__ import annotations

import binascii
import hashlib
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from invoices.pes.core.errors import PesError
from invoices.pes.core.model import TYPE_PJ_LABELS

_DSIG = "{http://www.w3.org/2000/09/xmldsig#}"
_READ_CHUNK = 256 * 1024
_OUT_CHUNK = 1024 * 1024
_DOMAINS = ("PES_DepenseAller", "PES_RecetteAller", "PES_Facture", "PES_Marche", "PES_PJ")
_HEADER_FIELDS = {
    ("Parametres", "Version"): "version",
    ("Parametres", "TypFic"): "typ_fic",
    ("Parametres", "NomFic"): "nom_fic",
    ("Emetteur", "Sigle"): "emetteur_sigle",
    ("Emetteur", "Adresse"): "emetteur_adresse",
    ("EnTetePES", "DteStr"): "dte_str",
    ("EnTetePES", "IdPost"): "id_post",
    ("EnTetePES", "LibellePoste"): "libelle_poste",
    ("EnTetePES", "IdColl"): "id_coll",
    ("EnTetePES", "FinJur"): "fin_jur",
    ("EnTetePES", "CodCol"): "cod_col",
    ("EnTetePES", "CodBud"): "cod_bud",
    ("EnTetePES", "LibelleColBud"): "libelle_col_bud",
}
# Element name → attribute, for the children of PJ/RefCompta, PJ and PJRef.
_REF_COMPTA_FIELDS = {
    "Domaine": "domaine",
    "Exercice": "exercice",
    "TypeObjet": "type_objet",
    "Identifiant": "identifiant",
    "ComplementIdentifiant": "complement_identifiant",
    "IdTiers": "id_tiers",
}
_PJ_FIELDS = {"IdUnique": "id_unique", "NomPJ": "nom_pj", "TypePJ": "type_pj", "Description": "description"}
_PJ_REF_FIELDS = {"Support": "support", "IdUnique": "id_unique", "NomPJ": "nom_pj", "TypePJ": "type_pj"}


@dataclass
class RefComptaInfo:
    domaine: str = ""
    exercice: str = ""
    type_objet: str = ""
    identifiant: str = ""
    complement_identifiant: str = ""
    id_tiers: str = ""


@dataclass
class PjInfo:
    id_unique: str = ""
    nom_pj: str = ""
    type_pj: str = ""
    description: str = ""
    mime_type: str = ""
    encoded_size: int = 0
    """Base64 characters in the file."""
    compressed_size: int = 0
    """Bytes after base64 decoding (the gzip stream)."""
    size: int = 0
    """Bytes of the original document (base64-decoded, then gunzipped)."""
    sha256: str = ""
    """SHA-256 of the original document; empty when it could not be decoded."""
    ref_comptas: list[RefComptaInfo] = field(default_factory=list)
    error: str = ""


@dataclass
class PjRefInfo:
    id_unique: str = ""
    nom_pj: str = ""
    type_pj: str = ""
    support: str = ""
    domain: str = ""
    """The block holding the mandat or titre: PES_DepenseAller, PES_RecetteAller, PES_Marche."""
    exercice: str = ""
    id_bord: str = ""
    id_pce: str = ""
    id_ligne: str = ""
    """Empty when the PJRef is on the pièce (InfoPce) rather than on one of its lines."""


@dataclass
class PesFile:
    path: Path
    version: str = ""
    typ_fic: str = ""
    nom_fic: str = ""
    emetteur_sigle: str = ""
    emetteur_adresse: str = ""
    dte_str: str = ""
    id_post: str = ""
    libelle_poste: str = ""
    id_coll: str = ""
    fin_jur: str = ""
    cod_col: str = ""
    cod_bud: str = ""
    libelle_col_bud: str = ""
    domains: list[str] = field(default_factory=list)
    bordereaux: int = 0
    pieces: int = 0
    pjs: list[PjInfo] = field(default_factory=list)
    pj_refs: list[PjRefInfo] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    """The parent element of each ds:Signature (PES_Aller for a whole-file signature, Bordereau, ...)."""

    @property
    def carries_pieces(self) -> bool:
        """Whether the flow carries mandats or titres, so that PJRef and PJ can be cross-checked."""
        return self.pieces > 0

    @property
    def pj_refs_without_pj(self) -> list[PjRefInfo]:
        """Electronic PJRef (Support 01) whose PJ is not in this file (it may have been sent earlier)."""
        ids = {pj.id_unique for pj in self.pjs}
        return [ref for ref in self.pj_refs if ref.support == "01" and ref.id_unique not in ids]

    @property
    def pjs_without_ref(self) -> list[PjInfo]:
        """PJ that no PJRef of this file names and that carry no RefCompta."""
        ids = {ref.id_unique for ref in self.pj_refs}
        return [pj for pj in self.pjs if pj.id_unique not in ids and not pj.ref_comptas]

    @property
    def duplicate_id_uniques(self) -> list[str]:
        seen, duplicates = set(), []
        for pj in self.pjs:
            if pj.id_unique in seen and pj.id_unique not in duplicates:
                duplicates.append(pj.id_unique)
            seen.add(pj.id_unique)
        return duplicates


class _Decoder:
    """base64 → gunzip → SHA-256, fed with text chunks; a decompression bomb costs time, never memory."""

    def __init__(self):
        self.pending = ""
        self.encoded = 0
        self.compressed = 0
        self.size = 0
        self.digest = hashlib.sha256()
        self.inflater = zlib.decompressobj(31)
        self.in_member = False
        self.error = ""

    def feed(self, text: str) -> None:
        if self.error:
            return
        text = "".join(text.split())
        self.encoded += len(text)
        text = self.pending + text
        cut = len(text) - len(text) % 4
        self.pending = text[cut:]
        if cut:
            try:
                raw = binascii.a2b_base64(text[:cut], strict_mode=True)
            except binascii.Error as exc:
                self.error = f"invalid base64: {exc}"
                return
            self.inflate(raw)

    def inflate(self, raw: bytes) -> None:
        self.compressed += len(raw)
        try:
            while raw:
                self.in_member = True
                out = self.inflater.decompress(raw, _OUT_CHUNK)
                self.size += len(out)
                self.digest.update(out)
                if self.inflater.eof:
                    # A gzip file may hold several members one after the other.
                    raw = self.inflater.unused_data
                    self.inflater = zlib.decompressobj(31)
                    self.in_member = False
                else:
                    raw = self.inflater.unconsumed_tail
        except zlib.error as exc:
            self.error = f"not a valid gzip stream: {exc}"

    def finish(self) -> tuple[int, str]:
        if not self.error and self.pending:
            self.error = "invalid base64: truncated"
        if not self.error and self.compressed == 0:
            self.error = "empty content"
        if not self.error and self.in_member:
            self.error = "truncated gzip stream"
        return self.size, ("" if self.error else self.digest.hexdigest())


def _set_field(record, fields: dict[str, str], name: str, value: str) -> None:
    """Keep the value of element `name` when it is one of the record's `fields`; ignore any other."""
    if name in fields:
        setattr(record, fields[name], value)


class _Target:
    def __init__(self, pes: PesFile):
        self.pes = pes
        self.stack: list[str] = []
        self.domain = ""
        self.context = {"exercice": "", "id_bord": "", "id_pce": "", "id_ligne": ""}
        self.pj: PjInfo | None = None
        self.ref: PjRefInfo | None = None
        self.ref_compta: RefComptaInfo | None = None
        self.decoder: _Decoder | None = None
        self.in_signature = 0

    def doctype(self, *_args):
        raise PesError("a PES file has no DOCTYPE; refusing a document that declares one")

    def start(self, tag, attrib):
        name = tag.rsplit("}", 1)[-1]
        parent = self.stack[-1] if self.stack else ""
        self.stack.append(name)
        if tag.startswith(_DSIG) or self.in_signature:
            if tag == _DSIG + "Signature":
                self.pes.signatures.append(parent)
            self.in_signature += 1
            return
        value = attrib.get("V", "")
        if len(self.stack) == 2 and name in _DOMAINS:
            self.domain = name
            self.pes.domains.append(name)
        if (parent, name) in _HEADER_FIELDS and len(self.stack) <= 4:
            setattr(self.pes, _HEADER_FIELDS[(parent, name)], value)
            return
        if self.domain == "PES_PJ":
            self.start_pj(name, parent, value, attrib)
        else:
            self.start_piece(name, parent, value)

    def start_pj(self, name, parent, value, attrib):
        if name == "PJ" and parent == "PES_PJ":
            self.pj = PjInfo()
        elif self.pj is None:
            return
        elif name == "Fichier":
            self.pj.mime_type = attrib.get("MIMEType", "")
            self.decoder = _Decoder()
        elif name == "RefCompta":
            self.ref_compta = RefComptaInfo()
        elif self.ref_compta is not None:
            _set_field(self.ref_compta, _REF_COMPTA_FIELDS, name, value)
        elif parent == "PJ":
            _set_field(self.pj, _PJ_FIELDS, name, value)

    def start_piece(self, name, parent, value):
        if name == "Bordereau" and parent in _DOMAINS:
            self.pes.bordereaux += 1
            self.context.update(exercice="", id_bord="", id_pce="", id_ligne="")
        elif name == "Piece" and parent == "Bordereau":
            self.pes.pieces += 1
            self.context.update(id_pce="", id_ligne="")
        elif name == "LigneDePiece":
            self.context["id_ligne"] = ""
        elif name == "PJRef":
            self.ref = PjRefInfo(domain=self.domain, **self.context)
            if parent != "InfoLignePce":
                self.ref.id_ligne = ""
        elif self.ref is not None and parent == "PJRef":
            _set_field(self.ref, _PJ_REF_FIELDS, name, value)
        elif parent == "BlocBordereau" and name in ("Exer", "IdBord"):
            self.context["exercice" if name == "Exer" else "id_bord"] = value
        elif parent == "InfoPce" and name == "IdPce":
            self.context["id_pce"] = value
        elif parent == "InfoLignePce" and name == "IdLigne":
            self.context["id_ligne"] = value

    def data(self, text):
        if self.decoder is not None:
            self.decoder.feed(text)

    def end(self, tag):
        name = self.stack.pop()
        if self.in_signature:
            self.in_signature -= 1
            return
        if len(self.stack) == 1 and name in _DOMAINS:
            self.domain = ""
        if name == "Fichier" and self.decoder is not None and self.pj is not None:
            self.pj.size, self.pj.sha256 = self.decoder.finish()
            self.pj.encoded_size = self.decoder.encoded
            self.pj.compressed_size = self.decoder.compressed
            self.pj.error = self.decoder.error
            self.decoder = None
        elif name == "RefCompta" and self.ref_compta is not None and self.pj is not None:
            self.pj.ref_comptas.append(self.ref_compta)
            self.ref_compta = None
        elif name == "PJ" and self.pj is not None and self.domain == "PES_PJ":
            self.pes.pjs.append(self.pj)
            self.pj = None
        elif name == "PJRef" and self.ref is not None:
            self.pes.pj_refs.append(self.ref)
            self.ref = None

    def close(self):
        return self.pes


def read_pes(path: str | Path) -> PesFile:
    """Read a PES_Aller file; raises PesError when it is not well-formed XML.

    Does not validate against the schema (see `validate_pes`): it reads whatever it recognises.
    """
    path = Path(path)
    pes = PesFile(path=path)
    parser = etree.XMLParser(
        target=_Target(pes),
        huge_tree=True,
        no_network=True,
        resolve_entities=False,
        load_dtd=False,
    )
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_READ_CHUNK):
                parser.feed(chunk)
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise PesError(f"{path.name} is not well-formed XML: {exc}") from exc
    return pes


def _ref_compta_text(ref: RefComptaInfo) -> str:
    parts = [f"Domaine {ref.domaine}", f"Exercice {ref.exercice}", f"TypeObjet {ref.type_objet}"]
    if ref.identifiant:
        parts.append(f"Identifiant (IdPce) {ref.identifiant}")
    if ref.complement_identifiant:
        parts.append(f"ComplementIdentifiant (IdLigne) {ref.complement_identifiant}")
    if ref.id_tiers:
        parts.append(f"IdTiers {ref.id_tiers}")
    return ", ".join(parts)


def format_report(pes: PesFile) -> str:
    """A plain-text account of the file, for `inspect_pes` and for support."""
    out = [
        f"File: {pes.path.name}",
        f"Parametres: Version {pes.version}, TypFic {pes.typ_fic}, NomFic {pes.nom_fic}",
        f"Emetteur: {pes.emetteur_sigle} / {pes.emetteur_adresse}",
        "EnTetePES: "
        + ", ".join(
            f"{label} {value}"
            for label, value in (
                ("DteStr", pes.dte_str),
                ("IdPost", pes.id_post),
                ("LibellePoste", pes.libelle_poste),
                ("IdColl", pes.id_coll),
                ("FinJur", pes.fin_jur),
                ("CodCol", pes.cod_col),
                ("CodBud", pes.cod_bud),
                ("LibelleColBud", pes.libelle_col_bud),
            )
            if value
        ),
        f"Blocks: {', '.join(pes.domains) or 'none'}; {pes.bordereaux} bordereau(x), {pes.pieces} pièce(s)",
        f"Signatures: {', '.join('on ' + s for s in pes.signatures) or 'none'}",
        f"PJ: {len(pes.pjs)}",
    ]
    for pj in pes.pjs:
        label = TYPE_PJ_LABELS.get(pj.type_pj, "?")
        out.append(
            f"  - IdUnique {pj.id_unique} | NomPJ {pj.nom_pj} | TypePJ {pj.type_pj} ({label})"
            f" | {pj.mime_type}"
        )
        out.append(f"    {pj.size} bytes decoded ({pj.encoded_size} base64 chars), sha256 {pj.sha256 or '-'}")
        if pj.description:
            out.append(f"    Description: {pj.description}")
        for ref in pj.ref_comptas:
            out.append(f"    RefCompta: {_ref_compta_text(ref)}")
        if pj.error:
            out.append(f"    ERROR: {pj.error}")
    out.append(f"PJRef: {len(pes.pj_refs)}")
    for ref in pes.pj_refs:
        where = f"{ref.domain} exercice {ref.exercice} bordereau {ref.id_bord} pièce {ref.id_pce}"
        if ref.id_ligne:
            where += f" ligne {ref.id_ligne}"
        out.append(
            f"  - IdUnique {ref.id_unique} | NomPJ {ref.nom_pj or '-'} | TypePJ {ref.type_pj or '-'} "
            f"| Support {ref.support} | {where}"
        )
    out.append("Cross-check:")
    if pes.duplicate_id_uniques:
        out.append(f"  ERROR: IdUnique used by several PJ: {', '.join(pes.duplicate_id_uniques)}")
    if pes.carries_pieces:
        missing = pes.pj_refs_without_pj
        orphans = pes.pjs_without_ref
        out.append(
            "  every electronic PJRef has its PJ in this file"
            if not missing
            else "  PJRef without PJ in this file (sent earlier?): " + ", ".join(r.id_unique for r in missing)
        )
        out.append(
            "  every PJ is referenced"
            if not orphans
            else "  PJ referenced by no PJRef nor RefCompta: " + ", ".join(p.id_unique for p in orphans)
        )
    else:
        with_ref = sum(1 for pj in pes.pjs if pj.ref_comptas)
        out.append(
            f"  PJ-only flow: no mandat to cross-check; {with_ref} PJ linked by RefCompta, "
            f"{len(pes.pjs) - with_ref} waiting for a PJRef from the financial software"
        )
    errors = [pj for pj in pes.pjs if pj.error]
    if errors:
        out.append(f"  ERROR: {len(errors)} PJ could not be decoded")
    return "\n".join(out) + "\n"
