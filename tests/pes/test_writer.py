"""The PES_Aller writer: round trip, both shapes valid, text fitting, split under a cap, refusals."""

import csv
import hashlib
import io
import json
import random
from datetime import datetime
from pathlib import Path

import pytest

from invoices.pes.core import (
    TYPE_PJ_LABELS,
    EmptyExportError,
    InvalidHeaderError,
    PesHeader,
    PesValidationError,
    PjDocument,
    RefCompta,
    SchemaNotFoundError,
    pj_list_csv,
    pj_list_json,
    read_pes,
    validate_pes,
    write_pes,
)

XSD_DIR = Path(__file__).resolve().parents[3] / "shared" / "pes" / "xsd" / "schemas_pes_v5.17"
NOW = datetime(2025, 3, 14, 10, 15, 0)
HEADER = PesHeader(
    id_post="034000",
    id_coll="21340172201787",
    cod_col="123",
    cod_bud="00",
    libelle_col_bud="BUDGET PRINCIPAL",
)
MB = 1024 * 1024


@pytest.fixture
def xsd_dir():
    if not (XSD_DIR / "PES_V2" / "Rev0" / "PES_Aller.xsd").is_file():
        pytest.skip("../shared/pes/xsd/schemas_pes_v5.17 is absent: XSD validation needs the DGFiP schemas")
    return XSD_DIR


def random_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def document(key: str, data: bytes, **fields) -> PjDocument:
    values = {
        "invoice_number": f"F-{key}",
        "year": 2025,
        "supplier_name": "ACME SARL",
        "size": len(data),
    }
    values.update(fields)
    return PjDocument(key=key, open=lambda: io.BytesIO(data), **values)


def write(tmp_path, documents, **options):
    options.setdefault("max_bytes", 10 * MB)
    options.setdefault("now", NOW)
    return write_pes(documents, options.pop("header", HEADER), tmp_path / "out", **options)


def test_round_trip_gives_back_every_original_byte(tmp_path):
    contents = {f"inv-{n}": random_bytes(1000 + 5000 * n, seed=n) for n in range(3)}
    report = write(tmp_path, [document(key, data) for key, data in contents.items()])

    assert len(report.files) == 1
    pes = read_pes(report.files[0].path)
    written = {pj.key: pj for pj in report.documents}
    assert [pj.sha256 for pj in pes.pjs] == [hashlib.sha256(data).hexdigest() for data in contents.values()]
    assert [pj.size for pj in pes.pjs] == [len(data) for data in contents.values()]
    assert [pj.id_unique for pj in pes.pjs] == [written[key].id_unique for key in contents]
    assert [pj.nom_pj for pj in pes.pjs] == [written[key].nom_pj for key in contents]
    assert {pj.type_pj for pj in pes.pjs} == {"003"}
    assert {pj.mime_type for pj in pes.pjs} == {"application/pdf"}
    assert not any(pj.error for pj in pes.pjs)


def test_header_is_written_as_given(tmp_path):
    report = write(tmp_path, [document("a", b"%PDF-1.4 a")], nom_fic_prefix="EXPORT42")

    pes = read_pes(report.files[0].path)
    assert (pes.version, pes.typ_fic, pes.nom_fic) == ("2", "PESALR1", "EXPORT42_001")
    assert (pes.id_post, pes.id_coll, pes.cod_col, pes.cod_bud) == ("034000", "21340172201787", "123", "00")
    assert (pes.dte_str, pes.libelle_col_bud) == ("2025-03-14", "BUDGET PRINCIPAL")
    assert pes.domains == ["PES_PJ"]
    assert report.files[0].path.name == "EXPORT42_001.xml"
    assert report.files[0].nom_fic == "EXPORT42_001"


def test_refcompta_shape_is_valid_and_carries_the_mandat(tmp_path, xsd_dir):
    ref = RefCompta(exercice=2025, id_pce="1235", id_ligne="1", type_bordereau="01")
    report = write(tmp_path, [document("a", b"%PDF-1.4 mandated", ref_compta=ref)], xsd_dir=xsd_dir)

    path = report.files[0].path
    assert validate_pes(path, xsd_dir) == []
    [pj] = read_pes(path).pjs
    [found] = pj.ref_comptas
    assert (found.domaine, found.exercice, found.type_objet) == ("01", "2025", "01")
    assert (found.identifiant, found.complement_identifiant) == ("1235", "1")


