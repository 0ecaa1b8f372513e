"""Attachments get names of their own: the invoice's name, `_PJ<n>` and their own extension."""

import io
import re
from datetime import datetime

import pytest

from invoices.pes.core import (
    PesHeader,
    PjDocument,
    attachment_name,
    document_name,
    read_pes,
    validate_pes,
    write_pes,
)
from invoices.pes.core.text import NOM_PJ_MAX
from tests.conftest import shared_path

HEADER = PesHeader(id_post="034000", id_coll="21340172201787", cod_col="123", cod_bud="00")
# V_Base_NomPJ (Simple_Type.xsd) is `.+\.[A-Za-z0-9]{2,4}`; our names keep to file-system-safe characters.
SAFE_NAME = re.compile(r"[A-Za-z0-9_-]+\.[a-z0-9]{2,4}")


def doc(key: str, number: str, extension: str = "pdf", attachment_index=None, **fields) -> PjDocument:
    return PjDocument(
        key=key,
        invoice_number=number,
        year=2025,
        supplier_name="ACME SARL",
        open=lambda: io.BytesIO(b"content of " + key.encode()),
        extension=extension,
        attachment_index=attachment_index,
        **fields,
    )


def test_an_attachment_is_named_after_its_invoice_with_its_own_extension():
    assert attachment_name("F-2025/001", 2025, "ACME SARL", 1, "PNG") == (
        "Facture_F-2025-001_2025_ACME-SARL_PJ1.png"
    )
    assert attachment_name("F-2025/001", 2025, "ACME SARL", 12, ".xlsx") == (
        "Facture_F-2025-001_2025_ACME-SARL_PJ12.xlsx"
    )


def test_a_long_name_is_cut_in_the_middle_and_keeps_its_suffix():
    name = attachment_name("N" * 80, 2025, "Société des Établissements Durand et Fils " * 3, 7, "jpeg")

    assert len(name) == NOM_PJ_MAX
    assert name.endswith("_PJ7.jpeg") and name.startswith("Facture_NNNN")
    assert SAFE_NAME.fullmatch(name)


@pytest.mark.parametrize("index", [0, -1, True, "1", 1.0, None])
def test_an_attachment_number_is_a_whole_number_from_one(index):
    with pytest.raises(ValueError):
        attachment_name("F1", 2025, "ACME", index, "pdf")


def test_document_name_picks_the_attachment_name_only_for_attachments():
    assert document_name(doc("k", "F1")) == "Facture_F1_2025_ACME-SARL.pdf"
    assert document_name(doc("k", "F1", "png", attachment_index=2)) == "Facture_F1_2025_ACME-SARL_PJ2.png"


def test_the_writer_names_attachments_apart_and_keeps_names_unique(tmp_path):
    docs = [
        doc("inv1", "F1"),
        doc("inv1/pj1", "F1", "pdf", attachment_index=1),
        doc("inv1/pj2", "F1", "png", attachment_index=2),
        # Another invoice with the same number, year and supplier: its names get the usual `_2`.
        doc("inv2", "F1"),
        doc("inv2/pj1", "F1", "pdf", attachment_index=1),
    ]
    report = write_pes(docs, HEADER, tmp_path, max_bytes=1024 * 1024, now=datetime(2025, 3, 14))
    names = [pj.nom_pj for pj in read_pes(report.files[0].path).pjs]

    assert names == [
        "Facture_F1_2025_ACME-SARL.pdf",
        "Facture_F1_2025_ACME-SARL_PJ1.pdf",
        "Facture_F1_2025_ACME-SARL_PJ2.png",
        "Facture_F1_2025_ACME-SARL_2.pdf",
        "Facture_F1_2025_ACME-SARL_PJ1_2.pdf",
    ]
    assert validate_pes(report.files[0].path, shared_path("pes", "xsd", "schemas_pes_v5.17")) == []


def test_the_writer_refuses_a_wrong_attachment_number_with_a_line(tmp_path):
    report = write_pes(
        [doc("ok", "F1"), doc("bad", "F1", attachment_index=0)], HEADER, tmp_path, max_bytes=1024 * 1024
    )

    [line] = report.errors
    assert (line.document_key, line.code, line.field) == ("bad", "attachment_index", "attachment_index")
    assert line.message_fr.startswith("Document écarté : numéro de pièce jointe")
