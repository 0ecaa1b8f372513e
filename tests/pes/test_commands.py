"""`manage.py export_pes` for scheduled exports and `manage.py inspect_pes` for support and round trips."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from invoices.models import Invoice, PesExport
from invoices.pes import core as pes
from invoices.pes import export as pes_export
from invoices.pes import scope as pes_scope
from tests.conftest import shared_path
from tests.factories_pes import accepted_invoice, pes_schemas, pes_structure  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas")]


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_export_pes_for_one_structure_prints_the_files_written(tmp_path, settings):
    structure = pes_structure()
    accepted_invoice(structure, mandated=True)
    accepted_invoice(structure)

    output = _run("export_pes", "--structure", structure.identifier, "--out", str(tmp_path / "out"))

    written = sorted((tmp_path / "out").glob("*.xml"))
    assert len(written) == 2  # one per shape: RefCompta for the mandated invoice, the PJ list for the other
    for path in written:
        assert str(path) in output
        assert pes.validate_pes(path, settings.CHORALE_PES_XSD_DIR) == []
    assert {e.shape for e in PesExport.objects.all()} == {"refcompta", "pj_list"}
    assert all(e.created_by is None for e in PesExport.objects.all())
    assert "nothing to export" in _run("export_pes", "--structure", structure.identifier)


def test_export_pes_all_takes_every_structure_whose_parameters_are_set():
    ready, other_ready = pes_structure(), pes_structure()
    unset = pes_structure(pes_id_post="")
    for structure in (ready, other_ready, unset):
        accepted_invoice(structure)

    output = _run("export_pes", "--all", "--shape", "pj_list")

    assert set(PesExport.objects.values_list("structure__identifier", flat=True)) == {
        ready.identifier,
        other_ready.identifier,
    }
    assert unset.identifier not in output


def test_export_pes_since_leaves_older_invoices(tmp_path):
    structure = pes_structure()
    old = accepted_invoice(structure)
    Invoice.objects.filter(pk=old.pk).update(status_changed_at=timezone.now() - timedelta(days=40))
    recent = accepted_invoice(structure)

    _run(
        "export_pes",
        "--structure",
        structure.identifier,
        "--since",
        f"{timezone.localdate() - timedelta(days=7)}",
    )

    assert pes_scope.is_exported(recent) and not pes_scope.is_exported(old)


def test_export_pes_refuses_a_structure_without_parameters():
    structure = pes_structure(pes_cod_bud="")

    with pytest.raises(CommandError, match=r"code budget \(CodBud\)"):
        _run("export_pes", "--structure", structure.identifier)


def test_inspect_pes_lists_every_pj_with_the_sha256_of_its_content():
    structure = pes_structure()
    invoices = [accepted_invoice(structure, fmt="facturx"), accepted_invoice(structure, fmt="pdf")]
    export = pes_export.export_pes(structure, actor=None)

    output = _run("inspect_pes", export.files.get().file.path)

    assert "Schema: valid (PES_Aller.xsd)" in output and "Result: OK" in output
    for invoice in invoices:
        item = export.items.get(invoice=invoice)
        assert item.nom_pj in output and item.id_unique in output
        assert f"{invoice.original.size} bytes decoded" in output
        assert f"sha256 {invoice.original.sha256}" in output


def test_inspect_pes_fails_on_a_damaged_file(tmp_path):
    structure = pes_structure()
    accepted_invoice(structure)
    export = pes_export.export_pes(structure, actor=None)
    damaged = tmp_path / "damaged.xml"
    text = export.files.get().file.read().decode("iso-8859-1")
    start = text.index('MIMEType="application/pdf">') + len('MIMEType="application/pdf">')
    damaged.write_bytes((text[:start] + "!!!!" + text[start + 4 :]).encode("iso-8859-1"))

    with pytest.raises(CommandError):
        _run("inspect_pes", str(damaged))


def test_inspect_pes_checks_pjref_against_pj():
    example = shared_path("pes", "examples")
    complete = example / "constructed" / "PESALR1_chorus_invoice_pj.constructed.xml"
    missing_pj = example / "PESALR1_unsigned.v517.xml"

    assert "every electronic PJRef has its PJ in this file" in _run("inspect_pes", str(complete))
    with pytest.raises(CommandError):
        _run("inspect_pes", str(missing_pj))
