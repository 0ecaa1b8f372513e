"""Without an authenticator app, a six-digit code is e-mailed to the login address, valid 10 minutes."""

from datetime import timedelta

import pytest
from django_otp.plugins.otp_email.models import EmailDevice

from accounts.models import SecurityEvent
from tests.factories_auth import emailed_code, enter_password, page_text, post_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_code_step(client, supplier, mailoutbox):
    enter_password(client, supplier)
    client.get("/comptes/second-facteur/")
    return client


def test_the_code_goes_to_the_login_address_and_says_how_long_it_lasts(at_code_step, supplier, mailoutbox):
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [supplier.email]
    assert mail.subject == "Chorale : votre code de connexion"
    assert "10 minutes" in mail.body
    assert SecurityEvent.objects.filter(user=supplier, kind=SecurityEvent.Kind.OTP_SENT).count() == 1


def test_the_code_is_valid_ten_minutes(at_code_step, supplier):
    device = EmailDevice.objects.get(user=supplier)
    lifetime = device.valid_until - device.last_generated_timestamp
    assert abs(lifetime - timedelta(minutes=10)) < timedelta(seconds=1)


def test_a_code_is_refused_once_ten_minutes_have_passed(at_code_step, supplier, mailoutbox):
    code = emailed_code(mailoutbox)
    device = EmailDevice.objects.get(user=supplier)
    # Ten minutes later: the same code, now past its validity.
    EmailDevice.objects.filter(pk=device.pk).update(valid_until=device.valid_until - timedelta(minutes=10))
    response = post_code(at_code_step, code)
    assert response.status_code == 200
    assert "Code incorrect ou expiré" in page_text(response)
    assert at_code_step.get("/").status_code == 302


def test_a_code_is_accepted_just_before_ten_minutes(at_code_step, supplier, mailoutbox):
    code = emailed_code(mailoutbox)
    device = EmailDevice.objects.get(user=supplier)
    EmailDevice.objects.filter(pk=device.pk).update(
        valid_until=device.valid_until - timedelta(minutes=9, seconds=50)
    )
    assert post_code(at_code_step, code)["Location"] == "/"


def test_reloading_the_step_does_not_send_another_code(at_code_step, mailoutbox):
    at_code_step.get("/comptes/second-facteur/")
    at_code_step.get("/comptes/second-facteur/")
    assert len(mailoutbox) == 1


def test_a_new_code_can_be_asked_for_and_replaces_the_old_one(at_code_step, supplier, mailoutbox):
    first = emailed_code(mailoutbox)
    # django-otp holds a new e-mail back for a minute after the last one.
    response = at_code_step.post("/comptes/second-facteur/", {"action": "resend"}, follow=True)
    assert "patientez" in page_text(response)
    assert len(mailoutbox) == 1

    EmailDevice.objects.filter(user=supplier).update(
        last_generated_timestamp=EmailDevice.objects.get(user=supplier).last_generated_timestamp
        - timedelta(seconds=61)
    )
    response = at_code_step.post("/comptes/second-facteur/", {"action": "resend"}, follow=True)
    assert "Un code à 6 chiffres a été envoyé" in page_text(response)
    assert len(mailoutbox) == 2
    second = emailed_code(mailoutbox)
    if first != second:
        assert "Code incorrect" in page_text(post_code(at_code_step, first))
        EmailDevice.objects.filter(user=supplier).update(throttling_failure_timestamp=None)
    assert post_code(at_code_step, second)["Location"] == "/"


def test_a_code_serves_once(client, supplier, mailoutbox):
    enter_password(client, supplier)
    client.get("/comptes/second-facteur/")
    code = emailed_code(mailoutbox)
    assert post_code(client, code)["Location"] == "/"
    client.post("/comptes/deconnexion/")
    enter_password(client, supplier)
    response = post_code(client, code)  # within its ten minutes, but already used
    assert "Code incorrect ou expiré" in page_text(response)