def test_pj_only_shape_is_valid_and_lists_what_the_pjref_needs(tmp_path, xsd_dir):
    report = write(tmp_path, [document("a", b"%PDF a"), document("b", b"%PDF b")], xsd_dir=xsd_dir)

    pes = read_pes(report.files[0].path)
    assert validate_pes(report.files[0].path, xsd_dir) == []
    assert not pes.carries_pieces and all(not pj.ref_comptas for pj in pes.pjs)
    rows = list(csv.DictReader(io.StringIO(pj_list_csv(report)), delimiter=";"))
    assert [(r["id_unique"], r["nom_pj"], r["type_pj"], r["support"]) for r in rows] == [
        (pj.id_unique, pj.nom_pj, "003", "01") for pj in pes.pjs
    ]
    assert [r["document_key"] for r in json.loads(pj_list_json(report))] == ["a", "b"]
    assert report.pj_list[0]["nom_fic"] == pes.nom_fic


def test_pj_list_neutralises_spreadsheet_formulas(tmp_path):
    report = write(tmp_path, [document("a", b"%PDF", supplier_name="=HYPERLINK(1)")])

    [row] = csv.DictReader(io.StringIO(pj_list_csv(report)), delimiter=";")
    assert row["supplier_name"] == "'=HYPERLINK(1)"


def test_supplier_name_outside_latin1_is_transliterated_and_reported(tmp_path, xsd_dir):
    report = write(tmp_path, [document("a", b"%PDF", supplier_name="北京 Trading 😀 Ωmega")], xsd_dir=xsd_dir)

    [pj] = report.documents
    assert pj.description == "Facture F-a BeiJing Trading Omega"
    assert pj.nom_pj == "Facture_F-a_2025_BeiJing-Trading-Omega.pdf"
    [line] = [line for line in report.lines if line.code == "transliterated"]
    assert (line.level, line.document_key, line.field) == ("warning", "a", "supplier_name")
    assert line.written == "BeiJing Trading Omega"
    assert validate_pes(report.files[0].path, xsd_dir) == []


def test_latin1_accents_are_kept_in_the_iso_8859_1_file(tmp_path):
    report = write(tmp_path, [document("a", b"%PDF", supplier_name="Société Générale")])

    raw = report.files[0].path.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    assert b'<Description V="Facture F-a Soci\xe9t\xe9 G\xe9n\xe9rale"/>' in raw
    assert not [line for line in report.lines if line.code == "transliterated"]


def test_long_invoice_number_is_truncated_and_reported_file_still_valid(tmp_path, xsd_dir):
    number = "INV" + "7" * 297
    report = write(tmp_path, [document("a", b"%PDF", invoice_number=number)], xsd_dir=xsd_dir)

    [pj] = report.documents
    assert len(pj.nom_pj) == 100 and pj.nom_pj.endswith("_2025_ACME-SARL.pdf")
    assert len(pj.description) == 250
    fields = {line.field for line in report.lines if line.code == "truncated"}
    assert fields == {"nom_pj", "description"}
    assert validate_pes(report.files[0].path, xsd_dir) == []


def test_long_libelle_col_bud_is_truncated_and_reported(tmp_path, xsd_dir):
    header = PesHeader(
        **{**HEADER.__dict__, "libelle_col_bud": "BUDGET ANNEXE DE L'EAU ET DE L'ASSAINISSEMENT"}
    )
    report = write(tmp_path, [document("a", b"%PDF")], header=header, xsd_dir=xsd_dir)

    assert read_pes(report.files[0].path).libelle_col_bud == "BUDGET ANNEXE DE L'EAU ET DE L'ASSAINI"
    [line] = report.lines
    assert (line.code, line.field, line.document_key) == ("truncated", "libelle_col_bud", None)


def test_it_refuses_an_export_without_documents(tmp_path):
    with pytest.raises(EmptyExportError):
        write(tmp_path, [])
    assert list((tmp_path / "out").iterdir()) == []


