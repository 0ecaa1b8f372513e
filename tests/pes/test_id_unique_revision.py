"""A corrected re-send gets a new IdUnique per revision: distinct, deterministic, schema-valid."""

import io
import re
from datetime import datetime

import pytest

from invoices.pes.core import PesHeader, PjDocument, id_unique, read_pes, validate_pes, write_pes
from tests.conftest import shared_path

SIRET = "21340172201787"
HEADER = PesHeader(id_post="034000", id_coll=SIRET, cod_col="123", cod_bud="00")
# PJ/IdUnique is Base_Alphanum50 (Simple_Type.xsd): 1 to 50 of [0-9a-zA-Z], not only zeros.
ALPHANUM50 = re.compile(r"[0-9a-zA-Z]{1,50}")


def test_revision_zero_is_the_id_of_the_first_sending():
    assert id_unique(SIRET, "inv-1") == "21340172201787CHOUWQRXLIFTQEVUUWXDKXJFWHNA2"
    assert id_unique(SIRET, "inv-1", revision=0) == id_unique(SIRET, "inv-1")


def test_each_revision_has_its_own_known_id():
    assert id_unique(SIRET, "inv-1", revision=1) == "21340172201787CHOSFKYPKUDS5A3BL7SVE2DPWFWZR"
    ids = [id_unique(SIRET, "inv-1", revision=n) for n in range(50)]

    assert len(set(ids)) == 50
    assert ids == [id_unique(SIRET, "inv-1", revision=n) for n in range(50)]
    assert all(ALPHANUM50.fullmatch(i) and i.startswith(SIRET + "CHO") for i in ids)


def test_revisions_of_two_documents_never_meet():
    first = {id_unique(SIRET, "inv-1", revision=n) for n in range(20)}
    second = {id_unique(SIRET, "inv-2", revision=n) for n in range(20)}

    assert not first & second


@pytest.mark.parametrize("revision", [-1, True, 1.0, "1", None])
def test_a_revision_is_a_whole_number_from_zero(revision):
    with pytest.raises(ValueError):
        id_unique(SIRET, "inv-1", revision=revision)


def document(revision) -> PjDocument:
    return PjDocument(
        key="inv-1",
        invoice_number="F1",
        year=2025,
        supplier_name="ACME",
        open=lambda: io.BytesIO(b"%PDF-1.4"),
        revision=revision,
    )


def test_the_writer_sends_a_revised_document_under_its_new_id(tmp_path):
    report = write_pes([document(2)], HEADER, tmp_path, max_bytes=1024 * 1024, now=datetime(2025, 3, 14))
    [pj] = read_pes(report.files[0].path).pjs

    assert pj.id_unique == id_unique(SIRET, "inv-1", revision=2) == report.documents[0].id_unique
    assert pj.id_unique != id_unique(SIRET, "inv-1")
    assert validate_pes(report.files[0].path, shared_path("pes", "xsd", "schemas_pes_v5.17")) == []


def test_the_writer_refuses_a_wrong_revision_with_a_line(tmp_path):
    report = write_pes(
        [document(0), PjDocument(**{**document(0).__dict__, "key": "inv-2", "revision": -1})],
        HEADER,
        tmp_path,
        max_bytes=1024 * 1024,
    )

    [line] = report.errors
    assert (line.document_key, line.code) == ("inv-2", "revision")
    assert report.skipped_keys == ["inv-2"]
