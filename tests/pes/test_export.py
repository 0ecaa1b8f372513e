"""Which invoices an export carries, how they are marked, and how a re-export works."""

import csv
import io
import json

import pytest

from accounts.models import SecurityEvent
from invoices.models import InvoiceStatus, PesExport, PesExportItem
from invoices.pes import core as pes
from invoices.pes import export as pes_export
from invoices.pes import report as pes_report
from invoices.pes import scope as pes_scope
from tests.factories import MembershipFactory, ServiceFactory
from tests.factories_pes import (  # noqa: F401
    accepted_invoice,
    pes_accountant,
    pes_commune,
    pes_schemas,
    pes_schemas_if_present,
    pes_structure,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas_if_present")]


def _read(export):
    return [pes.read_pes(f.file.path) for f in export.files.order_by("nom_fic")]


@pytest.mark.usefixtures("pes_schemas")
def test_it_exports_accepted_invoices_and_leaves_the_others(structure, accountant):
    accepted = [accepted_invoice(structure, status=s) for s in (InvoiceStatus.SERVICE_FAIT,)]
    accepted += [
        accepted_invoice(structure, status=s, mandated=True) for s in pes_scope.ACCEPTED_STATUSES[1:]
    ]
    waiting = accepted_invoice(structure, status=InvoiceStatus.MISE_A_DISPOSITION)
    rejected = accepted_invoice(structure, status=InvoiceStatus.REJETEE)

    first = pes_export.export_pes(structure, actor=accountant, shape=PesExport.Shape.PJ_LIST)
    second = pes_export.export_pes(structure, actor=accountant, shape=PesExport.Shape.REF_COMPTA)

    exported = {i["id"] for e in (first, second) for i in pes_report.export_invoice_rows(e)}
    assert exported == {str(i.uuid) for i in accepted}
    assert not pes_scope.is_exported(waiting) and not pes_scope.is_exported(rejected)
    assert all(pes_scope.is_exported(i) for i in accepted)
    assert first.created_by == accountant
    assert first.files.count() == 1 and first.files.get().sha256 and first.files.get().size > 0


def test_a_second_export_does_not_repeat_an_invoice(structure, accountant):
    invoice = accepted_invoice(structure)
    first = pes_export.export_pes(structure, actor=accountant)
    later = accepted_invoice(structure)

    second = pes_export.export_pes(structure, actor=accountant)

    assert [i["number"] for i in pes_report.export_invoice_rows(first)] == [invoice.number]
    assert [i["number"] for i in pes_report.export_invoice_rows(second)] == [later.number]
    with pytest.raises(pes_scope.NothingToExport):
        pes_export.export_pes(structure, actor=accountant)


def test_exporting_nothing_is_refused_with_a_message(structure, accountant):
    accepted_invoice(structure, status=InvoiceStatus.MISE_A_DISPOSITION)

    with pytest.raises(pes_scope.NothingToExport) as refused:
        pes_export.export_pes(structure, actor=accountant)

    assert "Aucune facture à exporter" in refused.value.message
    assert not PesExport.objects.exists()


def test_an_explicit_selection_of_an_exported_invoice_needs_a_reason(structure, accountant):
    invoice = accepted_invoice(structure)
    pes_export.export_pes(structure, actor=accountant)

    with pytest.raises(pes_scope.AlreadyExported) as refused:
        pes_export.export_pes(structure, actor=accountant, invoices=[invoice])

    assert invoice.number in refused.value.message and "motif" in refused.value.message
    assert PesExport.objects.count() == 1


@pytest.mark.usefixtures("pes_schemas")
def test_a_reexport_with_a_reason_keeps_the_idunique_and_is_journaled(structure, accountant):
    invoice = accepted_invoice(structure)
    first = pes_export.export_pes(structure, actor=accountant)

    again = pes_export.export_pes(
        structure, actor=accountant, invoices=[invoice.uuid], reexport_reason="Fichier perdu par le comptable"
    )

    (before,) = _read(first)[0].pjs
    (after,) = _read(again)[0].pjs
    assert after.id_unique == before.id_unique and after.sha256 == before.sha256 == invoice.original.sha256
    assert again.report["reexport_reason"] == "Fichier perdu par le comptable"
    assert again.items.get().reason == "Fichier perdu par le comptable"
    journal = SecurityEvent.objects.filter(user=accountant, kind=SecurityEvent.Kind.OTHER).get()
    assert "Réexport PES" in journal.detail and "Fichier perdu par le comptable" in journal.detail
    assert invoice.number in journal.detail


@pytest.mark.usefixtures("pes_schemas")
def test_refcompta_carries_the_mandat_reference(structure, accountant):
    invoice = accepted_invoice(
        structure, mandated=True, mandat_exercice=2026, mandat_numero="4521", mandat_ligne="3"
    )
    accepted_invoice(structure)  # not mandated: left for the PJ list

    export = pes_export.export_pes(structure, actor=accountant, shape=PesExport.Shape.REF_COMPTA)

    (written,) = _read(export)
    (pj,) = written.pjs
    (ref,) = pj.ref_comptas
    assert (ref.domaine, ref.exercice, ref.type_objet, ref.identifiant, ref.complement_identifiant) == (
        "01",
        "2026",
        "01",
        "4521",
        "3",
    )
    assert pj.type_pj == "003" and pj.sha256 == invoice.original.sha256


def test_refcompta_refuses_an_invoice_without_mandat(structure, accountant):
    invoice = accepted_invoice(structure)

    with pytest.raises(pes_scope.PesExportError) as refused:
        pes_export.export_pes(
            structure, actor=accountant, invoices=[invoice], shape=PesExport.Shape.REF_COMPTA
        )

    assert invoice.number in refused.value.message
    assert not pes_scope.is_exported(invoice)


@pytest.mark.usefixtures("pes_schemas")
def test_the_pj_list_gives_what_the_pjref_must_say(structure, accountant):
    invoice = accepted_invoice(structure, number="F-77")

    export = pes_export.export_pes(structure, actor=accountant, shape=PesExport.Shape.PJ_LIST)

    (pj,) = _read(export)[0].pjs
    assert not pj.ref_comptas
    (row,) = export.pj_list
    assert (row["id_unique"], row["nom_pj"], row["type_pj"], row["support"]) == (
        pj.id_unique,
        pj.nom_pj,
        "003",
        "01",
    )
    assert row["nom_pj"] == "Facture_F-77_2026_Fournisseur-SARL.pdf"
    (csv_row,) = csv.DictReader(io.StringIO(pes_report.pj_list_csv(export)), delimiter=";")
    assert csv_row["id_unique"] == pj.id_unique and csv_row["nom_pj"] == pj.nom_pj
    assert json.loads(pes_report.pj_list_json(export))[0]["id_unique"] == pj.id_unique
    item = PesExportItem.objects.get(invoice=invoice)
    assert (item.id_unique, item.nom_pj) == (pj.id_unique, pj.nom_pj)


def test_a_member_limited_to_a_service_exports_only_its_invoices(structure):
    roads, schools = ServiceFactory(structure=structure), ServiceFactory(structure=structure)
    member = MembershipFactory(structure=structure, can_export_pes=True, services=[roads]).user
    mine = accepted_invoice(structure, service=roads)
    theirs = accepted_invoice(structure, service=schools)

    export = pes_export.export_pes(structure, actor=member)

    assert [i["id"] for i in pes_report.export_invoice_rows(export)] == [str(mine.uuid)]
    with pytest.raises(pes_scope.PesExportError):
        pes_export.export_pes(structure, actor=member, invoices=[theirs])
    assert not pes_scope.is_exported(theirs)


def test_filters_narrow_the_export(structure, accountant):
    durand = accepted_invoice(structure, supplier=pes_structure(name="Atelier Durand SARL"))
    accepted_invoice(structure)

    export = pes_export.export_pes(
        structure, actor=accountant, filters=pes_scope.ExportFilters(supplier="durand")
    )

    assert [i["id"] for i in pes_report.export_invoice_rows(export)] == [str(durand.uuid)]
