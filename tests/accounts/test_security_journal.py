"""The security journal: what happened to an account, shown to its owner (and to support in the admin)."""

import pytest
from django.test import RequestFactory

from accounts.journal import log_event
from accounts.models import SecurityEvent
from tests.factories import UserFactory
from tests.factories_auth import emailed_code, enter_password, page_text, post_code, signed_in

pytestmark = pytest.mark.django_db

JOURNAL = "/comptes/securite/journal/"


def test_log_event_records_the_request_origin_and_actor(supplier, other_user):
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Firefox/140")
    request.user = other_user
    event = log_event(supplier, SecurityEvent.Kind.FACTOR_REMOVED, request=request, detail="TOTP")
    assert (event.user, event.kind, event.ip, event.user_agent, event.detail) == (
        supplier,
        "factor_removed",
        "203.0.113.7",
        "Firefox/140",
        "TOTP",
    )
    assert event.actor == other_user


def test_log_event_works_without_a_request(supplier):
    event = log_event(supplier, "other", detail="x" * 800)
    assert event.ip is None and event.actor is None and len(event.detail) == 500


def test_log_event_refuses_an_unknown_kind(supplier):
    with pytest.raises(ValueError, match="Unknown security event kind"):
        log_event(supplier, "made_up")


def test_a_login_with_a_failure_shows_in_the_owners_journal(client, supplier, mailoutbox):
    enter_password(client, supplier, password="wrong")
    enter_password(client, supplier)
    client.get("/comptes/second-facteur/")
    post_code(client, emailed_code(mailoutbox))
    text = page_text(client.get(JOURNAL))
    for label in ("Échec de connexion", "Code envoyé par e-mail", "Connexion"):
        assert label in text
    kinds = list(SecurityEvent.objects.filter(user=supplier).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["login_failed", "otp_sent", "login"]


def test_the_journal_shows_only_the_owners_events(client, supplier):
    stranger = UserFactory()
    log_event(stranger, SecurityEvent.Kind.EMAIL_CHANGED, detail="secret-de-l-autre@example.test")
    log_event(supplier, SecurityEvent.Kind.TOKEN_CREATED, detail="mon-jeton")
    signed_in(client, supplier)
    text = page_text(client.get(JOURNAL))
    assert "mon-jeton" in text
    assert "secret-de-l-autre" not in text


def test_the_journal_needs_the_second_factor(client, supplier):
    client.force_login(supplier)
    assert client.get(JOURNAL)["Location"].startswith("/comptes/second-facteur/")


def test_events_done_by_someone_else_name_them(client, supplier):
    support = UserFactory(email="support@example.test", is_staff=True)
    log_event(supplier, SecurityEvent.Kind.PRINCIPAL_TRANSFER, detail="Commune de Test", actor=support)
    signed_in(client, supplier)
    assert "par support@example.test" in page_text(client.get(JOURNAL))


def test_support_staff_see_the_journal_in_the_admin(client, supplier):
    log_event(supplier, SecurityEvent.Kind.LOGIN_FAILED, detail="mot de passe refusé")
    staff = UserFactory(is_staff=True, is_superuser=True)
    signed_in(client, staff)
    response = client.get("/admin/accounts/securityevent/")
    assert response.status_code == 200
    assert str(supplier) in page_text(response)
    assert "mot de passe refusé" in page_text(response)


def test_the_journal_is_paginated_newest_first(client, supplier):
    for n in range(55):
        log_event(supplier, SecurityEvent.Kind.OTHER, detail=f"événement {n:02d}")
    signed_in(client, supplier)
    first = page_text(client.get(JOURNAL))
    assert "événement 54" in first and "événement 04" not in first
    assert "événement 04" in page_text(client.get(JOURNAL + "?page=2"))
