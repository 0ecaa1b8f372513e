"""The client address comes through the declared number of trusted proxies; an unknown one is no error."""

import pytest

from accounts.client_ip import pick
from accounts.models import SecurityEvent
from tests.factories import UserFactory

PROXY = "10.0.0.2"
SIGNUP_FORM = {
    "email": "new@example.test",
    "first_name": "Ana",
    "last_name": "Lopes",
    "password1": "un mot de passe assez long",
    "password2": "un mot de passe assez long",
}


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("203.0.113.7", "", 0, "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", 0, "203.0.113.7"),  # no proxy declared: the header is ignored
        (PROXY, "198.51.100.1", 1, "198.51.100.1"),
        (PROXY, "6.6.6.6, 198.51.100.1", 1, "198.51.100.1"),  # the client's own entry is not believed
        (PROXY, "6.6.6.6, 198.51.100.1, 10.0.0.1", 2, "198.51.100.1"),
        (PROXY, "", 1, PROXY),  # fewer hops than proxies: the leftmost known
        ("", "198.51.100.1", 1, "198.51.100.1"),  # gunicorn on a Unix socket behind one proxy
        ("", "", 0, None),
        ("", "", 1, None),
        (PROXY, "unknown", 1, None),
        (PROXY, "198.51.100.1:51234", 1, "198.51.100.1"),
        (PROXY, "[2001:db8::1]:443", 1, "2001:db8::1"),
        (PROXY, "2001:DB8::1", 1, "2001:db8::1"),
        (None, None, 3, None),
    ],
)
def test_the_client_is_the_hop_left_of_the_trusted_proxies(remote, forwarded, proxies, expected):
    assert pick(remote, forwarded, proxies) == expected


def _login_from(client, user, remote, forwarded=None, password="wrong"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/comptes/connexion/", {"username": user.email, "password": password}, **extra)


@pytest.mark.django_db
def test_behind_a_proxy_each_client_has_its_own_login_limit(client, settings):
    settings.CHORALE_TRUSTED_PROXIES = 1
    settings.CHORALE_LOGIN_RATE_IP = "3/5m"
    users = UserFactory.create_batch(4)
    for number, user in enumerate(users):
        assert _login_from(client, user, PROXY, f"198.51.100.{number}").status_code == 200


@pytest.mark.django_db
def test_behind_a_proxy_a_forged_header_does_not_escape_the_limit(client, settings):
    settings.CHORALE_TRUSTED_PROXIES = 1
    settings.CHORALE_LOGIN_RATE_IP = "3/5m"
    users = UserFactory.create_batch(4)
    for number, user in enumerate(users[:3]):
        _login_from(client, user, PROXY, f"6.6.6.{number}, 198.51.100.9")
    assert _login_from(client, users[3], PROXY, "6.6.6.99, 198.51.100.9").status_code == 429


@pytest.mark.django_db
def test_without_a_declared_proxy_the_forwarded_header_is_ignored(client, settings):
    settings.CHORALE_LOGIN_RATE_IP = "3/5m"
    users = UserFactory.create_batch(4)
    for number, user in enumerate(users[:3]):
        _login_from(client, user, "203.0.113.7", f"198.51.100.{number}")
    assert _login_from(client, users[3], "203.0.113.7", "198.51.100.50").status_code == 429


@pytest.mark.django_db
def test_the_journal_records_the_client_behind_the_proxy(client, settings, supplier):
    settings.CHORALE_TRUSTED_PROXIES = 1
    _login_from(client, supplier, PROXY, "198.51.100.23")
    assert SecurityEvent.objects.get(user=supplier).ip == "198.51.100.23"


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [0, 1])
def test_an_empty_remote_addr_is_no_server_error(client, settings, supplier, proxies):
    """gunicorn bound to a Unix socket leaves REMOTE_ADDR empty."""
    settings.CHORALE_TRUSTED_PROXIES = proxies
    response = _login_from(client, supplier, "")
    assert response.status_code == 200
    assert SecurityEvent.objects.get(user=supplier).ip is None
    assert _login_from(client, supplier, "", password="correct horse battery staple").status_code == 302
    client.logout()
    assert client.post("/comptes/inscription/", SIGNUP_FORM, REMOTE_ADDR="").status_code == 302
    reset = client.post("/comptes/mot-de-passe/oubli/", {"email": supplier.email}, REMOTE_ADDR="")
    assert reset.status_code == 302
