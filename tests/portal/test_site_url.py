"""Links in mails point at the host that served the portal, unless SITE_URL says otherwise."""

import re

import pytest

from accounts.site import LOCAL_DEFAULT
from invoices import lifecycle
from invoices.models import InvoiceStatus
from tests.conftest import verified_client
from tests.factories_lifecycle import invoice_in, recycle_on_the_page, world

# on_commit callbacks must run inside the request, as they do in production (no test-wide transaction).
pytestmark = pytest.mark.django_db(transaction=True)

HOST = "factures.villebelle.test"


@pytest.fixture
def served_at_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    settings.SITE_URL = ""


def _recycle_through_the_page(client, w, invoice):
    return recycle_on_the_page(verified_client(client, w["accountant"]), invoice, HTTP_HOST=HOST)


def test_a_status_mail_links_to_the_host_that_served_the_change(client, mailoutbox, served_at_host):
    w = world()
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    assert _recycle_through_the_page(client, w, invoice).status_code == 302
    assert f"http://{HOST}/factures/{invoice.uuid}/" in mailoutbox[0].body
    assert "127.0.0.1" not in mailoutbox[0].body


def test_a_bulk_change_mail_links_to_the_host_that_served_it(client, mailoutbox, served_at_host):
    w = world()
    invoices = [invoice_in(supplier=w["supplier"], recipient=w["recipient"]) for _ in range(2)]
    verified_client(client, w["accountant"])
    client.post(
        "/factures/recues/actions/",
        {"target": "service_fait", "invoices": [str(i.uuid) for i in invoices]},
        HTTP_HOST=HOST,
    )
    [mail] = mailoutbox
    assert all(f"http://{HOST}/factures/{i.uuid}/" in mail.body for i in invoices)


def test_site_url_wins_when_it_is_set(client, mailoutbox, served_at_host, settings):
    settings.SITE_URL = "https://factures.example.gouv.fr/"
    w = world()
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    _recycle_through_the_page(client, w, invoice)
    assert f"https://factures.example.gouv.fr/factures/{invoice.uuid}/" in mailoutbox[0].body


def test_outside_any_request_the_local_default_is_used(mailoutbox, settings):
    settings.SITE_URL = ""
    w = world()
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    lifecycle.set_status(invoice, InvoiceStatus.PRISE_EN_COMPTE, actor=w["accountant"])
    assert f"{LOCAL_DEFAULT}/factures/{invoice.uuid}/" in mailoutbox[0].body


def test_the_activation_link_of_a_sign_up_uses_the_serving_host(client, mailoutbox, served_at_host):
    client.post(
        "/comptes/inscription/",
        {
            "email": "nouvelle@example.test",
            "first_name": "Nora",
            "last_name": "Nouvelle",
            "password1": "une phrase de passe solide 2026",
            "password2": "une phrase de passe solide 2026",
        },
        HTTP_HOST=HOST,
    )
    assert re.search(rf"http://{re.escape(HOST)}/comptes/activation/\S+", mailoutbox[0].body)


def test_a_host_outside_allowed_hosts_never_reaches_a_mail(client, mailoutbox, settings):
    settings.SITE_URL = ""
    response = client.post(
        "/comptes/inscription/",
        {"email": "x@example.test", "password1": "p", "password2": "p"},
        HTTP_HOST="evil.example",
    )
    assert response.status_code == 400 and mailoutbox == []
