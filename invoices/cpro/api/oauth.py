"""`POST /api/oauth/token`: PISTE's OAuth2 token endpoint, `client_credentials` only (§2.1).

Client credentials come in the form body (OCA, Pastell and most clients) or by HTTP Basic (Tryton, through
requests-oauthlib); `scope` is optional (some clients send `openid`, others nothing). The answer is what
clients check: `token_type` exactly `Bearer`, an integer `expires_in`. Every refusal is RFC 6749's error
body (§5.2), DRF's own included (a body that is no form, throttling), not the API's error body.
"""

import base64
import binascii
import logging
import math
from urllib.parse import unquote_plus

from django.conf import settings
from django_ratelimit.core import is_ratelimited
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ParseError, Throttled, UnsupportedMediaType
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import cpro_identity
from accounts.api.errors import ErrorSerializer
from invoices.cpro.api.envelope import TAG

log = logging.getLogger(__name__)


OAUTH_ERROR = inline_serializer(
    "OAuthError",
    {
        "error": serializers.CharField(
            help_text="invalid_request, unsupported_grant_type, invalid_client or slow_down (RFC 6749 §5.2)."
        ),
        "error_description": serializers.CharField(),
    },
)


def _error(code: str, description: str, status: int, **headers) -> Response:
    response = Response({"error": code, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _basic(request) -> tuple[str, str] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return ("", "")
    client_id, _sep, secret = decoded.partition(":")
    # RFC 6749 §2.3.1: both parts are form-encoded before being joined.
    return unquote_plus(client_id), unquote_plus(secret)


class TokenView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser, MultiPartParser]
    renderer_classes = [JSONRenderer]
    default_error_responses = False  # RFC 6749's error body, documented below

    @extend_schema(
        operation_id="cpro_oauth_token",
        tags=[TAG],
        summary="OAuth2 access token (client_credentials)",
        auth=[],
        request={
            "application/x-www-form-urlencoded": inline_serializer(
                "CproTokenRequest",
                {
                    "grant_type": serializers.ChoiceField(choices=["client_credentials"]),
                    "client_id": serializers.CharField(required=False, help_text="Or HTTP Basic."),
                    "client_secret": serializers.CharField(required=False, help_text="Or HTTP Basic."),
                    "scope": serializers.CharField(required=False, help_text="Optional (openid)."),
                },
            )
        },
        responses={
            200: inline_serializer(
                "CproToken",
                {
                    "access_token": serializers.CharField(),
                    "token_type": serializers.CharField(help_text="Bearer"),
                    "expires_in": serializers.IntegerField(),
                    "scope": serializers.CharField(),
                },
            ),
            400: OpenApiResponse(
                OAUTH_ERROR,
                description="unsupported_grant_type, or invalid_request (a body that is no form).",
            ),
            401: OpenApiResponse(OAUTH_ERROR, description="invalid_client"),
            429: OpenApiResponse(OAUTH_ERROR, description="slow_down: too many attempts (Retry-After)."),
            503: OpenApiResponse(ErrorSerializer, description="Database unavailable (Retry-After)."),
        },
    )
    def post(self, request):
        limited = is_ratelimited(
            request._request,
            group="chorale.cpro.token.ip",
            key="ip",
            rate=settings.CHORALE_CPRO_TOKEN_RATE_IP,
            method="POST",
            increment=True,
        )
        if limited:
            return _error("slow_down", "too many token requests", 429, Retry_After="60")
        data = request.data
        if data.get("grant_type") != "client_credentials":
            return _error("unsupported_grant_type", "only client_credentials is supported", 400)
        basic = _basic(request)
        client_id, secret = (
            basic if basic is not None else (data.get("client_id", ""), data.get("client_secret", ""))
        )
        credential = cpro_identity.authenticate_client(client_id, secret) if client_id and secret else None
        if credential is None:
            log.info("cpro token refused for client %r", str(client_id)[:64])
            extra = {"WWW_Authenticate": 'Basic realm="Chorale"'} if basic is not None else {}
            return _error("invalid_client", "client authentication failed", 401, **extra)
        token, lifetime = cpro_identity.issue_access_token(credential)
        response = Response(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": lifetime,
                "scope": data.get("scope") or "openid",
            }
        )
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response

    def handle_exception(self, exc):
        if isinstance(exc, Throttled):
            wait = str(math.ceil(exc.wait or 60))
            return _error("slow_down", "too many token requests", 429, Retry_After=wait)
        if isinstance(exc, ParseError | UnsupportedMediaType):
            return _error(
                "invalid_request", "the body must be an application/x-www-form-urlencoded form", 400
            )
        return super().handle_exception(exc)
