"""The PES_Aller reader on the real and constructed examples, and on broken content."""

import base64
import gzip
import hashlib
from pathlib import Path

import pytest

from invoices.pes.core import PesError, format_report, read_pes

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "pes" / "examples"
NS = "http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller"


def example(name: str) -> Path:
    path = EXAMPLES / name
    if not path.is_file():
        pytest.skip(f"../shared/pes/examples/{name} is absent: this test reads the shared PES examples")
    return path


def pj_only_file(tmp_path, fichier: str) -> Path:
    """A minimal PJ-only flow around one `Fichier` text, for content the writer would never produce."""
    path = tmp_path / "hand.xml"
    path.write_text(
        f'<?xml version="1.0" encoding="ISO-8859-1"?>\n<n:PES_Aller xmlns:n="{NS}"><Enveloppe/><EnTetePES/>'
        f'<PES_PJ><EnTetePES_PJ><IdVer V="1"/></EnTetePES_PJ><PJ><Contenu><Fichier MIMEType="text/plain">'
        f'{fichier}</Fichier></Contenu><IdUnique V="X1"/><NomPJ V="a.txt"/><TypePJ V="003"/>'
        f'<Description V="d"/></PJ></PES_PJ></n:PES_Aller>',
        encoding="iso-8859-1",
    )
    return path


def test_constructed_invoice_flow_has_its_pj_and_pjref_matched():
    pes = read_pes(example("constructed/PESALR1_chorus_invoice_pj.constructed.xml"))

    assert (pes.typ_fic, pes.id_coll, pes.cod_col, pes.cod_bud) == ("PESALR1", "21340172201787", "123", "00")
    assert (pes.bordereaux, pes.pieces) == (1, 1)
    [pj] = pes.pjs
    assert (pj.id_unique, pj.nom_pj, pj.type_pj) == ("21340172201787CPP123456789", "F2025-0001.pdf", "003")
    assert (pj.mime_type, pj.size, pj.error) == ("application/pdf", 607, "")
    assert pj.sha256 == "8d084a0a05670932350acad80fd3b7e0471d635c98b011ee09d1d4ddec9bffde"
    [ref] = pes.pj_refs
    assert (ref.support, ref.id_unique, ref.type_pj) == ("01", "21340172201787CPP123456789", "003")
    assert (ref.domain, ref.exercice, ref.id_bord, ref.id_pce, ref.id_ligne) == (
        "PES_DepenseAller",
        "2025",
        "42",
        "1234",
        "",
    )
    assert pes.carries_pieces and pes.pj_refs_without_pj == [] and pes.pjs_without_ref == []


def test_constructed_pj_only_flow_exposes_its_refcompta():
    pes = read_pes(example("constructed/PESALR1_pj_only_refcompta.constructed.xml"))

    assert pes.domains == ["PES_PJ"] and not pes.carries_pieces
    [pj] = pes.pjs
    [ref] = pj.ref_comptas
    assert (ref.domaine, ref.exercice, ref.type_objet) == ("01", "2025", "01")
    assert (ref.identifiant, ref.complement_identifiant) == ("1235", "1")
    assert "PJ-only flow" in format_report(pes)


def test_real_flow_reports_pjref_on_a_line_and_pjref_sent_earlier():
    pes = read_pes(example("PESALR1_unsigned.v517.xml"))

    [pj] = pes.pjs
    assert pj.nom_pj == "BORD2020001824 PCH+20 MAND 062020 VITALLIANCE LL 1554.PDF"
    assert pj.size == 2447 and pj.error == ""
    assert [(r.id_pce, r.id_ligne) for r in pes.pj_refs] == [("13712", ""), ("13712", ""), ("13712", "1")]
    assert [r.id_unique for r in pes.pj_refs_without_pj] == [
        "22610001400134DEP061202000202007240615506484QS4HV5",
        "22610001400134DEP0612020002020062306164603181VGFGP",
    ]
    assert pes.pjs_without_ref == []
    assert "PJRef without PJ in this file" in format_report(pes)


def test_schema_invalid_real_flow_is_still_read():
    pes = read_pes(example("PESALR1_unsigned.xml"))

    assert len(pes.pjs) == 1 and len(pes.pj_refs) == 3


def test_bordereau_signature_is_located():
    pes = read_pes(example("SHA256_bordereau.cleaned.xml"))

    assert pes.signatures == ["Bordereau"]
    assert (pes.pieces, pes.pjs) == (1, [])


def test_iso_8859_1_header_text_is_decoded():
    pes = read_pes(example("HELIOS_SIMU_ALR2_LibelleColBud_avec_accent.xml"))

    assert pes.libelle_col_bud == "Test é(-è_çà)="
    assert pes.typ_fic == "PESALR2"


def test_single_line_flow_without_pj():
    pes = read_pes(example("PES_ex.xml"))

    assert (pes.nom_fic, pes.pieces, pes.pjs, pes.pj_refs) == ("SICOVAL201512104", 1, [], [])


def test_several_gzip_members_are_decoded_as_one_document(tmp_path):
    fichier = base64.b64encode(gzip.compress(b"first ") + gzip.compress(b"second")).decode()

    [pj] = read_pes(pj_only_file(tmp_path, fichier)).pjs

    assert (pj.size, pj.error) == (12, "")
    assert pj.sha256 == hashlib.sha256(b"first second").hexdigest()


def test_base64_wrapped_on_several_lines_is_decoded(tmp_path):
    encoded = base64.encodebytes(gzip.compress(b"x" * 5000)).decode()

    [pj] = read_pes(pj_only_file(tmp_path, encoded)).pjs

    assert (pj.size, pj.error) == (5000, "")


@pytest.mark.parametrize(
    ("fichier", "error"),
    [
        (base64.b64encode(b"plain, not gzipped").decode(), "not a valid gzip stream"),
        (base64.b64encode(gzip.compress(b"abc" * 100))[:-8].decode(), "truncated gzip stream"),
        ("@@@@", "invalid base64"),
        ("", "empty content"),
    ],
)
def test_undecodable_content_is_reported_not_raised(tmp_path, fichier, error):
    [pj] = read_pes(pj_only_file(tmp_path, fichier)).pjs

    assert pj.error.startswith(error)
    assert pj.sha256 == ""
    assert "could not be decoded" in format_report(read_pes(pj_only_file(tmp_path, fichier)))


def test_it_refuses_a_doctype(tmp_path):
    path = tmp_path / "dtd.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')

    with pytest.raises(PesError, match="DOCTYPE"):
        read_pes(path)


def test_it_refuses_malformed_xml(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<n:PES_Aller><Enveloppe>")

    with pytest.raises(PesError, match="not well-formed"):
        read_pes(path)


def test_every_shared_example_is_readable():
    folder = example("SOURCE.md").parent
    for path in sorted(folder.rglob("*.xml")):
        pes = read_pes(path)
        assert pes.id_coll and pes.nom_fic, path.name
        assert all(pj.error == "" for pj in pes.pjs), path.name
