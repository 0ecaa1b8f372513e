"""Hélios acknowledgements (PES_ACQUIT) built from the schema: valid, read back, matched to our flow."""

import io
from datetime import datetime

import pytest
from lxml import etree

from invoices.pes.core import (
    PesHeader,
    PjDocument,
    SchemaNotFoundError,
    format_acquit,
    load_acquit_schema,
    read_acquit,
    read_acquit_file,
    write_pes,
)
from invoices.pes.core.acquit_codes import ANOMALIES
from tests.builders.pes_acquit import (
    CODIQUE_REFUSED,
    DUPLICATE_PJ,
    AckHeader,
    Element,
    Piece,
    accepted_acquit,
    acquit_xml,
    header_of,
    partial_acquit,
    rejected_acquit,
)
from tests.conftest import shared_path

HEADER = PesHeader(id_post="034000", id_coll="21340172201787", cod_col="123", cod_bud="00")


@pytest.fixture
def xsd_dir():
    """The DGFiP schema folder: the acknowledgement schemas sit beside PES_Aller.xsd."""
    return shared_path("pes", "xsd", "schemas_pes_v5.17")


@pytest.fixture
def sent(tmp_path):
    """A PES_Aller of two PJ as the export writes it: its path and the IdUnique of its PJ."""
    docs = [
        PjDocument(
            key=key,
            invoice_number=f"F-{key}",
            year=2025,
            supplier_name="ACME SARL",
            open=lambda key=key: io.BytesIO(b"%PDF-1.4 " + key.encode()),
        )
        for key in ("a", "b")
    ]
    report = write_pes(docs, HEADER, tmp_path, max_bytes=1024 * 1024, now=datetime(2025, 3, 14, 10, 15))
    [written] = report.files
    return written.path, [pj.id_unique for pj in written.documents]


def schema_errors(data: bytes, xsd_dir, version: int = 2) -> list:
    schema = load_acquit_schema(xsd_dir, version)
    schema.validate(etree.fromstring(data).getroottree())
    return [e.message for e in schema.error_log]


@pytest.mark.parametrize("version", [1, 2])
def test_built_acknowledgements_validate_against_the_acquit_schema(sent, xsd_dir, version):
    path, ids = sent
    header = header_of(path)
    detailed = acquit_xml(
        header,
        [
            Element(
                "5",
                False,
                num_bord="12",
                exercice="2025",
                pieces=(Piece("7", (DUPLICATE_PJ,), (("1", (CODIQUE_REFUSED,)),)),) if version == 2 else (),
                errors=() if version == 2 else (DUPLICATE_PJ,),
            )
        ],
        version=version,
    )
    for data in (
        accepted_acquit(header, ids, version=version),
        rejected_acquit(header, ids, version=version),
        partial_acquit(header, ids[:1], {ids[1]: DUPLICATE_PJ}, version=version),
        detailed,
    ):
        assert schema_errors(data, xsd_dir, version) == []


def test_an_accepted_acknowledgement_answers_our_file_and_accepts_every_pj(sent, xsd_dir):
    path, ids = sent
    ack = read_acquit(accepted_acquit(header_of(path), ids), xsd_dir=xsd_dir)

    assert ack.schema_version == 2
    assert ack.answers(path.stem) and ack.answers(path.name)
    assert ack.answered_nom_fic == path.stem == ack.nom_fic
    assert not ack.answers("PESALR1_21340172201787_20250314101500_002")
    assert ack.header_mismatches(HEADER) == []
    assert (ack.verdict, ack.verdict_label_fr, ack.verdict_label_en) == ("accepted", "acceptée", "accepted")
    assert ack.errors == [] and ack.rejected_id_uniques == []
    assert [ack.pj_accepted(i) for i in ids] == [True, True]
    assert set(ack.pj_results) == set(ids)


def test_a_rejected_acknowledgement_carries_the_helios_codes_and_messages(sent, xsd_dir):
    path, ids = sent
    ack_path = path.parent / "ack.xml"
    ack_path.write_bytes(rejected_acquit(header_of(path), ids))
    ack = read_acquit_file(ack_path, xsd_dir=xsd_dir)

    assert (ack.verdict, ack.verdict_label_fr) == ("rejected", "rejetée")
    [error] = ack.errors
    assert (error.code, error.message, error.domain) == (*CODIQUE_REFUSED, "0")
    assert error.label_fr == "Poste comptable (codique IdPost) inconnu d'Hélios"
    assert error.label_en.startswith("Public accounting office")
    assert ack.elements[0].rejects_whole_file
    technical = ack.elements[0]
    assert (technical.domain_label_fr, technical.state_label_en) == ("Technique", "KO: rejected by Hélios")
    assert [ack.pj_accepted(i) for i in ids] == [False, False]
    assert ack.rejected_id_uniques == ids


