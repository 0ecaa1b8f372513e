"""An export larger than the size cap is split into several files, each valid and complete."""

import random

import pytest

from invoices.pes import core as pes
from invoices.pes import export as pes_export
from invoices.pes import report as pes_report
from invoices.pes import scope as pes_scope
from tests.factories_pes import accepted_invoice, pes_schemas, pes_structure  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas")]


def test_an_export_over_the_cap_is_split_into_valid_files(settings):
    settings.CHORALE_PES_MAX_FILE_BYTES = 16 * 1024
    structure = pes_structure()
    invoices = [accepted_invoice(structure, fmt="facturx") for _ in range(6)]

    export = pes_export.export_pes(structure, actor=None)

    files = list(export.files.order_by("nom_fic"))
    assert len(files) > 1
    originals = {str(i.uuid): i.original.sha256 for i in invoices}
    carried = {}
    for pes_file in files:
        assert pes_file.size <= settings.CHORALE_PES_MAX_FILE_BYTES
        assert pes.validate_pes(pes_file.file.path, settings.CHORALE_PES_XSD_DIR) == []
        read = pes.read_pes(pes_file.file.path)
        assert read.nom_fic == pes_file.nom_fic
        for pj in read.pjs:
            item = export.items.get(id_unique=pj.id_unique)
            assert item.pes_file == pes_file
            carried[str(item.invoice.uuid)] = pj.sha256
    assert carried == originals
    assert len({f.nom_fic for f in files}) == len(files)


def test_a_document_larger_than_the_cap_alone_is_left_out_and_its_invoice_not_marked(settings):
    settings.CHORALE_PES_MAX_FILE_BYTES = 8 * 1024
    structure = pes_structure()
    small = accepted_invoice(structure, fmt="pdf")
    noise = random.Random(7).randbytes(20_000)  # does not compress: over the cap even gzipped
    big = accepted_invoice(structure, fmt="pdf", content=b"%PDF-1.4\n" + noise + b"\n%%EOF\n")

    export = pes_export.export_pes(structure, actor=None)

    assert [i["id"] for i in pes_report.export_invoice_rows(export)] == [str(small.uuid)]
    assert [i["id"] for i in export.report["left_out"]] == [str(big.uuid)]
    assert any(line["code"] == "too_large" for line in export.report["lines"])
    assert pes_scope.is_exported(small) and not pes_scope.is_exported(big)
