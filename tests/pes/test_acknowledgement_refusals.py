"""Hostile or foreign acknowledgement files are refused with a message and nothing is stored; an
acknowledgement of someone else's file is told apart; outsiders get 404, the comptable reads only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from invoices.models import PesAcknowledgement, PesExport
from invoices.pes import export as pes_export
from invoices.pes.acknowledgements import AcknowledgementRefused, import_acknowledgement
from invoices.pes.core import ACQUIT_MAX_BYTES
from tests.api_schema import assert_documented
from tests.builders.hostile import LAUGHS, XXE
from tests.builders.pes_acquit import AckHeader, accepted_acquit, header_of
from tests.conftest import token_client, verified_client
from tests.factories_lifecycle import comptable_of
from tests.factories_pes import (  # noqa: F401
    accepted_invoice,
    pes_accountant,
    pes_commune,
    pes_schemas_if_present,
    pes_structure,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas_if_present")]


@pytest.fixture
def sent(structure, accountant):
    accepted_invoice(structure)
    export = pes_export.export_pes(structure, actor=accountant, shape=PesExport.Shape.PJ_LIST)
    pes_file = export.files.get()
    return {"export": export, "file": pes_file, "ids": list(export.items.values_list("id_unique", flat=True))}


def _refused(data, actor, match):
    with pytest.raises(AcknowledgementRefused) as refused:
        import_acknowledgement(data, actor=actor)
    assert match in refused.value.message
    assert PesAcknowledgement.objects.count() == 0
    return refused.value


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (XXE, "DOCTYPE"),
        (LAUGHS, "DOCTYPE"),
        (b"not xml at all", "XML"),
        (b"<facture/>", "pas un acquittement"),
    ],
)
def test_hostile_and_foreign_files_are_refused_and_nothing_is_stored(accountant, sent, data, match):
    _refused(data, accountant, match)
    sent["file"].refresh_from_db()
    assert sent["file"].helios_status == ""


def test_our_own_pes_file_is_not_an_acknowledgement(accountant, sent):
    _refused(sent["file"].file.read(), accountant, "PES_Aller")


def test_an_acknowledgement_of_another_collectivity_is_refused(accountant, sent):
    stranger = AckHeader(nom_fic=sent["file"].nom_fic, id_coll="21330063500017", id_post="033000")
    refused = _refused(accepted_acquit(stranger, sent["ids"]), accountant, "ne correspond pas")
    assert any("IdColl 21330063500017" in d for d in refused.details)


def test_an_acknowledgement_of_an_unknown_file_is_refused(accountant, sent):
    _refused(
        accepted_acquit(AckHeader(nom_fic="PESALR1_INCONNU_001"), ["X"]), accountant, "aucun des fichiers"
    )


def test_another_structure_s_exporter_cannot_import_it(sent):
    other = pes_structure(name="Autre commune")
    data = accepted_acquit(header_of(sent["file"].file.path), sent["ids"])
    _refused(data, other.principal_manager, "aucun des fichiers")


def test_the_page_refuses_with_a_message(client, accountant, sent):
    verified_client(client, accountant)
    response = client.post("/factures/pes/acquittements/", {"file": SimpleUploadedFile("x.xml", XXE)})
    assert response.status_code == 400
    assert "DOCTYPE" in " ".join(response.context["form"].errors["file"])
    assert PesAcknowledgement.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "match"), [(b"<facture/>", "acquittement"), (b"\x89PNG\r\n", "XML"), (b"", "XML")]
)
def test_the_api_refuses_on_its_merits_with_a_message(accountant, sent, data, match):
    """Any bytes fit the schema's `file`: one that is no acknowledgement of ours is a 422, not a 400."""
    response = token_client(accountant).post(
        "/api/v1/pes-acknowledgements/", {"file": SimpleUploadedFile("x.xml", data)}, format="multipart"
    )
    assert response.status_code == 422
    assert (response.json()["error"], response.json()["field"]) == ("refused", "file")
    assert match in response.json()["detail"]
    assert_documented(response, "/api/v1/pes-acknowledgements/", "post")
    assert PesAcknowledgement.objects.count() == 0


def test_the_api_refuses_a_file_larger_than_an_acknowledgement(accountant, sent):
    too_large = SimpleUploadedFile("x.xml", b" " * (ACQUIT_MAX_BYTES + 1))
    response = token_client(accountant).post(
        "/api/v1/pes-acknowledgements/", {"file": too_large}, format="multipart"
    )
    assert (response.status_code, response.json()["field"]) == (413, "file")
    assert_documented(response, "/api/v1/pes-acknowledgements/", "post")


def test_outsiders_get_404_and_the_comptable_reads_only(client, structure, sent):
    data = accepted_acquit(header_of(sent["file"].file.path), sent["ids"])
    import_acknowledgement(data, actor=None)
    outsider = pes_structure(name="Ailleurs").principal_manager
    comptable = comptable_of(structure)
    export_url = f"/factures/pes/exports/{sent['export'].uuid}/"
    readonly_url = f"/factures/pes/structures/{structure.uuid}/exports/"

    verified_client(client, outsider)
    assert client.get(export_url).status_code == 404
    assert client.get(readonly_url).status_code == 404
    assert token_client(outsider).get(f"/api/v1/pes-exports/{sent['export'].uuid}/").status_code == 404

    verified_client(client, comptable)
    page = client.get(export_url)
    assert page.status_code == 200
    assert "Acceptée par Hélios" in page.content.decode()
    assert page.context["reexport_form"] is None
    assert client.get(readonly_url).status_code == 200
    assert client.get("/factures/pes/acquittements/").status_code == 404
    assert client.post(f"/factures/pes/exports/{sent['export'].uuid}/reexporter/", {}).status_code == 404
    assert client.get(f"/factures/pes/structures/{structure.uuid}/").status_code == 404
    api = token_client(comptable)
    assert api.get(f"/api/v1/pes-exports/{sent['export'].uuid}/").status_code == 200
    upload = api.post(
        "/api/v1/pes-acknowledgements/", {"file": SimpleUploadedFile("a.xml", data)}, format="multipart"
    )
    assert upload.status_code == 404
