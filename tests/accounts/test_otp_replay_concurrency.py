"""One code, two requests at the same instant: the device row lock lets exactly one of them through.

Row locks need PostgreSQL (SQLite ignores `select_for_update`), so these tests skip elsewhere.
"""

import threading

import pytest
from django.db import connection, connections
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import RecoveryCodeDevice
from tests.factories import UserFactory
from tests.factories_auth import app_code, away_from_step_edge, enrol_app

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (run with DATABASE_URL=postgres://…)")


def _race(user, device_model, code):
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            device = device_model.objects.get(user=user)
            barrier.wait()
            twofactor.check_code(None, user, device, code)
            outcomes.append("accepted")
        except twofactor.SecondFactorError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_the_same_app_code_is_accepted_once():
    user = UserFactory()
    key = enrol_app(user)
    away_from_step_edge()
    assert _race(user, TOTPDevice, app_code(key)) == ["accepted", "refused"]


def test_the_same_recovery_code_is_accepted_once():
    user = UserFactory()
    codes = twofactor.regenerate_recovery_codes(user)
    assert _race(user, RecoveryCodeDevice, codes[0]) == ["accepted", "refused"]
    assert RecoveryCodeDevice.objects.get(user=user).remaining == 9
