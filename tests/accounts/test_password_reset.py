"""Password reset by e-mail: the link lets the owner choose a new password; the second factor stays."""

import re

import pytest

from accounts.models import SecurityEvent, User
from tests.factories import UserFactory
from tests.factories_auth import enter_password, page_text

pytestmark = pytest.mark.django_db

RESET = "/comptes/mot-de-passe/oubli/"
NEW_PASSWORD = "un nouveau mot de passe solide"


def _reset_link(mail) -> str:
    return re.search(r"http://\S+(/comptes/mot-de-passe/nouveau/\S+/)", mail.body).group(1)


def test_the_owner_gets_a_link_and_sets_a_new_password(
    client, supplier, mailoutbox, django_capture_on_commit_callbacks
):
    response = client.post(RESET, {"email": supplier.email.upper()})
    assert response["Location"] == "/comptes/mot-de-passe/oubli/envoye/"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [supplier.email]
    assert mailoutbox[0].subject == "Chorale : choisir un nouveau mot de passe"

    form_page = client.get(_reset_link(mailoutbox[0]), follow=True)
    assert form_page.status_code == 200
    form_url = form_page.redirect_chain[-1][0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/comptes/mot-de-passe/modifie/"
    assert SecurityEvent.objects.get(user=supplier, kind=SecurityEvent.Kind.PASSWORD_CHANGED).detail == (
        "réinitialisation"
    )
    assert "votre mot de passe a été réinitialisé" in mailoutbox[-1].body

    # The new password opens the first step only: the second factor is still asked for.
    response = enter_password(client, supplier, password=NEW_PASSWORD)
    assert response["Location"] == "/comptes/second-facteur/"
    assert client.get("/")["Location"].startswith("/comptes/second-facteur/")


def test_the_link_serves_once(client, supplier, mailoutbox):
    client.post(RESET, {"email": supplier.email})
    link = _reset_link(mailoutbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.get(link, follow=True)
    assert "Ce lien n'est pas valable" in page_text(response)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, mailoutbox):
    response = client.post(RESET, {"email": "personne@example.test"})
    assert response["Location"] == "/comptes/mot-de-passe/oubli/envoye/"
    assert not mailoutbox


def test_technical_accounts_get_no_reset_link(client, mailoutbox):
    robot = UserFactory(kind=User.Kind.TECHNICAL)
    client.post(RESET, {"email": robot.email})
    assert not mailoutbox


def test_reset_requests_are_rate_limited_per_address(client, settings, supplier, mailoutbox):
    settings.CHORALE_PASSWORD_RESET_RATE_IP = "2/h"
    for _attempt in range(3):
        response = client.post(RESET, {"email": supplier.email})
        assert response["Location"] == "/comptes/mot-de-passe/oubli/envoye/"
    assert len(mailoutbox) == 2
