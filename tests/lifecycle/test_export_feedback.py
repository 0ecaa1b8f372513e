"""A list export behind a fresh second factor returns to the list (same filters), which starts the file."""

import pytest

from tests.conftest import verified_client
from tests.factories_auth import app_code, away_from_step_edge, enrol_app
from tests.factories_lifecycle import invoice_in, world


@pytest.fixture
def w(db):
    return world()


def test_the_csv_export_returns_to_the_filtered_list_which_starts_it(w, client):
    key = enrol_app(w["accountant"])
    invoice_in(supplier=w["supplier"], recipient=w["recipient"], number="X-1")
    verified_client(client, w["accountant"])
    export_url = "/factures/recues/export.csv?status=mise_a_disposition"

    asked = client.get(export_url)
    away_from_step_edge()
    given = client.post(asked["Location"], {"action": "code", "code": app_code(key)})

    assert given["Location"] == "/factures/recues/?status=mise_a_disposition"
    page = client.get(given["Location"]).content.decode()
    assert "Fichier téléchargé." in page and "data-autodownload" in page
    assert "/factures/recues/export.csv?status=mise_a_disposition" in page
    assert client.get(export_url).status_code == 200


def test_the_yearly_archive_returns_to_the_archives_page(w, client):
    key = enrol_app(w["recipient"].principal_manager)
    verified_client(client, w["recipient"].principal_manager)
    url = f"/factures/archives/{w['recipient'].uuid}/2026.zip"

    asked = client.get(url)
    away_from_step_edge()
    given = client.post(asked["Location"], {"action": "code", "code": app_code(key)})

    assert given["Location"] == "/factures/archives/"
    assert f'href="{url}" data-autodownload' in client.get("/factures/archives/").content.decode()
