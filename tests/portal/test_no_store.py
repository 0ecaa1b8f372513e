"""Pages past login and every API answer carry `Cache-Control: no-store`: no browser, proxy or shared machine
keeps a copy of someone's invoices."""

import pytest

from tests.conftest import token_client
from tests.factories_auth import signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/", "/comptes/securite/", "/comptes/structures/", "/factures/recues/", "/factures/envoyees/"],
)
def test_authenticated_pages_are_not_stored(client, supplier, path):
    signed_in(client, supplier)
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/structures/", "/api/v1/invoices/?direction=sent"])
def test_api_answers_are_not_stored(supplier, path):
    response = token_client(supplier).get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_api_errors_are_not_stored_either(client, supplier):
    assert "no-store" in client.get("/api/v1/me/")["Cache-Control"]  # 401
    outsider_view = token_client(supplier).get("/api/v1/structures/00000000-0000-0000-0000-000000000000/")
    assert outsider_view.status_code == 404
    assert "no-store" in outsider_view["Cache-Control"]


def test_the_admin_is_not_stored(client, supplier):
    supplier.is_staff = supplier.is_superuser = True
    supplier.save()
    signed_in(client, supplier)
    assert "no-store" in client.get("/admin/accounts/user/")["Cache-Control"]
