"""After the second factor asked before a download, the person is back on the page they downloaded from,
told "Fichier téléchargé", and the file starts from there (never left on the code form)."""

import hashlib

import pytest
from django.urls import reverse

from accounts.twofactor import RECENT_OTP_SESSION_KEY
from invoices.models import PesExport
from tests.conftest import verified_client
from tests.factories_auth import app_code, away_from_step_edge, enrol_app
from tests.factories_pes import (  # noqa: F401
    accepted_invoice,
    fresh_second_factor,
    pes_accountant,
    pes_commune,
    pes_schemas_if_present,
    pes_structure,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas_if_present")]


@pytest.fixture
def key(accountant):
    return enrol_app(accountant)


@pytest.fixture
def export(client, structure, accountant, key):
    invoice = accepted_invoice(structure)
    fresh_second_factor(verified_client(client, accountant))
    ids = [str(invoice.uuid)]
    client.post(reverse("invoices:pes_run", args=[structure.uuid]), {"shape": "pj_list", "invoices": ids})
    session = client.session
    session.pop(RECENT_OTP_SESSION_KEY, None)  # the export is done; the download will ask again
    session.save()
    return PesExport.objects.get()


def _give_code_again(client, asked, key):
    away_from_step_edge()
    return client.post(asked["Location"], {"action": "code", "code": app_code(key)})


def test_the_code_form_sends_back_to_the_export_page_which_starts_the_download(client, export, key):
    file_url = reverse("invoices:pes_file", args=[export.uuid, 1])
    export_page = reverse("invoices:pes_export", args=[export.uuid])

    asked = client.get(file_url)
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("accounts:reverify"))
    given = _give_code_again(client, asked, key)
    assert given.status_code == 302 and given["Location"] == export_page

    page = client.get(export_page).content.decode()
    started = page.split('data-testid="download-started"')[1].split("</p>")[0]
    assert "Fichier téléchargé." in started
    assert f'href="{file_url}" data-autodownload' in started

    response = client.get(file_url)
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and hashlib.sha256(body).hexdigest() == export.files.get().sha256
    assert 'data-testid="download-started"' not in client.get(export_page).content.decode()  # once


def test_the_pj_list_download_comes_back_to_the_export_page_too(client, export, key):
    list_url = reverse("invoices:pes_pj_list_csv", args=[export.uuid])
    given = _give_code_again(client, client.get(list_url), key)
    assert given["Location"] == reverse("invoices:pes_export", args=[export.uuid])
    assert f'href="{list_url}" data-autodownload' in client.get(given["Location"]).content.decode()


def test_another_page_does_not_start_a_download_asked_elsewhere(client, export, key):
    file_url = reverse("invoices:pes_file", args=[export.uuid, 1])
    client.get(file_url)
    page = client.get(reverse("invoices:pes_home"), follow=True).content.decode()
    assert "data-autodownload" not in page


def test_without_the_code_the_page_starts_nothing(client, export):
    file_url = reverse("invoices:pes_file", args=[export.uuid, 1])
    client.get(file_url)
    page = client.get(reverse("invoices:pes_export", args=[export.uuid])).content.decode()
    assert "data-autodownload" not in page


def test_an_outsider_gets_404_before_any_code_is_asked(client, export, outsider):
    verified_client(client, outsider)
    assert client.get(reverse("invoices:pes_file", args=[export.uuid, 1])).status_code == 404
    assert "chorale_pending_download" not in client.session
