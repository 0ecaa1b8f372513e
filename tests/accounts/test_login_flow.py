"""Logging in: password, then a second factor, enforced for every page past login."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import SecurityEvent, User
from tests.factories import UserFactory
from tests.factories_auth import emailed_code, enter_password, page_text, post_code

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_of_home_gets_the_login_form(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/comptes/connexion/")
    assert b'name="password"' in response.content


def test_password_then_emailed_code_reaches_the_dashboard(client, supplier, supplier_structure, mailoutbox):
    response = enter_password(client, supplier)
    assert response.status_code == 302
    assert response["Location"] == "/comptes/second-facteur/"

    page = client.get(response["Location"])
    assert "Code de vérification" in page_text(page)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [supplier.email]

    response = post_code(client, emailed_code(mailoutbox))
    assert response.status_code == 302 and response["Location"] == "/"
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert supplier_structure.name in page_text(dashboard)
    assert SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.LOGIN).exists()


def test_the_page_asked_for_is_reached_after_both_steps(client, supplier, mailoutbox):
    response = client.get("/comptes/securite/journal/")
    assert response["Location"] == "/comptes/connexion/?next=/comptes/securite/journal/"
    response = enter_password(client, supplier, next="/comptes/securite/journal/")
    assert response["Location"] == "/comptes/second-facteur/?next=%2Fcomptes%2Fsecurite%2Fjournal%2F"
    client.get(response["Location"])
    response = post_code(client, emailed_code(mailoutbox), next="/comptes/securite/journal/")
    assert response["Location"] == "/comptes/securite/journal/"


def test_a_next_pointing_elsewhere_is_ignored(client, supplier, mailoutbox):
    enter_password(client, supplier)
    client.get("/comptes/second-facteur/")
    response = post_code(client, emailed_code(mailoutbox), next="https://evil.example/")
    assert response["Location"] == "/"


def test_session_key_changes_at_each_step(client, supplier, mailoutbox):
    client.get("/comptes/connexion/")
    client.cookies["sessionid"] = "attacker-chosen"
    enter_password(client, supplier)
    after_password = client.cookies["sessionid"].value
    assert after_password != "attacker-chosen"
    client.get("/comptes/second-facteur/")
    post_code(client, emailed_code(mailoutbox))
    assert client.cookies["sessionid"].value != after_password
    assert client.get("/").status_code == 200


def test_wrong_password_stays_on_the_form_and_is_journaled(client, supplier):
    response = enter_password(client, supplier, password="not the password")
    assert response.status_code == 200
    assert "mot de passe incorrect" in page_text(response)
    assert "_auth_user_id" not in client.session
    event = SecurityEvent.objects.get(user=supplier)
    assert event.kind == SecurityEvent.Kind.LOGIN_FAILED
    assert event.ip == "127.0.0.1"


def test_wrong_code_stays_on_the_code_step_with_an_error(client, supplier, mailoutbox):
    enter_password(client, supplier)
    client.get("/comptes/second-facteur/")
    good = emailed_code(mailoutbox)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = post_code(client, wrong)
    assert response.status_code == 200
    assert "Code incorrect ou expiré" in page_text(response)
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/").status_code == 302
    assert SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.OTP_FAILED).count() == 1


@pytest.mark.parametrize(
    "path", ["/", "/comptes/securite/", "/comptes/securite/jetons/", "/admin/", "/factures/envoyees/"]
)
def test_password_alone_reaches_no_page_past_login(client, supplier, path):
    supplier.is_staff = supplier.is_superuser = True
    supplier.save()
    enter_password(client, supplier)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/second-facteur/")


def test_the_code_step_without_a_password_goes_back_to_login(client):
    response = client.get("/comptes/second-facteur/")
    assert response["Location"].startswith("/comptes/connexion/")


def test_an_account_not_yet_activated_cannot_log_in(client, mailoutbox):
    user = UserFactory(is_active=False)
    response = enter_password(client, user)
    assert response.status_code == 200
    assert "confirmez d'abord votre adresse" in page_text(response)
    assert not mailoutbox


def test_a_technical_account_cannot_use_the_web_login(client):
    robot = UserFactory(kind=User.Kind.TECHNICAL)
    response = enter_password(client, robot)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client, supplier, mailoutbox):
    enter_password(client, supplier)
    client.get("/comptes/second-facteur/")
    post_code(client, emailed_code(mailoutbox))
    assert client.get("/").status_code == 200

    assert client.get("/comptes/deconnexion/").status_code == 405
    response = client.post("/comptes/deconnexion/")
    assert response["Location"] == "/comptes/connexion/"
    assert client.get("/")["Location"].startswith("/comptes/connexion/")
    assert SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.LOGOUT).exists()


def test_password_step_is_rate_limited_per_account(client, settings, supplier):
    settings.CHORALE_LOCKOUT_FREE_FAILURES = 3
    for _attempt in range(3):
        assert enter_password(client, supplier, password="wrong").status_code == 200
    response = enter_password(client, supplier)  # even the right password waits
    assert response.status_code == 429
    assert "Trop de tentatives" in page_text(response)
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.LOGIN_FAILED).count() == 4


def test_password_step_is_rate_limited_per_address(client, settings):
    settings.CHORALE_LOGIN_RATE_IP = "3/5m"
    users = UserFactory.create_batch(4)
    for user in users[:3]:
        enter_password(client, user, password="wrong")
    response = enter_password(client, users[3])
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
