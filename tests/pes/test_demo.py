"""Acceptance 1: with the demo data, the demo accountant exports the demo invoices in accepted states; every
file validates against PES_Aller.xsd and inspect_pes lists every invoice with the SHA-256 of its original."""

import io
import json

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_USERS, VILLEBELLE_SIRET
from accounts.models import Structure, User
from invoices.models import PesExport
from invoices.pes import export as pes_export
from invoices.pes import scope as pes_scope
from tests.factories_pes import pes_schemas  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas")]


def test_the_demo_accountant_exports_the_accepted_demo_invoices():
    call_command("load_demo", "--force", stdout=io.StringIO())
    accountant = User.objects.get(email=DEMO_USERS["accountant"][0])
    villebelle = Structure.objects.get(identifier=VILLEBELLE_SIRET)
    accepted = list(pes_scope.exportable_invoices(villebelle, actor=accountant))
    assert accepted, "the demo data must hold invoices of Commune de Villebelle in accepted states"
    assert any(i.mandat_numero for i in accepted), "the demo data must hold mandated invoices"

    exports = []
    for shape in PesExport.Shape.values:
        try:
            exports.append(pes_export.export_pes(villebelle, actor=accountant, shape=shape))
        except pes_scope.NothingToExport:
            continue

    paths = [f.file.path for e in exports for f in e.files.all()]
    out = io.StringIO()
    call_command("inspect_pes", *paths, "--json", stdout=out)
    summaries = json.loads(out.getvalue())
    assert all(s["schema"] == "valid (PES_Aller.xsd)" and not s["problems"] for s in summaries)
    carried = {(pj["id_unique"], pj["sha256"]) for s in summaries for pj in s["pj"]}
    for invoice in accepted:
        original = {item.id_unique for item in invoice.pes_items.all()}
        assert original, f"demo invoice {invoice.number} was not exported"
        assert any((id_unique, invoice.original.sha256) in carried for id_unique in original), (
            f"demo invoice {invoice.number}: its original is not in the files"
        )
    assert not pes_scope.exportable_invoices(villebelle, actor=accountant).exists()
