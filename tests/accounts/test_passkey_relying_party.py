"""The relying party comes from the settings: SITE_URL's domain in production, localhost on a laptop."""

import json
import os
import subprocess
import sys

import pytest
from django.test import RequestFactory

from accounts.passkeys import ChoraleWebAuthnHelper
from tests.conftest import REPO_DIR

_PRINT = (
    "import json, django; django.setup(); from django.conf import settings as s;"
    "from django.core import checks;"
    "print(json.dumps([s.OTP_WEBAUTHN_RP_ID, s.OTP_WEBAUTHN_ALLOWED_ORIGINS,"
    " [m.id for m in checks.run_checks(include_deployment_checks=True) if m.level >= checks.ERROR]]))"
)


def _settings_with(**env):
    """The relying party and the system-check errors of a fresh process configured by `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CHORALE_", "SITE_URL", "DJANGO_"))}
    result = subprocess.run(
        [sys.executable, "-c", _PRINT],
        cwd=REPO_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


PRODUCTION = {
    "CHORALE_ENV": "production",
    "SECRET_KEY": "a-production-secret-that-is-long-enough-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "factures.example.gouv.fr",
    "SITE_URL": "https://factures.example.gouv.fr",
}


def test_in_production_the_relying_party_is_the_site_domain():
    rp_id, origins, errors = _settings_with(**PRODUCTION)

    assert rp_id == "factures.example.gouv.fr"
    assert origins == ["https://factures.example.gouv.fr"]
    assert not [e for e in errors if e.startswith("otp_webauthn")]


def test_both_can_be_set_explicitly():
    rp_id, origins, _errors = _settings_with(
        **PRODUCTION,
        CHORALE_WEBAUTHN_RP_ID="example.gouv.fr",
        CHORALE_WEBAUTHN_ORIGINS="https://factures.example.gouv.fr,https://portail.example.gouv.fr",
    )

    assert rp_id == "example.gouv.fr"
    assert origins == ["https://factures.example.gouv.fr", "https://portail.example.gouv.fr"]


def test_on_a_laptop_an_ip_site_url_falls_back_to_localhost():
    """Browsers refuse an IP address as relying party: the local default is localhost, which they accept."""
    rp_id, origins, errors = _settings_with(SITE_URL="http://127.0.0.1:8000")

    assert rp_id == "localhost"
    assert origins == ["http://localhost:8000"]
    assert not [e for e in errors if e.startswith("otp_webauthn")]


@pytest.mark.parametrize(
    ("rp_id", "host", "accepted"),
    [
        ("localhost", "localhost:54321", ["http://localhost:8000", "http://localhost:54321"]),
        ("localhost", "127.0.0.1:8000", ["http://localhost:8000"]),
        ("chorale.example", "localhost:54321", ["http://localhost:8000"]),
    ],
)
def test_any_port_of_localhost_is_accepted_only_for_the_relying_party_localhost(
    settings, rp_id, host, accepted
):
    settings.OTP_WEBAUTHN_RP_ID = rp_id
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost:8000"]
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    request = RequestFactory().get("/", HTTP_HOST=host)

    assert ChoraleWebAuthnHelper(request=request).get_allowed_origins() == accepted
