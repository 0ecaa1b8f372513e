"""Sensitive actions ask for the second factor again unless it was given in the last 10 minutes."""

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from tests.factories_auth import app_code, away_from_step_edge, emailed_code, enrol_app, page_text, signed_in

pytestmark = pytest.mark.django_db

SENSITIVE = "/comptes/securite/email/"


def test_a_session_verified_less_than_10_minutes_ago_goes_through(client, supplier):
    signed_in(client, supplier)
    session = client.session
    session[twofactor.RECENT_OTP_SESSION_KEY] = time.time() - 9 * 60
    session.save()
    assert client.get(SENSITIVE).status_code == 200


def test_an_older_session_is_sent_to_verify_then_back(client, supplier):
    key = enrol_app(supplier)
    signed_in(client, supplier, TOTPDevice.objects.get(user=supplier), fresh=False)
    response = client.get(SENSITIVE)
    assert response["Location"] == "/comptes/securite/verifier/?next=/comptes/securite/email/"
    page = client.get(response["Location"])
    assert "Confirmez votre identité" in page_text(page)
    away_from_step_edge()
    response = client.post(response["Location"], {"action": "code", "code": app_code(key)})
    assert response["Location"] == SENSITIVE
    assert client.get(SENSITIVE).status_code == 200


def test_a_wrong_code_keeps_the_action_closed(client, supplier):
    key = enrol_app(supplier)
    signed_in(client, supplier, TOTPDevice.objects.get(user=supplier), fresh=False)
    away_from_step_edge()
    wrong = f"{(int(app_code(key)) + 1) % 1_000_000:06d}"
    response = client.post(f"/comptes/securite/verifier/?next={SENSITIVE}", {"action": "code", "code": wrong})
    assert "Code incorrect" in page_text(response)
    assert client.get(SENSITIVE).status_code == 302


def test_without_an_app_the_code_is_emailed(client, supplier, mailoutbox):
    signed_in(client, supplier, fresh=False)
    client.get(f"/comptes/securite/verifier/?next={SENSITIVE}")
    assert mailoutbox[-1].to == [supplier.email]
    response = client.post(
        f"/comptes/securite/verifier/?next={SENSITIVE}", {"action": "code", "code": emailed_code(mailoutbox)}
    )
    assert response["Location"] == SENSITIVE


def test_the_decorator_guards_any_view(supplier):
    @twofactor.require_recent_otp
    def view(request):
        return HttpResponse("done")

    request = RequestFactory().get("/exports/42/")
    request.session = SessionStore()
    request.user = supplier
    supplier.is_verified = lambda: True
    assert view(request)["Location"] == "/comptes/securite/verifier/?next=/exports/42/"
    request.session[twofactor.RECENT_OTP_SESSION_KEY] = time.time()
    assert view(request).content == b"done"
    supplier.is_verified = lambda: False  # a password-only session is never "recent"
    assert view(request).status_code == 302
