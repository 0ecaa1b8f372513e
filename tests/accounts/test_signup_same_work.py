"""Signing up with an address that has an account does the same work as with a new one: one password hashed,
one mail sent, the same answer. Timing cannot tell them apart (asserted on the operations, not on a clock)."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/comptes/inscription/"
FORM = {
    "email": "someone@example.test",
    "first_name": "Ana",
    "last_name": "Lopes",
    "password1": "un mot de passe assez long",
    "password2": "un mot de passe assez long",
}


class CountingHasher(MD5PasswordHasher):
    """Django's test hasher, counting the passwords it hashes."""

    algorithm = "counting_md5"
    hashed: list[str] = []

    def encode(self, password, salt):
        CountingHasher.hashed.append(password)
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.hashed = []
    return CountingHasher.hashed


def _sign_up(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(SIGNUP, FORM)


@pytest.mark.parametrize("existing", ["none", "active", "awaiting activation"])
def test_every_path_hashes_one_password_and_sends_one_mail(
    client, counting_hasher, mailoutbox, django_capture_on_commit_callbacks, existing
):
    if existing != "none":
        UserFactory(email=FORM["email"], is_active=existing == "active")
        counting_hasher.clear()

    response = _sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response["Location"] == "/comptes/inscription/envoyee/"
    assert counting_hasher == [FORM["password1"]]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [FORM["email"]]


def test_the_known_address_keeps_its_password(client, counting_hasher, django_capture_on_commit_callbacks):
    user = UserFactory(email=FORM["email"])
    before = User.objects.get(pk=user.pk).password
    _sign_up(client, django_capture_on_commit_callbacks)
    assert User.objects.get(pk=user.pk).password == before
    assert User.objects.filter(email__iexact=FORM["email"]).count() == 1
