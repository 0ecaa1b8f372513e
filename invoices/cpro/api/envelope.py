"""What every `/cpro/…` operation shares: identity, the JSON body, Chorus Pro's envelope, its schema.

Chorus Pro answers HTTP 200 with `codeRetour` (0 on success, `libelle` "TRA_MSG_00.000") and reports business
refusals as a non-zero `codeRetour` inside a 200: connectors branch on it (§3, §7 of the reference sheet).
Transport problems keep their HTTP status (400 malformed body, 401 credentials, 413 too large, 429 too many
calls), still with `codeRetour` and `libelle` in the body, which one client parses.
"""

import json
from contextlib import nullcontext

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from accounts import cpro_identity

TAG = "Chorus Pro"
OK = 0
NO_RESULT = 20000  # no such object, or a search without result (TRA_MSG_00.015 on rechercher/recipiendaire)
FORBIDDEN = 20001  # the technical account lacks the right
STATUS_CONFLICT = 20002  # origin and target statuses inconsistent (traiter/recue)
INVALID = 20003  # a field of the request missing or wrong
LIBELLE_OK = "TRA_MSG_00.000"
LIBELLE_NO_RESULT = "TRA_MSG_00.015"
SMALL_BODY = 1024 * 1024


class CproError(Exception):
    """An answer other than success: a `codeRetour` and its `libelle`, in HTTP 200 unless `status`."""

    def __init__(self, code: int, libelle: str, *, status: int = 200):
        super().__init__(libelle)
        self.code, self.libelle, self.status = code, libelle, status


def not_found(what: str) -> CproError:
    return CproError(NO_RESULT, _("%(what)s introuvable.") % {"what": what})


def invalid(message: str) -> CproError:
    return CproError(INVALID, message)


def required(body: dict, field: str):
    value = body.get(field)
    if value in (None, "", [], {}):
        raise invalid(_("Le champ %(field)s est obligatoire.") % {"field": field})
    return value


def envelope(code: int, libelle: str, *, status: int = 200, **fields) -> Response:
    return Response({"codeRetour": code, "libelle": libelle, **fields}, status=status)


class CproAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token from /api/oauth/token>` and `cpro-account: base64(login:password)`."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if len(header) != 2 or header[0].lower() != b"bearer":
            raise exceptions.AuthenticationFailed("access token missing")
        try:
            identity = cpro_identity.identify(
                header[1].decode(errors="replace"), request.META.get("HTTP_CPRO_ACCOUNT", "")
            )
        except cpro_identity.CproAuthError as error:
            raise exceptions.AuthenticationFailed(error.description) from None
        return identity.user, identity

    def authenticate_header(self, request):
        return 'Bearer realm="Chorale"'


class CproAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "invoices.cpro.api.envelope.CproAuthentication"
    name = ["cproBearer", "cproAccount"]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "description": "Jeton d'accès obtenu de POST /api/oauth/token (client_credentials).",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "cpro-account",
                "description": "Compte technique : base64 de « login:password ».",
            },
        ]


def read_body(request, limit: int) -> dict:
    """The request's JSON object, read at most `limit` bytes (Django's 2 MB cap would refuse a real flow)."""
    django_request = request._request
    try:
        length = int(django_request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise CproError(413, _("Requête trop volumineuse."), status=413)
    raw = django_request.read(limit + 1)
    if len(raw) > limit:
        raise CproError(413, _("Requête trop volumineuse."), status=413)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise CproError(400, _("Le corps de la requête n'est pas du JSON."), status=400) from None
    if not isinstance(body, dict):
        raise CproError(400, _("Le corps de la requête doit être un objet JSON."), status=400)
    return body


class CproThrottle(UserRateThrottle):
    """Calls per technical account (CHORALE_CPRO_RATE), counted in the shared cache."""

    scope = "cpro"

    def get_rate(self):
        return settings.CHORALE_CPRO_RATE


def _language(body: dict):
    code = str(body.get("codeLangue") or "").strip().lower()
    return translation.override(code) if code in ("fr", "en") else nullcontext()


class CproView(APIView):
    """One `POST /cpro/…` operation: `answer(user, identity, body)` returns the fields beside the envelope."""

    default_error_responses = False  # Chorus Pro's envelope, documented by `cpro_schema`
    authentication_classes = [CproAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [CproThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]  # for the schema: the body is read by read_body
    max_body = SMALL_BODY

    def answer(self, user, identity, body: dict) -> dict:
        raise NotImplementedError

    def post(self, request):
        try:
            body = read_body(request, self.max_body)
            with _language(body):
                fields = self.answer(request.user, request.auth, body)
        except CproError as error:
            return envelope(error.code, error.libelle, status=error.status)
        if isinstance(fields, Response):
            return fields
        return envelope(OK, LIBELLE_OK, **fields)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, exceptions.APIException):
            detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
            response.data = {"codeRetour": response.status_code, "libelle": str(detail)}
            if response.status_code == 401:
                # OCA shows this header's description when the technical account is refused (PISTE's shape).
                text = str(detail).replace('"', "'")
                response["WWW-Authenticate"] = (
                    f'Bearer realm="Chorale",error="Unauthorized",error_description="{text}"'
                )
        return response


def _fields(spec: dict) -> dict:
    return {name: make() for name, make in spec.items()}


class CproErrorSerializer(serializers.Serializer):
    """A transport refusal (HTTP 400, 401, 413, 429), in Chorus Pro's envelope."""

    codeRetour = serializers.IntegerField(help_text="The HTTP status.")
    libelle = serializers.CharField(help_text="What went wrong.")


# What every operation may answer besides its 200. /cpro/ is not under /api/: a lost database gets the
# portal's HTML page (portal.middleware).
TRANSPORT_ERRORS = {
    400: OpenApiResponse(CproErrorSerializer, description="Body is not a JSON object."),
    401: OpenApiResponse(CproErrorSerializer, description="Token or cpro-account refused."),
    413: OpenApiResponse(CproErrorSerializer, description="Body, or the download asked for, too large."),
    429: OpenApiResponse(CproErrorSerializer, description="Too many calls."),
    (503, "text/html"): OpenApiResponse(
        OpenApiTypes.STR, description="Database unavailable: the portal's page (Retry-After)."
    ),
}


# Chorus Pro's way, which its clients branch on (§3, §7 of the reference sheet): a body outside the
# schema is no 400 (kept for a body that is no JSON object), and every field of an answer but the envelope
# may be missing.
LENIENT_READING = (
    "Like Chorus Pro, a body outside this schema is answered in HTTP 200: a field that is missing or wrong "
    "where the operation needs it is refused with codeRetour 20003 (20000 for an id that names nothing), an "
    "optional one of another type is ignored, and an empty text counts as absent."
)


def cpro_schema(name: str, summary: str, *, request: dict, response: dict, description: str = ""):
    """The OpenAPI description of one operation; `request`, `response`: name → field factory."""
    camel = "".join(part.capitalize() for part in name.replace("/", "_").split("_"))
    envelope_fields = {
        "codeRetour": lambda: serializers.IntegerField(help_text="0 on success; else a business refusal."),
        "libelle": lambda: serializers.CharField(
            help_text="TRA_MSG_00.000 on success, else what went wrong."
        ),
    }
    return extend_schema(
        operation_id=f"cpro_{name.replace('/', '_')}",
        tags=[TAG],
        summary=summary,
        description=f"{description} {LENIENT_READING}".strip(),
        request=inline_serializer(f"Cpro{camel}", _fields(request)),
        responses={
            200: inline_serializer(f"Cpro{camel}Response", _fields({**envelope_fields, **response})),
            **TRANSPORT_ERRORS,
        },
    )


# Field factories shared by the operations' schemas; `needed`: the operation refuses its request without it
# (codeRetour 20003), as SPEC marks it required.
def text(help_text: str = "", *, needed: bool = False):
    return lambda: serializers.CharField(required=needed, allow_blank=True, help_text=help_text)


def number(help_text: str = "", *, needed: bool = False):
    return lambda: serializers.IntegerField(required=needed, help_text=help_text)


def flag(help_text: str = ""):
    return lambda: serializers.BooleanField(required=False, help_text=help_text)


def objects(help_text: str = ""):
    return lambda: serializers.ListField(child=serializers.DictField(), required=False, help_text=help_text)


def obj(help_text: str = ""):
    return lambda: serializers.DictField(required=False, help_text=help_text)


def invoice_ids(help_text: str = ""):
    """`listeFacture`: `[{"idFacture": …}]`."""
    return lambda: serializers.ListField(
        child=inline_serializer("CproIdFacture", {"idFacture": serializers.IntegerField()}),
        help_text=help_text,
    )
