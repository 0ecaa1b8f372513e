"""Once an app is enrolled, login asks for its code: one step of clock drift either way, never a used code."""

import pytest

from accounts.models import SecurityEvent
from tests.factories_auth import (
    app_code,
    away_from_step_edge,
    enrol_app,
    enter_password,
    page_text,
    post_code,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(supplier):
    return enrol_app(supplier, name="Téléphone pro")


def test_login_asks_for_the_app_code_and_sends_no_email(client, supplier, key, mailoutbox):
    enter_password(client, supplier)
    page = client.get("/comptes/second-facteur/")
    assert "Téléphone pro" in page_text(page)
    assert not mailoutbox
    away_from_step_edge()
    assert post_code(client, app_code(key))["Location"] == "/"
    assert client.get("/").status_code == 200
    assert SecurityEvent.objects.get(user=supplier, kind=SecurityEvent.Kind.LOGIN).detail == "TOTP"


@pytest.mark.parametrize("offset", [-1, 1])
def test_the_previous_or_next_step_is_accepted(client, supplier, key, offset):
    away_from_step_edge()
    enter_password(client, supplier)
    assert post_code(client, app_code(key, offset))["Location"] == "/"


@pytest.mark.parametrize("offset", [-3, -2, 2, 3])
def test_codes_further_away_are_refused(client, supplier, key, offset):
    away_from_step_edge()
    distant = app_code(key, offset)
    if distant in {app_code(key, o) for o in (-1, 0, 1)}:
        pytest.skip("the distant code happens to equal a nearby one (1 in 300 000)")
    enter_password(client, supplier)
    response = post_code(client, distant)
    assert "Code incorrect ou expiré" in page_text(response)


def test_a_code_already_used_is_refused(client, supplier, key):
    away_from_step_edge()
    code = app_code(key)
    enter_password(client, supplier)
    assert post_code(client, code)["Location"] == "/"
    client.post("/comptes/deconnexion/")

    enter_password(client, supplier)
    response = post_code(client, code)
    assert response.status_code == 200
    assert "Code incorrect ou expiré" in page_text(response)
    assert client.get("/").status_code == 302


def test_a_code_older_than_the_last_used_one_is_refused(client, supplier, key):
    away_from_step_edge()
    enter_password(client, supplier)
    assert post_code(client, app_code(key, 1))["Location"] == "/"
    client.post("/comptes/deconnexion/")
    enter_password(client, supplier)
    response = post_code(client, app_code(key, 0))
    assert "Code incorrect ou expiré" in page_text(response)


def test_an_emailed_code_does_not_replace_the_app(client, supplier, key, mailoutbox):
    enter_password(client, supplier)
    response = client.post("/comptes/second-facteur/", {"action": "resend"})
    assert not mailoutbox
    assert response.status_code == 200
