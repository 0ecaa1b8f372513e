import pytest

from tests.accounts.soft_authenticator import ORIGIN, RP_ID


@pytest.fixture
def relying_party(settings):
    """The relying party the passkey tests speak to, whatever SITE_URL the environment sets."""
    settings.OTP_WEBAUTHN_RP_ID = RP_ID
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]
