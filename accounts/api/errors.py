"""One error body for the whole API, and the rule that picks its status.

Every refusal is a JSON object with `detail` (a sentence in the request's language), `error` (a stable code),
`field` (the field at fault, a dotted path for a nested one, or null) and, for a request that does not match
its schema, `errors` (every message, per field). Some refusals add their own keys (a deposit's `findings`, an
invoice's `status` and `allowed` transitions).

- **400** `invalid`: the request does not match the documented schema (a missing field, a value outside its
  type, format or enum, malformed JSON).
- **409** `conflict`: the target's current state forbids the change (an illegal transition, a stale version).
- **422** `refused`: the request matches the schema but is refused on its meaning (an unknown identifier, a
  SIRET whose key is wrong, a reason that a status requires, a business rule).

DRF's own refusals (401, 403, 404, 405, 415, 429…) go through `exception_handler`, set as DRF's
`EXCEPTION_HANDLER`; Django's error views under `/api/` answer the same body (`json_error`).
"""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorSerializer(serializers.Serializer):
    """The body of every API refusal (OpenAPI component `Error`)."""

    detail = serializers.CharField(help_text=gettext_lazy("Ce qui ne va pas, dans la langue de la requête."))
    error = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "Code stable : invalid, parse_error, refused, conflict, not_authenticated, "
            "authentication_failed, permission_denied, not_found, method_not_allowed, "
            "unsupported_media_type, throttled…"
        ),
    )
    field = serializers.CharField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Le champ en cause (chemin pointé pour un champ imbriqué), ou null."),
    )
    errors = serializers.DictField(
        required=False, help_text=gettext_lazy("Tous les messages, par champ (demande hors schéma).")
    )


class ApiError(exceptions.APIException):
    """A refusal with its field, its code and any extra keys for the body."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, detail, *, field: str | None = None, code: str | None = None, **extra):
        super().__init__(detail, code or self.default_code)
        self.field = field
        self.extra = extra


class Refused(ApiError):
    """422: the request matches its schema, its meaning is refused."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "refused"


class TooLarge(ApiError):
    """413: an upload past its size limit."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class Conflict(ApiError):
    """409: the target's current state forbids the change."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def error_body(detail, *, error: str, field: str | None = None, **extra) -> dict:
    return {"error": error, "detail": str(detail), "field": field, **extra}


def validation_body(errors) -> dict:
    """A serializer's or a form's errors (per field, possibly nested) as the error body."""
    field, message = _first(errors)
    return error_body(message, error="invalid", field=field, errors=_plain(errors))


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        response.data = error_body(exc.detail, error=exc.detail.code, field=exc.field, **exc.extra)
    elif isinstance(exc, exceptions.ValidationError):
        response.data = _validation(exc.detail)
    elif isinstance(response.data, dict) and "detail" in response.data:
        code = getattr(exc, "default_code", "error")
        detail = response.data["detail"]
        if isinstance(exc, exceptions.NotFound) or code == "not_found":
            # Django's Http404 carries the model's name in English: the API says the same thing for all.
            detail = exceptions.NotFound.default_detail
        response.data = {**response.data, **error_body(detail, error=getattr(detail, "code", None) or code)}
    return response


def _validation(detail) -> dict:
    if isinstance(detail, dict) and isinstance(detail.get("detail"), str):
        # `ValidationError({"detail": …, "field": …})`, as views raised before `ApiError`: DRF turns a None
        # field into the text "None", which no client expects.
        field = detail.get("field")
        return error_body(
            detail["detail"], error="invalid", field=None if field in (None, "None", "") else field
        )
    return validation_body(detail)


def _first(errors, path: str = "") -> tuple[str | None, str]:
    """The dotted path and message of the first error (depth first)."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = path if key in ("non_field_errors", "__all__") else (f"{path}.{key}" if path else str(key))
            field, message = _first(value, name)
            if message:
                return field, message
    elif isinstance(errors, list | tuple):
        for index, value in enumerate(errors):
            if isinstance(value, dict | list | tuple):
                field, message = _first(value, f"{path}.{index}" if path else str(index))
                if message:
                    return field, message
            elif value:
                return path or None, str(value)
    elif errors:
        return path or None, str(errors)
    return None, ""


def _plain(errors):
    if isinstance(errors, dict):
        return {str(key): _plain(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [_plain(value) for value in errors]
    return str(errors)


def json_error(request, status_code: int) -> JsonResponse:
    """Django's error views under /api/: the API's error body instead of an HTML page."""
    error = {
        400: exceptions.ParseError,
        403: exceptions.PermissionDenied,
        404: exceptions.NotFound,
        500: exceptions.APIException,
    }[status_code]
    code = "server_error" if status_code == 500 else error.default_code
    return JsonResponse(error_body(error.default_detail, error=code), status=status_code)