def test_it_refuses_missing_header_parameters_naming_the_fields(tmp_path):
    header = PesHeader(id_post="", id_coll="21340172201788", cod_col="", cod_bud="0")

    with pytest.raises(InvalidHeaderError) as caught:
        write(tmp_path, [document("a", b"%PDF")], header=header)

    assert caught.value.fields == ["id_post", "id_coll", "cod_col", "cod_bud"]
    assert [e.code for e in caught.value.errors] == [
        "required",
        "siret_checksum",
        "required",
        "cod_bud_format",
    ]
    assert not (tmp_path / "out").exists()


def test_split_under_the_cap_gives_valid_complete_files_with_every_document_once(tmp_path, xsd_dir):
    contents = {f"inv-{n:02d}": random_bytes(20_000 + 1500 * n, seed=n) for n in range(12)}
    cap = 80_000
    report = write(tmp_path, [document(k, v) for k, v in contents.items()], max_bytes=cap, xsd_dir=xsd_dir)

    assert len(report.files) >= 4
    assert len({f.nom_fic for f in report.files}) == len(report.files)
    seen = {}
    for written in report.files:
        assert written.path.stat().st_size == written.size <= cap
        assert written.sha256 == hashlib.sha256(written.path.read_bytes()).hexdigest()
        assert validate_pes(written.path, xsd_dir) == []
        pes = read_pes(written.path)
        assert pes.nom_fic == written.nom_fic
        for pj in pes.pjs:
            assert pj.id_unique not in seen
            seen[pj.id_unique] = pj.sha256
    assert sorted(seen.values()) == sorted(hashlib.sha256(v).hexdigest() for v in contents.values())
    assert report.lines == []


def test_a_document_larger_than_the_cap_on_its_own_is_left_out_with_an_error(tmp_path, xsd_dir):
    docs = [
        document("small-1", random_bytes(5_000, 1)),
        document("huge", random_bytes(200_000, 2)),
        document("small-2", random_bytes(5_000, 3)),
    ]
    report = write(tmp_path, docs, max_bytes=40_000, xsd_dir=xsd_dir)

    assert [pj.key for pj in report.documents] == ["small-1", "small-2"]
    assert len(report.files) == 1 and report.files[0].size <= 40_000
    [error] = report.errors
    assert (error.code, error.document_key) == ("too_large", "huge")
    assert report.skipped_keys == ["huge"]


def test_compressible_document_larger_than_the_cap_fits_once_gzipped(tmp_path):
    text = b"Ligne de facture identique\n" * 20_000
    report = write(
        tmp_path, [document("text", text, extension="txt", mime_type="text/plain")], max_bytes=40_000
    )

    assert report.files[0].size <= 40_000 < len(text)
    assert read_pes(report.files[0].path).pjs[0].sha256 == hashlib.sha256(text).hexdigest()


def test_id_unique_is_deterministic_across_exports(tmp_path):
    first = write(tmp_path / "1", [document("invoice-1", b"%PDF")])
    second = write(tmp_path / "2", [document("invoice-1", b"%PDF other bytes")], now=datetime(2026, 1, 1))

    assert (
        first.documents[0].id_unique
        == second.documents[0].id_unique
        == "21340172201787CHOFW5IX7GANMWHBMXPKDUFIO7VY6"
    )


def test_same_input_gives_the_same_bytes(tmp_path):
    docs = [document("a", random_bytes(30_000, 7)), document("b", b"%PDF b")]
    first = write(tmp_path / "1", docs)
    second = write(tmp_path / "2", docs)

    assert [f.sha256 for f in first.files] == [f.sha256 for f in second.files]


def test_nom_pj_is_made_unique_within_the_export(tmp_path):
    docs = [document(key, b"%PDF", invoice_number="F-1") for key in ("a", "b", "c")]
    report = write(tmp_path, docs)

    assert [pj.nom_pj for pj in report.documents] == [
        "Facture_F-1_2025_ACME-SARL.pdf",
        "Facture_F-1_2025_ACME-SARL_2.pdf",
        "Facture_F-1_2025_ACME-SARL_3.pdf",
    ]
    assert [line.code for line in report.lines] == ["renamed", "renamed"]


