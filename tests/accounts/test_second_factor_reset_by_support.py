"""Support resets a lost second factor from the admin, as a journaled action; the device admins of
django-otp (which show people's secrets and change them unjournaled) are not offered."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent
from accounts.tokens import create_api_token
from tests.conftest import verified_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

USERS_URL = "/admin/accounts/user/"


def test_support_resets_a_lost_second_factor_journaled_and_the_person_told(
    client, support, mailoutbox, django_capture_on_commit_callbacks
):
    person = UserFactory(email="marie@atelier.test")
    their_session = verified_client(Client(), person)
    token, _secret = create_api_token(person, name="Logiciel de facturation")

    with django_capture_on_commit_callbacks(execute=True):
        done = verified_client(client, support).post(
            USERS_URL, {"action": "reset_second_factor", "_selected_action": [person.pk]}, follow=True
        )

    assert "Second facteur réinitialisé pour 1 compte (inscrit au journal)." in done.content.decode()

    assert not TOTPDevice.objects.filter(user=person).exists()
    removed = SecurityEvent.objects.get(user=person, kind=SecurityEvent.Kind.FACTOR_REMOVED)
    assert removed.actor == support and "support" in removed.detail
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert {tuple(m.to) for m in mailoutbox} == {(person.email,)}
    assert any("réinitialisé par le support" in m.body for m in mailoutbox)
    # The session the lost app verified no longer passes the second factor.
    assert their_session.get("/factures/").status_code == 302


def test_the_device_admins_are_not_offered(client, support):
    verified_client(client, support)

    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_email/emaildevice/").status_code == 404
