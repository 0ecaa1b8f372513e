"""`create_cpro_credentials` provisions a technical account and prints its Chorus Pro credentials once, as
JSON; only hashes are kept."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import ApiToken, CproCredential, Membership, User
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


def run(*args) -> dict:
    out = StringIO()
    call_command("create_cpro_credentials", *args, stdout=out)
    return json.loads(out.getvalue())


def test_it_prints_the_oauth_client_and_the_account_login_and_password_once():
    structure = StructureFactory()

    printed = run("--structure", structure.identifier, "--name", "Odoo", "--rights", "deposit")

    assert set(printed) >= {
        "client_id",
        "client_secret",
        "login",
        "password",
        "password_expires_at",
        "api_token",
    }
    account = User.objects.get(email=printed["login"])
    assert account.is_technical and not account.has_usable_password()
    membership = Membership.objects.get(user=account)
    assert membership.structure == structure and membership.can_deposit and not membership.can_triage
    credential = CproCredential.objects.get(user=account)
    stored = json.dumps(list(CproCredential.objects.values()), default=str)
    assert printed["client_secret"] not in stored and printed["password"] not in stored
    assert credential.client_id == printed["client_id"]
    assert ApiToken.objects.filter(user=account, revoked_at__isnull=True).count() == 1


def test_the_password_expires_after_the_configured_days(settings):
    settings.CHORALE_CPRO_PASSWORD_DAYS = 30
    printed = run("--structure", StructureFactory().identifier, "--name", "Tryton")

    expected = timezone.localdate() + timedelta(days=30)
    assert date.fromisoformat(printed["password_expires_at"]) == expected


def test_an_unknown_structure_is_an_error():
    with pytest.raises(CommandError, match="Aucune structure"):
        run("--structure", "73282932000074", "--name", "X")


def test_an_unknown_right_is_an_error_and_creates_nothing():
    structure = StructureFactory()
    with pytest.raises(CommandError, match="Droit inconnu"):
        run("--structure", structure.identifier, "--name", "X", "--rights", "deposit,everything")
    assert not CproCredential.objects.exists()
