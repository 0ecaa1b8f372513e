import pytest

from tests.accounts.soft_authenticator import ORIGIN, RP_ID
from tests.factories import UserFactory


@pytest.fixture
def relying_party(settings):
    """The relying party the passkey tests speak to, whatever SITE_URL the environment sets."""
    settings.OTP_WEBAUTHN_RP_ID = RP_ID
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]


@pytest.fixture
def support(db):
    """The platform's support: staff with every right in the admin."""
    return UserFactory(email="support@example.test", is_staff=True, is_superuser=True)
