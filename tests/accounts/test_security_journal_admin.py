"""The security journal is evidence: the admin shows it and cannot add, change or delete an entry."""

import pytest

from accounts.journal import log_event
from accounts.models import SecurityEvent, User
from tests.conftest import verified_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/admin/accounts/securityevent/"


@pytest.fixture
def event(db):
    return log_event(UserFactory(email="victime@example.test"), "login", detail="connexion d'origine")


def test_support_reads_the_journal(client, support, event):
    page = verified_client(client, support).get(URL)

    assert page.status_code == 200
    assert "connexion d&#x27;origine" in page.content.decode()
    assert verified_client(client, support).get(f"{URL}{event.pk}/change/").status_code == 200


def test_an_entry_cannot_be_added_changed_or_deleted(client, support, event):
    verified_client(client, support)

    assert client.get(f"{URL}add/").status_code == 403
    assert client.get(f"{URL}{event.pk}/delete/").status_code == 403
    assert client.post(f"{URL}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{URL}{event.pk}/change/", {"detail": "effacé", "kind": "logout"})
    client.post(URL, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})

    event.refresh_from_db()
    assert (event.kind, event.detail) == ("login", "connexion d'origine")
    assert "delete_selected" not in client.get(URL).content.decode()


def test_the_journal_inline_of_a_user_is_read_only(client, support, event):
    page = verified_client(client, support).get(f"/admin/accounts/user/{event.user.pk}/change/")

    html = page.content.decode()
    assert "connexion d&#x27;origine" in html
    assert 'name="security_events-0-detail"' not in html
    assert 'name="security_events-0-DELETE"' not in html


def test_deleting_an_account_that_has_journal_entries_is_refused(client, support, event):
    verified_client(client, support)

    response = client.post(f"/admin/accounts/user/{event.user.pk}/delete/", {"post": "yes"})

    assert response.status_code in (200, 403)
    assert User.objects.filter(pk=event.user.pk).exists()
    assert SecurityEvent.objects.filter(pk=event.pk).exists()
