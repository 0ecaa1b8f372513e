"""Every /cpro/ call needs both identities of the same structure: the application's token and the technical
account's `cpro-account`; a refusal is HTTP 401 with PISTE's WWW-Authenticate description."""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import cpro_identity
from accounts.models import CproAccessToken, CproCredential, User
from tests.cpro.helpers import CproCaller, account_header
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db
OPERATION = "/cpro/transverses/v1/recuperer/tauxtva"


@pytest.fixture
def credentials():
    return cpro_identity.create_cpro_credentials(
        StructureFactory(), actor=None, name="ERP", rights=["deposit"]
    )[1]


def call(client, token: str | None, account: str | None):
    headers = {}
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if account is not None:
        headers["HTTP_CPRO_ACCOUNT"] = account
    return client.post(OPERATION, data="{}", content_type="application/json", **headers)


def refused(response, description: str):
    assert response.status_code == 401, response.content
    assert response.json()["codeRetour"] == 401
    header = response["WWW-Authenticate"]
    assert header.startswith('Bearer realm="Chorale"') and f'error_description="{description}"' in header


def test_a_token_and_the_account_of_its_structure_may_call(client, credentials):
    answer = CproCaller(client, credentials).ok("transverses/v1/recuperer/tauxtva")

    assert any(rate["valeurTauxTva"] == 20.0 for rate in answer["listeTauxTva"])
    assert User.objects.get(email=credentials["login"]).last_api_use is not None


def test_without_a_token_the_call_is_refused(client, credentials):
    refused(call(client, None, account_header(credentials)), "access token missing")


def test_an_unknown_token_is_refused(client, credentials):
    refused(call(client, "cprot_forged", account_header(credentials)), "access token invalid or expired")


def test_an_expired_token_is_refused(client, credentials):
    token = CproCaller(client, credentials).token()
    CproAccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    refused(call(client, token, account_header(credentials)), "access token invalid or expired")


def test_without_the_cpro_account_header_the_call_is_refused(client, credentials):
    refused(call(client, CproCaller(client, credentials).token(), None), "cpro-account header missing")


def test_a_wrong_password_is_refused_like_piste_does(client, credentials):
    token = CproCaller(client, credentials).token()
    wrong = base64.b64encode(f"{credentials['login']}:nope".encode()).decode()

    refused(call(client, token, wrong), "login or password incorrect")


def test_a_header_that_is_not_base64_of_login_and_password_is_refused(client, credentials):
    token = CproCaller(client, credentials).token()

    refused(call(client, token, "not base64!"), "cpro-account header is not base64 of login:password")


def test_an_expired_password_is_refused_until_a_manager_renews_it(client, credentials):
    token = CproCaller(client, credentials).token()
    CproCredential.objects.update(password_expires_at=timezone.now() - timedelta(minutes=1))

    refused(call(client, token, account_header(credentials)), "password expired")


def test_a_token_of_another_structure_does_not_open_this_account(client, credentials):
    other = cpro_identity.create_cpro_credentials(
        StructureFactory(), actor=None, name="ERP", rights=["deposit"]
    )[1]
    foreign_token = CproCaller(client, other).token()

    refused(
        call(client, foreign_token, account_header(credentials)),
        "technical account not allowed for this application",
    )


def test_a_deactivated_technical_account_is_refused(client, credentials):
    token = CproCaller(client, credentials).token()
    User.objects.filter(email=credentials["login"]).update(is_active=False)

    refused(call(client, token, account_header(credentials)), "access token invalid or expired")


def test_a_body_that_is_not_json_is_a_400_with_the_envelope(client, credentials):
    caller = CproCaller(client, credentials)
    response = client.post(
        OPERATION,
        data="{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {caller.token()}",
        HTTP_CPRO_ACCOUNT=account_header(credentials),
    )

    assert response.status_code == 400
    assert response.json()["codeRetour"] == 400


def test_calls_are_throttled_per_account(client, credentials, settings):
    settings.CHORALE_CPRO_RATE = "2/min"
    caller = CproCaller(client, credentials)
    codes = [caller.post("transverses/v1/recuperer/tauxtva").status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    assert json.loads(caller.post("transverses/v1/recuperer/tauxtva").content)["codeRetour"] == 429
