"""Acceptance 4 of issue 15: acknowledgements written from the schema mark an export accepted, or rejected
with its invoices exportable again under a new IdUnique; web upload, API and `import_pes_ack` alike."""

import io
import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from invoices.models import HeliosStatus, PesExport
from invoices.pes import core as pes
from invoices.pes import export as pes_export
from invoices.pes import scope as pes_scope
from invoices.pes.acknowledgements import import_acknowledgement
from invoices.pes.documents import document_key
from tests.builders.pes_acquit import (
    DUPLICATE_PJ,
    accepted_acquit,
    header_of,
    partial_acquit,
    rejected_acquit,
)
from tests.conftest import token_client, verified_client
from tests.factories_pes import accepted_invoice, pes_accountant, pes_commune, pes_schemas  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas")]


@pytest.fixture
def sent(structure, accountant):
    """Two accepted invoices exported in one file: the export, its stored file's path, the PJ IdUniques."""
    invoices = [accepted_invoice(structure), accepted_invoice(structure)]
    export = pes_export.export_pes(structure, actor=accountant, shape=PesExport.Shape.PJ_LIST)
    pes_file = export.files.get()
    ids = list(export.items.order_by("pk").values_list("id_unique", flat=True))
    return {"export": export, "file": pes_file, "path": pes_file.file.path, "ids": ids, "invoices": invoices}


def _schema_valid(data: bytes, xsd_dir) -> bool:
    from lxml import etree

    schema = pes.load_acquit_schema(xsd_dir, 2)
    return schema.validate(etree.fromstring(data).getroottree())


def test_an_accepting_acknowledgement_marks_the_export_accepted(structure, accountant, sent):
    data = accepted_acquit(header_of(sent["path"]), sent["ids"])
    assert _schema_valid(data, settings.CHORALE_PES_XSD_DIR)

    acknowledgement = import_acknowledgement(data, actor=accountant, file_name="ack.xml")

    sent["file"].refresh_from_db()
    assert (acknowledgement.verdict, sent["file"].helios_status) == (
        HeliosStatus.ACCEPTED,
        HeliosStatus.ACCEPTED,
    )
    assert set(sent["export"].items.values_list("helios_status", flat=True)) == {HeliosStatus.ACCEPTED}
    assert not pes_scope.exportable_invoices(structure, actor=accountant).exists()
    assert acknowledgement.content["reopened"] == []


def test_a_rejecting_acknowledgement_makes_the_invoices_exportable_again_under_a_new_id(
    structure, accountant, sent
):
    data = rejected_acquit(header_of(sent["path"]), sent["ids"])
    assert _schema_valid(data, settings.CHORALE_PES_XSD_DIR)

    acknowledgement = import_acknowledgement(data, actor=accountant)

    sent["file"].refresh_from_db()
    assert sent["file"].helios_status == HeliosStatus.REJECTED
    assert acknowledgement.content["elements"][0]["errors"][0]["label_fr"] == (
        "Poste comptable (codique IdPost) inconnu d'Hélios"
    )
    again = pes_scope.exportable_invoices(structure, actor=accountant)
    assert {i.pk for i in again} == {i.pk for i in sent["invoices"]}
    assert {i.revision for i in again} == {1}

    resent = pes_export.export_pes(structure, actor=accountant, shape=PesExport.Shape.PJ_LIST)
    new_ids = set(resent.items.values_list("id_unique", flat=True))
    assert not new_ids & set(sent["ids"])
    assert new_ids == {
        pes.id_unique(structure.identifier, document_key(i), revision=1) for i in sent["invoices"]
    }
    assert pes.validate_pes(resent.files.get().file.path, settings.CHORALE_PES_XSD_DIR) == []


def test_a_partial_acknowledgement_reopens_only_the_refused_invoice(structure, accountant, sent):
    import_acknowledgement(
        partial_acquit(header_of(sent["path"]), sent["ids"][:1], {sent["ids"][1]: DUPLICATE_PJ}),
        actor=accountant,
    )
    sent["file"].refresh_from_db()
    assert sent["file"].helios_status == HeliosStatus.PARTIAL
    [again] = pes_scope.exportable_invoices(structure, actor=accountant)
    assert again.pk == sent["invoices"][1].pk


def test_the_same_acknowledgement_is_imported_once(accountant, sent):
    data = rejected_acquit(header_of(sent["path"]), sent["ids"])
    import_acknowledgement(data, actor=accountant)
    with pytest.raises(pes_scope.PesExportError, match="déjà été importé"):
        import_acknowledgement(data, actor=accountant)
    assert {i.revision for i in sent["invoices"][0].__class__.objects.all()} == {1}


def test_the_page_imports_it_and_shows_helios_s_codes_in_french(client, accountant, sent):
    verified_client(client, accountant)
    data = rejected_acquit(header_of(sent["path"]), sent["ids"])
    response = client.post(
        "/factures/pes/acquittements/", {"file": SimpleUploadedFile("acquit.xml", data, "application/xml")}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Rejetée par Hélios" in page
    assert "Poste comptable (codique IdPost) inconnu d&#x27;Hélios" in page
    assert "n&#x27;est pas connu d&#x27;Hélios" in page  # Hélios's own message
    assert "Redevenues exportables" in page


def test_the_api_imports_it(accountant, sent):
    api = token_client(accountant)
    data = accepted_acquit(header_of(sent["path"]), sent["ids"])
    response = api.post(
        "/api/v1/pes-acknowledgements/", {"file": SimpleUploadedFile("a.xml", data)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["nom_fic"], response.json()["verdict"]) == (sent["file"].nom_fic, "accepted")
    detail = api.get(f"/api/v1/pes-exports/{sent['export'].uuid}/").json()
    assert detail["files"][0]["helios_status"] == "accepted"
    assert detail["acknowledgements"][0]["verdict"] == "accepted"


def test_the_command_imports_files_and_reports_refusals(tmp_path, sent):
    good = tmp_path / "ok.xml"
    good.write_bytes(rejected_acquit(header_of(sent["path"]), sent["ids"]))
    out = io.StringIO()
    call_command("import_pes_ack", str(good), "--json", stdout=out)
    [line] = [json.loads(x) for x in out.getvalue().splitlines()]
    assert (line["ok"], line["verdict"], sorted(line["reopened"])) == (
        True,
        "rejected",
        sorted(i.number for i in sent["invoices"]),
    )
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<html/>")
    with pytest.raises(CommandError):
        call_command("import_pes_ack", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
