"""Calling the Chorus Pro-compatible API the way connectors do: a token first, then JSON posts with both
identities. `CproWorld` is a supplier and a public recipient, each with a technical account holding Chorus Pro
credentials, plus another public structure with its own (who must never see the first ones' objects)."""

import base64
import json
from dataclasses import dataclass
from urllib.parse import urlencode

from accounts import cpro_identity
from tests.factories_deposit import World, make_world

TOKEN_URL = "/api/oauth/token"
FORM = "application/x-www-form-urlencoded"


def cpro_path(operation: str) -> str:
    return f"/cpro/{operation}"


def account_header(credentials: dict) -> str:
    return base64.b64encode(f"{credentials['login']}:{credentials['password']}".encode()).decode()


class CproCaller:
    """A connector's session: fetches its token once, then posts JSON bodies."""

    def __init__(self, client, credentials: dict):
        self.client = client
        self.credentials = credentials
        self._token = None

    def token(self) -> str:
        if self._token is None:
            response = self.client.post(
                TOKEN_URL,
                urlencode(
                    {
                        "grant_type": "client_credentials",
                        "client_id": self.credentials["client_id"],
                        "client_secret": self.credentials["client_secret"],
                        "scope": "openid",
                    }
                ),
                content_type=FORM,
            )
            assert response.status_code == 200, response.content
            self._token = response.json()["access_token"]
        return self._token

    def post(self, operation: str, body: dict | None = None, **headers):
        return self.client.post(
            cpro_path(operation),
            data=json.dumps(body if body is not None else {}),
            content_type="application/json;charset=utf-8",
            HTTP_AUTHORIZATION=f"Bearer {self.token()}",
            HTTP_CPRO_ACCOUNT=account_header(self.credentials),
            **headers,
        )

    def call(self, operation: str, body: dict | None = None) -> dict:
        """The answer's body, whatever its codeRetour (HTTP 200 expected)."""
        response = self.post(operation, body)
        assert response.status_code == 200, (response.status_code, response.content[:500])
        return response.json()

    def ok(self, operation: str, body: dict | None = None) -> dict:
        answer = self.call(operation, body)
        assert answer["codeRetour"] == 0, answer
        assert answer["libelle"] == "TRA_MSG_00.000"
        return answer


@dataclass
class CproWorld:
    world: World
    supplier_credentials: dict
    recipient_credentials: dict
    other_credentials: dict

    def __getattr__(self, name):
        return getattr(self.world, name)


def make_cpro_world(**recipient_options) -> CproWorld:
    world = make_world(**recipient_options)
    _user, supplier = cpro_identity.create_cpro_credentials(
        world.supplier_structure, actor=None, name="Odoo", rights=["deposit"]
    )
    _user, recipient = cpro_identity.create_cpro_credentials(
        world.recipient, actor=None, name="Pastell", rights=["triage"]
    )
    _user, other = cpro_identity.create_cpro_credentials(
        world.other_recipient, actor=None, name="Pastell", rights=["triage"]
    )
    return CproWorld(world, supplier, recipient, other)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
