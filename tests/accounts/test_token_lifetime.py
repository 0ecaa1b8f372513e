"""Personal API tokens expire (a year by default), are revoked when the password is reset or the second factor
removed or replaced, and their page shows when each was last used and when it expires."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services, twofactor
from accounts.models import ApiToken, SecurityEvent
from accounts.tokens import create_api_token
from tests.factories_auth import app_code, away_from_step_edge, enrol_app, page_text, signed_in

pytestmark = pytest.mark.django_db

TOKENS = "/comptes/securite/jetons/"


def _me(client, raw):
    return client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_personal_token_expires_after_a_year_by_default(supplier):
    token, _raw = create_api_token(supplier, name="Script")
    assert abs(token.expires_at - (timezone.now() + timedelta(days=365))) < timedelta(minutes=1)


def test_the_lifetime_is_a_setting(settings, supplier):
    settings.CHORALE_API_TOKEN_DAYS = 30
    token, _raw = create_api_token(supplier, name="Script")
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)


def test_an_expired_token_is_refused(client, supplier):
    token, raw = create_api_token(supplier, name="Script")
    assert _me(client, raw).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _me(client, raw).status_code == 401


def test_the_page_shows_last_use_and_expiry_and_hides_expired_tokens(client, supplier):
    live, raw = create_api_token(supplier, name="Vivant")
    expired, _raw = create_api_token(supplier, name="Périmé")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    _me(client, raw)
    signed_in(client, supplier)
    page = page_text(client.get(TOKENS))
    listing = page.split("Jetons actifs")[1].split("Créer un jeton")[0]
    assert "Vivant" in listing and "Périmé" not in listing
    assert "Expire le" in page and "Dernier usage" in page
    assert "jamais" not in listing  # used once
    assert f"{timezone.localtime(live.expires_at):%d/%m/%Y}" in listing


def _reset_password(client, user, mailoutbox, capture):
    client.post("/comptes/mot-de-passe/oubli/", {"email": user.email})
    link = re.search(r"http://\S+(/comptes/mot-de-passe/nouveau/\S+/)", mailoutbox[-1].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "un nouveau mot de passe solide"
    with capture(execute=True):
        response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302


def test_a_password_reset_revokes_every_personal_token(
    client, supplier, mailoutbox, django_capture_on_commit_callbacks
):
    tokens = [create_api_token(supplier, name=f"Script {n}")[1] for n in range(2)]
    _reset_password(client, supplier, mailoutbox, django_capture_on_commit_callbacks)
    assert all(_me(client, raw).status_code == 401 for raw in tokens)
    revoked = SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.TOKEN_REVOKED)
    assert revoked.count() == 2
    assert "jetons d'API" in mailoutbox[-1].body or any("jetons d'API" in m.body for m in mailoutbox)


def test_a_password_reset_leaves_the_technical_accounts_of_the_structure_alone(
    client, supplier, supplier_structure, mailoutbox, django_capture_on_commit_callbacks
):
    _robot, raw = services.create_technical_account(
        supplier_structure, actor=supplier, name="ERP", rights=["deposit"]
    )
    _reset_password(client, supplier, mailoutbox, django_capture_on_commit_callbacks)
    assert _me(client, raw).status_code == 200


def test_removing_the_app_revokes_the_tokens(client, supplier):
    enrol_app(supplier)
    _token, raw = create_api_token(supplier, name="Script")
    signed_in(client, supplier)
    client.post("/comptes/securite/application/retirer/")
    assert _me(client, raw).status_code == 401


def test_replacing_the_app_revokes_the_tokens(client, supplier):
    enrol_app(supplier)
    _token, raw = create_api_token(supplier, name="Script")
    device = twofactor.pending_totp_device(supplier)
    away_from_step_edge(5)
    twofactor.confirm_totp_device(supplier, device, code=app_code(device.bin_key), name="Nouveau")
    assert _me(client, raw).status_code == 401


def test_a_first_app_keeps_the_tokens(client, supplier):
    _token, raw = create_api_token(supplier, name="Script")
    device = twofactor.pending_totp_device(supplier)
    away_from_step_edge(5)
    twofactor.confirm_totp_device(supplier, device, code=app_code(device.bin_key), name="Premier")
    assert _me(client, raw).status_code == 200
