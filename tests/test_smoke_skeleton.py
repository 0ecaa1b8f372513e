import pytest

from tests.conftest import verified_client
from tests.factories import InvoiceFactory


@pytest.mark.django_db
def test_anonymous_visitor_gets_the_login_form(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/comptes/connexion/")
    assert b'name="password"' in response.content


@pytest.mark.django_db
def test_password_alone_does_not_reach_the_dashboard(client, supplier):
    client.force_login(supplier)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/second-facteur/")


@pytest.mark.django_db
def test_verified_user_reaches_dashboard(client, supplier, supplier_structure):
    response = verified_client(client, supplier).get("/")
    assert response.status_code == 200
    assert supplier_structure.name in response.content.decode()


@pytest.mark.django_db
def test_invoice_factory_builds_a_delivered_invoice():
    invoice = InvoiceFactory()
    assert invoice.original.file.read().startswith(b"%PDF")
