"""Changing the login e-mail: a fresh second factor, a link to the new address valid 24 hours, then only."""

import re
from datetime import timedelta

import pytest

from accounts.models import PendingEmailChange, SecurityEvent
from accounts.registration import _hash
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.factories_auth import page_text, signed_in

pytestmark = pytest.mark.django_db

CHANGE = "/comptes/securite/email/"
NEW = "nouvelle.adresse@example.test"


@pytest.fixture
def requested(client, supplier, mailoutbox, django_capture_on_commit_callbacks):
    """The supplier asked for NEW; returns the confirmation link sent there."""
    signed_in(client, supplier)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHANGE, {"new_email": NEW})
    assert response["Location"] == "/comptes/securite/"
    to_new = [m for m in mailoutbox if m.to == [NEW]]
    assert len(to_new) == 1
    return re.search(r"http://\S+(/comptes/email/confirmer/\S+/)", to_new[0].body).group(1)


def _confirm(client, link, capture):
    with capture(execute=True):
        return client.post(link)


def test_asking_needs_a_fresh_second_factor(client, supplier):
    signed_in(client, supplier, fresh=False)
    response = client.get(CHANGE)
    assert response["Location"] == "/comptes/securite/verifier/?next=/comptes/securite/email/"
    response = client.post(CHANGE, {"new_email": NEW})
    assert response["Location"].startswith("/comptes/securite/verifier/")
    assert not PendingEmailChange.objects.exists()


def test_nothing_changes_before_the_link_is_followed(requested, supplier, mailoutbox):
    supplier.refresh_from_db()
    assert supplier.email != NEW
    change = PendingEmailChange.objects.get(user=supplier)
    assert change.new_email == NEW and change.confirmed_at is None
    token = requested.rstrip("/").rsplit("/", 1)[1]
    assert change.token_hash == _hash(token) and token not in change.token_hash
    assert SecurityEvent.objects.filter(
        user=supplier, kind=SecurityEvent.Kind.EMAIL_CHANGE_REQUESTED
    ).exists()
    notice = [m for m in mailoutbox if m.to == [supplier.email]]
    assert len(notice) == 1 and NEW in notice[0].body


def test_the_link_changes_the_login_email_and_tells_the_old_address(
    client, requested, supplier, mailoutbox, django_capture_on_commit_callbacks
):
    old = supplier.email
    assert NEW in page_text(client.get(requested))  # GET only shows what will happen
    supplier.refresh_from_db()
    assert supplier.email == old

    response = _confirm(client, requested, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.email == NEW
    assert (
        SecurityEvent.objects.get(user=supplier, kind=SecurityEvent.Kind.EMAIL_CHANGED).detail
        == f"{old} → {NEW}"
    )
    assert mailoutbox[-1].to == [old]
    assert NEW in mailoutbox[-1].body


def test_login_then_uses_the_new_address(
    client, requested, supplier, django_capture_on_commit_callbacks, mailoutbox
):
    old = supplier.email
    _confirm(client, requested, django_capture_on_commit_callbacks)
    client.post("/comptes/deconnexion/")
    assert client.post("/comptes/connexion/", {"username": old, "password": PASSWORD}).status_code == 200
    assert client.post("/comptes/connexion/", {"username": NEW, "password": PASSWORD}).status_code == 302
    client.get("/comptes/second-facteur/")
    assert mailoutbox[-1].to == [NEW]  # the e-mailed code follows the login address


def test_the_link_works_just_before_24_hours(client, requested, supplier, django_capture_on_commit_callbacks):
    PendingEmailChange.objects.update(
        created_at=PendingEmailChange.objects.get().created_at - timedelta(hours=23, minutes=59)
    )
    _confirm(client, requested, django_capture_on_commit_callbacks)
    supplier.refresh_from_db()
    assert supplier.email == NEW


def test_the_link_is_refused_after_24_hours(client, requested, supplier, django_capture_on_commit_callbacks):
    PendingEmailChange.objects.update(
        created_at=PendingEmailChange.objects.get().created_at - timedelta(hours=24, seconds=1)
    )
    response = _confirm(client, requested, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "a expiré" in page_text(response)
    supplier.refresh_from_db()
    assert supplier.email != NEW
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EMAIL_CHANGED).exists()


def test_the_link_serves_once(client, requested, supplier, django_capture_on_commit_callbacks):
    _confirm(client, requested, django_capture_on_commit_callbacks)
    response = _confirm(client, requested, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EMAIL_CHANGED).count() == 1


def test_a_forged_link_is_refused(client):
    response = client.get("/comptes/email/confirmer/not-a-real-token/")
    assert response.status_code == 400


def test_a_new_request_voids_the_previous_link(
    client, requested, supplier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGE, {"new_email": "autre@example.test"})
    assert _confirm(client, requested, django_capture_on_commit_callbacks).status_code == 400
    supplier.refresh_from_db()
    assert supplier.email not in (NEW,)


def test_an_address_with_an_account_is_not_revealed_nor_taken(
    client, supplier, mailoutbox, django_capture_on_commit_callbacks
):
    taken = UserFactory(email="deja.pris@example.test")
    signed_in(client, supplier)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHANGE, {"new_email": taken.email}, follow=True)
    assert "Un lien de confirmation a été envoyé" in page_text(response)
    assert not PendingEmailChange.objects.exists()
    to_taken = [m for m in mailoutbox if m.to == [taken.email]]
    assert len(to_taken) == 1 and "/comptes/email/confirmer/" not in to_taken[0].body


def test_the_address_taken_meanwhile_is_refused(
    client, requested, supplier, django_capture_on_commit_callbacks
):
    UserFactory(email=NEW)
    response = _confirm(client, requested, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    supplier.refresh_from_db()
    assert supplier.email != NEW
