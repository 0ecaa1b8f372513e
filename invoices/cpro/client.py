"""A client of Chorus Pro's API (PISTE): the OAuth2 token, then `POST /cpro/<operation>` with both identities.

Failures come in two kinds the connector treats differently: `ChorusProUnavailable` (no answer in time, a
network error, HTTP 5xx or 429, an unreadable answer: try again later) and `ChorusProRefused` (an answer
that says no: a non-zero `codeRetour`, or an HTTP 4xx). Every request has a timeout.
"""

import base64
import json
import logging
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)

TOKEN_MARGIN_SECONDS = 60  # refresh a little before expiry (OCA does it 240 s before)


class ChorusProError(Exception):
    pass


class ChorusProUnavailable(ChorusProError):
    """No usable answer: worth trying again later."""


class ChorusProRefused(ChorusProError):
    """An answer that refuses: `code` is the `codeRetour` (or the HTTP status), `libelle` its text."""

    def __init__(self, code: int, libelle: str, body: dict | None = None):
        super().__init__(f"{libelle} (code {code})")
        self.code, self.libelle, self.body = code, libelle, body or {}


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str
    login: str
    password: str

    @property
    def account_header(self) -> str:
        return base64.b64encode(f"{self.login}:{self.password}".encode()).decode("ascii")


class ChorusProClient:
    def __init__(
        self,
        credentials: Credentials,
        *,
        api_url: str | None = None,
        token_url: str | None = None,
        timeout: float | None = None,
        session: requests.Session | None = None,
    ):
        self.credentials = credentials
        self.api_url = (api_url or settings.CHORALE_CPRO_API_URL).rstrip("/")
        self.token_url = token_url or settings.CHORALE_CPRO_TOKEN_URL
        read = float(timeout if timeout is not None else settings.CHORALE_CPRO_TIMEOUT)
        self.timeout = (min(10.0, read), read)
        self.session = session or requests.Session()
        self._token: str | None = None
        self._token_until = 0.0

    # --- Transport -------------------------------------------------------------------------------------

    def _post(self, url: str, **kwargs) -> requests.Response:
        try:
            return self.session.post(url, timeout=self.timeout, **kwargs)
        except requests.Timeout as exc:
            raise ChorusProUnavailable(f"no answer within {self.timeout[1]:g} s from {url}") from exc
        except requests.RequestException as exc:
            raise ChorusProUnavailable(f"{type(exc).__name__} calling {url}: {str(exc)[:200]}") from exc

    def token(self) -> str:
        if self._token and time.monotonic() < self._token_until:
            return self._token
        response = self._post(
            self.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self.credentials.client_id,
                "client_secret": self.credentials.client_secret,
                "scope": "openid",
            },
        )
        if response.status_code >= 500 or response.status_code == 429:
            raise ChorusProUnavailable(f"token endpoint answered HTTP {response.status_code}")
        if response.status_code != 200:
            raise ChorusProRefused(response.status_code, f"token refused: {response.text[:200]}")
        try:
            answer = response.json()
            token, lifetime = answer["access_token"], int(answer.get("expires_in") or 0)
        except (ValueError, KeyError, TypeError) as exc:
            raise ChorusProUnavailable("token endpoint gave an unreadable answer") from exc
        self._token = token
        self._token_until = time.monotonic() + max(lifetime - TOKEN_MARGIN_SECONDS, 0)
        return token

    def call(self, operation: str, body: dict, *, accept: tuple[int, ...] = ()) -> dict:
        """`POST /cpro/<operation>`; a `codeRetour` not 0 nor in `accept` raises ChorusProRefused."""
        url = f"{self.api_url}/cpro/{operation}"
        payload = json.dumps(body)
        for attempt in (1, 2):
            response = self._post(
                url,
                data=payload,
                headers={
                    "Authorization": f"Bearer {self.token()}",
                    "cpro-account": self.credentials.account_header,
                    "Content-Type": "application/json;charset=utf-8",
                    "Accept": "application/json",
                },
            )
            if response.status_code == 401 and attempt == 1:
                self._token = None  # an expired token: one new one, once
                continue
            break
        if response.status_code >= 500 or response.status_code == 429:
            raise ChorusProUnavailable(f"{operation}: HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError as exc:
            if response.status_code != 200:
                raise ChorusProRefused(
                    response.status_code, f"{operation}: HTTP {response.status_code}"
                ) from exc
            raise ChorusProUnavailable(f"{operation}: the answer is not JSON") from exc
        if not isinstance(answer, dict):
            raise ChorusProUnavailable(f"{operation}: the answer is not a JSON object")
        code = answer.get("codeRetour")
        if response.status_code != 200:
            detail = answer.get("libelle") or response.headers.get("WWW-Authenticate", "")
            raise ChorusProRefused(response.status_code, f"{operation}: HTTP {response.status_code} {detail}")
        if code not in (0, None) and code not in accept:
            raise ChorusProRefused(int(code), str(answer.get("libelle", "")), answer)
        return answer

    # --- Operations ----------------------------------------------------------------------------------------

    def search_received(
        self, *, page: int, since=None, statuses=("MISE_A_DISPOSITION",), per_page=100
    ) -> dict:
        """One page of `rechercher/recipiendaire`; no result (codeRetour 20000) is an empty page."""
        body = {
            "typeDemandePaiement": "FACTURE",
            "statutCourant": list(statuses),
            "paramRecherche": {"pageResultatDemandee": page, "nbResultatsParPage": per_page},
        }
        if since is not None:
            # Chorus Pro reads a date-time without offset, in its own time zone (Paris), as Chorale does.
            body["periodeDateHeureEtatCourantDu"] = timezone.localtime(since).strftime("%Y-%m-%dT%H:%M:%S")
        answer = self.call("factures/v1/rechercher/recipiendaire", body, accept=(20000,))
        if answer.get("codeRetour") == 20000:
            return {"listeFactures": [], "pageCourante": page, "pages": page}
        if "pageCourante" not in answer or "pages" not in answer:
            raise ChorusProUnavailable("rechercher/recipiendaire: no pageCourante/pages in the answer")
        return answer

    def download(self, invoice_id: int, *, file_format: str | None = None) -> bytes:
        answer = self.call(
            "factures/v1/telecharger/groupe",
            {
                "listeFacture": [{"idFacture": invoice_id}],
                "format": file_format or settings.CHORALE_CPRO_DOWNLOAD_FORMAT,
                "avecPiecesJointesComplementaires": "NON",
            },
        )
        try:
            return base64.b64decode(answer["fichierResultat"], validate=True)
        except (KeyError, TypeError, ValueError) as exc:
            raise ChorusProUnavailable("telecharger/groupe: no readable fichierResultat") from exc

    def treat(self, invoice_id: int, status: str, *, motif: str = "", mandat: str = "") -> dict:
        body = {"idFacture": invoice_id, "nouveauStatut": status}
        if motif:
            body["motif"] = motif
        if mandat:
            body["numeroDPMandat"] = mandat
        return self.call("factures/v1/traiter/recue", body)

    def current_status(self, invoice_id: int) -> str:
        return str(
            self.call("factures/v1/consulter/historique", {"idFacture": invoice_id}).get("statutCourantCode")
        )
