"""POST /api/oauth/token: client_credentials, credentials in the form or by HTTP Basic, scope optional; the
answer every client checks (token_type Bearer, integer expires_in); refusals in RFC 6749's words."""

import base64
from urllib.parse import quote, urlencode

import pytest

from accounts import cpro_identity
from accounts.models import CproAccessToken, User
from tests.api_schema import assert_documented
from tests.cpro.helpers import FORM, TOKEN_URL
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def credentials():
    return cpro_identity.create_cpro_credentials(
        StructureFactory(), actor=None, name="ERP", rights=["deposit"]
    )[1]


def post(client, fields: dict, **headers):
    return client.post(TOKEN_URL, urlencode(fields), content_type=FORM, **headers)


def test_form_credentials_with_the_openid_scope_get_a_bearer_token(client, credentials):
    response = post(
        client,
        {
            "grant_type": "client_credentials",
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
            "scope": "openid",
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert isinstance(body["expires_in"], int) and body["expires_in"] > 0
    assert body["scope"] == "openid"
    assert response["Cache-Control"] == "no-store"
    stored = CproAccessToken.objects.get()
    assert body["access_token"] not in stored.key_hash


def test_http_basic_credentials_without_scope_get_a_token_too(client, credentials):
    basic = base64.b64encode(
        f"{quote(credentials['client_id'], safe='')}:{quote(credentials['client_secret'], safe='')}".encode()
    ).decode()

    response = post(client, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}")

    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "Bearer"


def test_a_wrong_secret_is_an_invalid_client(client, credentials):
    response = post(
        client,
        {"grant_type": "client_credentials", "client_id": credentials["client_id"], "client_secret": "nope"},
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert not CproAccessToken.objects.exists()


def test_an_unknown_client_is_refused_the_same_way(client):
    response = post(client, {"grant_type": "client_credentials", "client_id": "cpro_x", "client_secret": "y"})

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_refused_basic_client_is_told_how_to_authenticate(client):
    basic = base64.b64encode(b"cpro_x:y").decode()
    response = post(client, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")


def test_another_grant_is_unsupported(client, credentials):
    response = post(
        client,
        {"grant_type": "password", "client_id": credentials["client_id"], "client_secret": "x"},
    )

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_the_client_of_a_deactivated_technical_account_gets_no_token(client, credentials):
    User.objects.filter(email=credentials["login"]).update(is_active=False)
    response = post(
        client,
        {
            "grant_type": "client_credentials",
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
        },
    )

    assert response.status_code == 401


def test_token_requests_are_rate_limited_per_address(client, credentials, settings):
    settings.CHORALE_CPRO_TOKEN_RATE_IP = "3/m"
    fields = {"grant_type": "client_credentials", "client_id": "cpro_x", "client_secret": "y"}
    codes = [post(client, fields).status_code for _ in range(4)]

    assert codes == [401, 401, 401, 429]


def test_refusals_are_in_rfc_6749_s_body_as_documented(client, credentials):
    """Every refusal, DRF's own too, has `error` and `error_description`, and the schema says so."""
    unsupported = post(client, {"grant_type": "password"})
    json_body = client.post(TOKEN_URL, {"grant_type": "client_credentials"}, content_type="application/json")
    malformed = client.post(TOKEN_URL, b"--x\r\n", content_type="multipart/form-data")
    refused = post(client, {"grant_type": "client_credentials", "client_id": "cpro_x", "client_secret": "y"})

    for response, error in [
        (unsupported, "unsupported_grant_type"),
        (json_body, "invalid_request"),
        (malformed, "invalid_request"),
        (refused, "invalid_client"),
    ]:
        assert response.json()["error"] == error
        assert response.json()["error_description"]
        assert_documented(response, TOKEN_URL, "post")
    assert json_body.status_code == malformed.status_code == 400


def test_throttled_token_requests_say_slow_down(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "1/min"},
    }
    fields = {"grant_type": "password"}
    post(client, fields)

    response = post(client, fields)

    assert (response.status_code, response.json()["error"]) == (429, "slow_down")
    assert int(response["Retry-After"]) > 0
    assert_documented(response, TOKEN_URL, "post")
