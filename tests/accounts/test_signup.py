"""Sign-up: a personal account, inactive until its address is confirmed by a link valid 60 minutes."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import registration
from accounts.models import SecurityEvent, User
from tests.factories import UserFactory
from tests.factories_auth import enter_password, page_text

pytestmark = pytest.mark.django_db

SIGNUP = "/comptes/inscription/"
PASSWORD = "un mot de passe assez long"
FORM = {
    "email": "Nouvelle@Example.test",
    "first_name": "Ana",
    "last_name": "Lopes",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


@pytest.fixture
def signed_up(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, FORM)
    assert response["Location"] == "/comptes/inscription/envoyee/"
    return re.search(r"http://\S+(/comptes/activation/\S+/)", mailoutbox[-1].body).group(1)


def _activate(client, link):
    return client.post(link)


def test_signing_up_creates_an_inactive_account_and_mails_a_link(client, signed_up, mailoutbox):
    user = User.objects.get(email="nouvelle@example.test")
    assert not user.is_active
    assert user.first_name == "Ana" and user.check_password(PASSWORD)
    assert mailoutbox[-1].to == ["nouvelle@example.test"]
    assert "60 minutes" in mailoutbox[-1].body
    assert "nouvelle@example.test" in page_text(client.get("/comptes/inscription/envoyee/"))


def test_the_account_cannot_log_in_before_activation(client, signed_up):
    response = client.post("/comptes/connexion/", {"username": "nouvelle@example.test", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_link_activates_the_account(client, signed_up, mailoutbox):
    assert "Activer mon compte" in page_text(client.get(signed_up))  # GET alone activates nothing
    assert not User.objects.get(email="nouvelle@example.test").is_active
    response = _activate(client, signed_up)
    assert response["Location"] == "/comptes/connexion/"
    user = User.objects.get(email="nouvelle@example.test")
    assert user.is_active
    assert SecurityEvent.objects.filter(user=user, detail__startswith="Compte activé").exists()
    # First login: the second factor is a code e-mailed to the address just confirmed.
    assert enter_password(client, user, password=PASSWORD)["Location"] == "/comptes/second-facteur/"
    client.get("/comptes/second-facteur/")
    assert mailoutbox[-1].to == [user.email] and "code de connexion" in mailoutbox[-1].body


def test_the_link_serves_once(client, signed_up):
    _activate(client, signed_up)
    response = _activate(client, signed_up)
    assert response.status_code == 400


def test_the_link_expires_after_60_minutes(client):
    user = UserFactory(is_active=False)
    late = registration.make_activation_token(
        user, issued_at=timezone.now() - timedelta(minutes=60, seconds=1)
    )
    response = client.post(f"/comptes/activation/{late}/")
    assert response.status_code == 400
    assert "a expiré" in page_text(response)
    user.refresh_from_db()
    assert not user.is_active

    in_time = registration.make_activation_token(user, issued_at=timezone.now() - timedelta(minutes=59))
    client.post(f"/comptes/activation/{in_time}/")
    user.refresh_from_db()
    assert user.is_active


def test_a_forged_link_is_refused(client):
    user = UserFactory(is_active=False)
    token = registration.make_activation_token(user)
    response = client.post(f"/comptes/activation/{token[:-2]}xx/")
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_a_deactivated_account_is_not_reactivated_by_a_link(client):
    user = UserFactory(is_active=False, last_login=timezone.now() - timedelta(days=3))
    token = registration.make_activation_token(user)
    assert client.post(f"/comptes/activation/{token}/").status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_a_taken_address_is_not_revealed_and_its_owner_is_told(
    client, supplier, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, {**FORM, "email": supplier.email})
    assert response["Location"] == "/comptes/inscription/envoyee/"
    assert User.objects.filter(email__iexact=supplier.email).count() == 1
    supplier.refresh_from_db()
    assert not supplier.check_password(PASSWORD)
    assert mailoutbox[-1].to == [supplier.email]
    assert "vous en avez déjà un" in mailoutbox[-1].body


def test_signing_up_again_before_activation_sends_a_new_link(
    client, signed_up, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            SIGNUP, {**FORM, "password1": "un autre mot de passe", "password2": "un autre mot de passe"}
        )
    assert User.objects.filter(email="nouvelle@example.test").count() == 1
    assert User.objects.get(email="nouvelle@example.test").check_password(PASSWORD)  # not replaced
    link = re.search(r"http://\S+(/comptes/activation/\S+/)", mailoutbox[-1].body).group(1)
    assert _activate(client, link)["Location"] == "/comptes/connexion/"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"password2": "something else entirely"}, "password2", "ne correspondent pas"),
        ({"password1": "court", "password2": "court"}, "password1", "trop court"),
        (
            {"password1": "123456789012345", "password2": "123456789012345"},
            "password1",
            "entièrement numérique",
        ),
        ({"email": "pas-une-adresse"}, "email", "adresse e-mail valide"),
    ],
)
def test_the_form_shows_errors_next_to_fields(client, mailoutbox, change, field, message):
    response = client.post(SIGNUP, {**FORM, **change})
    assert response.status_code == 200
    assert message in page_text(response)
    assert not User.objects.filter(email="nouvelle@example.test").exists()
    assert not mailoutbox


def test_sign_up_is_rate_limited_per_address(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.CHORALE_SIGNUP_RATE_IP = "2/h"
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(SIGNUP, {**FORM, "email": f"personne{n}@example.test"})
    assert response.status_code == 429
    assert len(mailoutbox) == 2