def test_documents_that_cannot_be_written_are_left_out_the_others_are_written(tmp_path, xsd_dir):
    docs = [
        document("ok", b"%PDF ok"),
        document("empty", b""),
        document("lying-size", b"%PDF", size=999),
        document("bad-ref", b"%PDF", ref_compta=RefCompta(exercice=2025, id_pce="000")),
        document("bad-domain", b"%PDF", ref_compta=RefCompta(exercice=2025, id_pce="12", domaine="02")),
        document("bad-ext", b"%PDF", extension="toolong"),
        document("ok", b"%PDF again"),
    ]
    report = write(tmp_path, docs, xsd_dir=xsd_dir)

    assert [pj.key for pj in report.documents] == ["ok"]
    assert [(e.document_key, e.code, e.field) for e in report.errors] == [
        ("empty", "empty", "size"),
        ("lying-size", "size_mismatch", "size"),
        ("bad-ref", "ref_compta_id_pce_format", "ref_compta.id_pce"),
        ("bad-domain", "ref_compta_type_pj_domaine", "ref_compta.type_pj"),
        ("bad-ext", "extension", "extension"),
        ("ok", "duplicate_key", "key"),
    ]
    assert report.skipped_keys == ["empty", "lying-size", "bad-ref", "bad-domain", "bad-ext"]


def test_content_may_be_an_iterator_of_chunks(tmp_path):
    chunks = [b"%PDF-1.7\n", b"", b"x" * 70_000, b"%%EOF"]
    doc = PjDocument(
        key="k", invoice_number="1", year=2025, supplier_name="S", open=lambda: iter(chunks), size=None
    )
    report = write(tmp_path, [doc])

    assert read_pes(report.files[0].path).pjs[0].sha256 == hashlib.sha256(b"".join(chunks)).hexdigest()


def test_a_file_that_does_not_validate_is_deleted_and_raises(tmp_path, xsd_dir, monkeypatch):
    # A TypePJ the writer accepts but the schema does not stands for any writer bug.
    monkeypatch.setitem(TYPE_PJ_LABELS, "999", "not in the schema")

    with pytest.raises(PesValidationError) as caught:
        write(tmp_path, [document("a", b"%PDF", type_pj="999")], xsd_dir=xsd_dir)

    assert any("TypePJ" in error for error in caught.value.errors)
    assert list((tmp_path / "out").iterdir()) == []


def test_it_does_not_overwrite_an_existing_export(tmp_path):
    write(tmp_path, [document("a", b"%PDF")], nom_fic_prefix="SAME")

    with pytest.raises(Exception, match="already exists"):
        write(tmp_path, [document("b", b"%PDF")], nom_fic_prefix="SAME")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["SAME_001.xml"]


def test_report_is_json_ready(tmp_path):
    report = write(tmp_path, [document("a", b"%PDF", supplier_name="Ωmega")])

    data = json.loads(json.dumps(report.as_dict()))
    assert data["files"][0]["documents"] == ["a"]
    assert data["lines"][0]["code"] == "transliterated"


def test_an_unreadable_document_is_left_out_the_others_are_written(tmp_path, xsd_dir):
    def missing():
        raise FileNotFoundError("storage/abc.pdf")

    def broken_midway():
        yield random_bytes(300_000, 5)
        raise OSError("connection reset by storage")

    docs = [
        document("ok", b"%PDF"),
        PjDocument(key="gone", invoice_number="1", year=2025, supplier_name="S", open=missing),
        PjDocument(key="cut", invoice_number="2", year=2025, supplier_name="S", open=broken_midway),
    ]
    report = write(tmp_path, docs, xsd_dir=xsd_dir)

    assert [pj.key for pj in report.documents] == ["ok"]
    assert [(e.document_key, e.code) for e in report.errors] == [
        ("gone", "unreadable"),
        ("cut", "unreadable"),
    ]
    assert "storage/abc.pdf" in report.errors[0].message_en
    assert report.files[0].size < 10_000


def test_a_schema_folder_without_the_pes_schema_is_refused_before_writing(tmp_path):
    with pytest.raises(SchemaNotFoundError):
        write(tmp_path, [document("a", b"%PDF")], xsd_dir=tmp_path)
    assert not (tmp_path / "out").exists()
