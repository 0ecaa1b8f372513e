"""When the database cannot be reached, every request answers 503 with Retry-After (not a bare 500), and the
outage is logged. The database really is unreachable here: the connection points at a closed port (PostgreSQL)
or at a file that cannot exist (SQLite)."""

import logging
import socket
from contextlib import contextmanager

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test import Client

from tests.conftest import token_client
from tests.factories_auth import signed_in

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed when the block ends: nothing listens there


@contextmanager
def database_down(tmp_path):
    """The default connection swapped for one to an unreachable database; the test's own one is kept aside."""
    original = connections["default"]
    settings_dict = {**original.settings_dict}
    if settings_dict["ENGINE"].endswith("sqlite3"):
        settings_dict["NAME"] = str(tmp_path / "no-such-directory" / "db.sqlite3")
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
        settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "connect_timeout": 2}
    broken = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias="default")
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = original


def _unavailable(response, caplog):
    assert response.status_code == 503
    assert 0 < int(response["Retry-After"]) <= 300
    assert "no-store" in response["Cache-Control"]
    logged = [r for r in caplog.records if r.name == "chorale.availability" and r.levelno >= logging.ERROR]
    assert len(logged) == 1, caplog.records


def _browser(client):
    """A client that answers as a server does (the test client otherwise re-raises the view's exception)."""
    browser = Client(raise_request_exception=False)
    browser.cookies = client.cookies
    return browser


def test_a_signed_in_page_answers_503(client, supplier, tmp_path, caplog):
    signed_in(client, supplier)
    browser = _browser(client)
    with database_down(tmp_path):
        response = browser.get("/")  # the session is read by a middleware, before any view
    _unavailable(response, caplog)
    assert "indisponible" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_the_login_form_answers_503(client, supplier, tmp_path, caplog):
    browser = _browser(client)
    with database_down(tmp_path):
        response = browser.post("/comptes/connexion/", {"username": supplier.email, "password": "x"})
    _unavailable(response, caplog)


def test_the_api_answers_503_in_json(supplier, tmp_path, caplog):
    api = token_client(supplier)
    api.raise_request_exception = False
    with database_down(tmp_path):
        response = api.get("/api/v1/me/")  # the token is looked up inside the view
    _unavailable(response, caplog)
    assert response.json()["detail"]


def test_the_answer_is_in_english_for_an_english_reader(client, supplier, tmp_path, caplog):
    browser = _browser(client)
    with database_down(tmp_path):
        response = browser.post(
            "/comptes/connexion/", {"username": supplier.email, "password": "x"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    _unavailable(response, caplog)
    assert "unavailable" in response.content.decode()


def test_the_service_answers_again_once_the_database_is_back(client, supplier, tmp_path):
    signed_in(client, supplier)
    browser = _browser(client)
    with database_down(tmp_path):
        assert browser.get("/").status_code == 503
    assert browser.get("/").status_code == 200
