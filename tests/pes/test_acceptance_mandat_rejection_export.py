"""Acceptance 3 of issue 15: mandatée → mandat rejected by the comptable → service fait → new mandat → export.
The file's RefCompta names the new mandat, the PJ carries a new IdUnique, the file validates."""

import pytest
from django.conf import settings

from invoices import lifecycle
from invoices.models import InvoiceStatus, PesExport
from invoices.pes import core as pes
from invoices.pes import export as pes_export
from invoices.pes.documents import document_key
from tests.factories_lifecycle import comptable_of
from tests.factories_pes import accepted_invoice, pes_accountant, pes_commune, pes_schemas  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas")]
S = InvoiceStatus
NEW_MANDAT = {"exercice": 2026, "bordereau": "31", "numero": "4242", "ligne": "2"}


def _pjs(export):
    [pes_file] = export.files.all()
    return pes.read_pes(pes_file.file.path)


def test_a_corrected_mandat_goes_to_helios_under_a_new_id_unique(structure, accountant):
    invoice = accepted_invoice(structure, mandated=True)
    first = pes_export.export_pes(structure, actor=accountant, shape=PesExport.Shape.REF_COMPTA)
    [first_pj] = _pjs(first).pjs
    assert first_pj.ref_comptas[0].identifiant == invoice.mandat_numero

    comptable = comptable_of(structure)
    invoice = lifecycle.reject_mandat(
        invoice, actor=comptable, reason="MANDAT_IMPUTATION", comment="Imputation 6068 et non 6063."
    )
    assert invoice.status == S.SERVICE_FAIT
    invoice = lifecycle.set_status(invoice, S.MANDATEE, actor=accountant, mandat=NEW_MANDAT)

    second = pes_export.export_pes(structure, actor=accountant, shape=PesExport.Shape.REF_COMPTA)
    read = _pjs(second)
    [pj] = read.pjs
    [ref] = pj.ref_comptas

    assert (ref.exercice, ref.identifiant, ref.complement_identifiant, ref.type_objet) == (
        "2026",
        "4242",
        "2",
        "01",
    )
    assert pj.id_unique == pes.id_unique(structure.identifier, document_key(invoice), revision=1)
    assert pj.id_unique != first_pj.id_unique
    assert pes.validate_pes(second.files.get().file.path, settings.CHORALE_PES_XSD_DIR) == []
    assert second.report["reexport_count"] == 0, "a new revision is not a re-export: it needs no reason"
    assert list(second.items.values_list("revision", flat=True)) == [1]