def test_a_technical_refusal_alone_rejects_every_pj_of_the_file(sent):
    path, ids = sent
    ack = read_acquit(rejected_acquit(header_of(path)))

    assert ack.verdict == "rejected" and ack.pj_results == {}
    assert ack.pj_accepted(ids[0]) is False


def test_a_partial_acknowledgement_names_the_refused_pj(sent, xsd_dir):
    path, ids = sent
    ack = read_acquit(partial_acquit(header_of(path), ids[:1], {ids[1]: DUPLICATE_PJ}), xsd_dir=xsd_dir)

    assert (ack.verdict, ack.verdict_label_en) == ("partial", "partially accepted")
    assert ack.pj_accepted(ids[0]) is True and ack.pj_accepted(ids[1]) is False
    assert ack.pj_accepted("UNKNOWN") is None
    [error] = ack.errors
    assert (error.code, error.id_unique) == ("ERREUR_DOUBLON_PJ", ids[1])
    assert error.message == "Pièce justificative déjà intégrée : IdUnique déjà reçu."


def test_errors_on_pieces_and_lines_keep_where_helios_put_them(xsd_dir):
    spec = Element(
        "5",
        False,
        num_bord="12",
        exercice="2025",
        errors=(("ERREUR_AUTRE", "bordereau"),),
        pieces=(
            Piece(
                "7",
                errors=(("ERREUR_DOUBLON_PIECE", "pièce"),),
                lines=(("3", (("ERREUR_TAILLE_LIGNE", "ligne"),)),),
            ),
        ),
    )
    ack = read_acquit(acquit_xml(AckHeader("F_001"), [spec]), xsd_dir=xsd_dir)

    places = [(e.code, e.num_bord, e.exercice, e.num_piece, e.num_ligne) for e in ack.errors]
    assert places == [
        ("ERREUR_AUTRE", "12", "2025", "", ""),
        ("ERREUR_DOUBLON_PIECE", "12", "2025", "7", ""),
        ("ERREUR_TAILLE_LIGNE", "12", "2025", "7", "3"),
    ]
    assert "ERREUR_TAILLE_LIGNE (Taille de la ligne dépassée / Line too large): ligne [pièce 7, ligne 3]" in (
        format_acquit(ack)
    )


def test_version_1_acknowledgements_are_read_too(sent, xsd_dir):
    path, ids = sent
    data = partial_acquit(header_of(path), ids[:1], {ids[1]: DUPLICATE_PJ}, version=1)
    ack = read_acquit(data, xsd_dir=xsd_dir)

    assert ack.schema_version == 1 and ack.verdict == "partial"
    assert [(e.code, e.id_unique) for e in ack.errors] == [("ERREUR_DOUBLON_PJ", ids[1])]


def test_an_acknowledgement_of_another_collectivity_is_told_apart(sent):
    path, ids = sent
    other = AckHeader(nom_fic=path.stem, id_coll="21330063500017", id_post="033000")
    ack = read_acquit(accepted_acquit(other, ids))

    assert ack.answers(path.stem)
    assert read_acquit(accepted_acquit(AckHeader(nom_fic=path.name), ids)).answered_nom_fic == path.stem
    mismatches = ack.header_mismatches(HEADER)
    assert [m.field for m in mismatches] == ["id_post", "id_coll"]
    assert mismatches[1].message_fr == (
        "L'acquittement porte IdColl 21330063500017, le fichier envoyé 21340172201787."
    )


def test_every_anomaly_code_of_the_schema_has_a_label_in_both_languages(xsd_dir):
    common = etree.parse(str(xsd_dir / "PES_V2" / "CommunAck.xsd"))
    xs = "{http://www.w3.org/2001/XMLSchema}"
    codes = {
        e.get("value")
        for t in common.iter(f"{xs}complexType")
        if t.get("name") == "TNumAnoAck"
        for e in t.iter(f"{xs}enumeration")
    }
    assert codes == set(ANOMALIES)
    assert all(fr and en for fr, en in ANOMALIES.values())


def test_a_folder_without_the_acquit_schema_is_reported(tmp_path):
    with pytest.raises(SchemaNotFoundError):
        read_acquit(accepted_acquit(AckHeader("F_001"), ["A1"]), xsd_dir=tmp_path)
