"""Two exports of one structure at the same moment never carry the same invoice twice."""

import threading

import pytest
from django.db import connection, connections

from invoices.models import PesExportItem
from invoices.pes import export as pes_export
from invoices.pes import scope as pes_scope
from tests.factories_pes import accepted_invoice, pes_structure

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_exports_share_out_the_invoices(settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite ignores select_for_update); CI runs this there")
    settings.CHORALE_PES_XSD_DIR = ""
    structure = pes_structure()
    invoices = [accepted_invoice(structure) for _ in range(4)]
    start = threading.Barrier(2)
    outcomes = [None, None]

    def run(index):
        try:
            start.wait()
            outcomes[index] = pes_export.export_pes(structure, actor=None)
        except pes_scope.NothingToExport as refused:
            outcomes[index] = refused
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    exports = [o for o in outcomes if not isinstance(o, Exception)]
    refusals = [o for o in outcomes if isinstance(o, pes_scope.NothingToExport)]
    assert len(exports) == 1 and len(refusals) == 1
    carried = list(PesExportItem.objects.values_list("invoice_id", flat=True))
    assert sorted(carried) == sorted(i.pk for i in invoices)
