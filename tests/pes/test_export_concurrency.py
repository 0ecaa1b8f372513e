"""Two exports of one structure at the same moment never carry the same invoice twice."""

import pytest
from django.db import connection

from invoices.models import PesExportItem
from invoices.pes import export as pes_export
from invoices.pes import scope as pes_scope
from tests.concurrently import at_once
from tests.factories_pes import accepted_invoice, pes_structure

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_exports_share_out_the_invoices(settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite ignores select_for_update); CI runs this there")
    settings.CHORALE_PES_XSD_DIR = ""
    structure = pes_structure()
    invoices = [accepted_invoice(structure) for _ in range(4)]
    outcomes = at_once(*[lambda: pes_export.export_pes(structure, actor=None)] * 2)

    exports = [o for o in outcomes if not isinstance(o, Exception)]
    refusals = [o for o in outcomes if isinstance(o, pes_scope.NothingToExport)]
    assert len(exports) == 1 and len(refusals) == 1
    carried = list(PesExportItem.objects.values_list("invoice_id", flat=True))
    assert sorted(carried) == sorted(i.pk for i in invoices)
