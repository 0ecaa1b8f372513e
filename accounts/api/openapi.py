"""The schema generator of the API (DRF's `DEFAULT_SCHEMA_CLASS`): the schema says what the answers are.

drf-spectacular describes the success answer of each operation; this class adds what it leaves out, so that
an endpoint written the usual way is described completely without repeating decorators:

- every refusal an operation can answer, with the API's error body (`accounts.api.errors.ErrorSerializer`):
  400 and 415 where a body or query parameters are read, 401 and 403 where authentication is required, 404
  where the path or the body names an object, 422 where a body is submitted, 429 where throttles apply,
  503 everywhere (the database is unreachable: `portal.middleware`). A response the view documents itself is
  kept as is; one documented without a body gets the error body. A view that answers its errors in another
  shape sets `default_error_responses = False`.
- request bodies in JSON only when the view reads JSON: form encodings cannot say `null`, so a client that
  follows the schema gets exactly what the serializer validates. Upload endpoints keep their multipart body.
- decimals as text that Django reads (drf-spectacular's pattern also admits "." alone), and required texts
  that are more than white space (DRF trims them, then finds them blank).
- lists that refuse to be empty (`allow_empty=False`, `min_length`, `max_length` on a nested serializer)
  carry `minItems` / `maxItems`.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import is_list_serializer
from rest_framework import serializers

from accounts.api.errors import ErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "Demande hors schéma : champ manquant, valeur hors de son type, de son format ou de ses valeurs "
    "possibles, JSON illisible (`errors` les donne toutes, par champ).",
    "401": "Authentification absente, ou jeton invalide, expiré ou révoqué.",
    "403": "Authentifié, mais le rôle ou les droits ne permettent pas cette opération.",
    "404": "Objet inconnu, ou invisible pour l'appelant.",
    "409": "L'état actuel de l'objet ne permet pas ce changement.",
    "415": "Type de contenu non pris en charge.",
    "422": "Demande conforme au schéma mais refusée sur le fond (identifiant inconnu, règle métier).",
    "429": "Trop de requêtes : réessayez après le délai de Retry-After.",
    "503": "Service momentanément indisponible : réessayez après le délai de Retry-After.",
}
RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Secondes à attendre avant de réessayer."}
}
HEADERS = {
    "401": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Le schéma attendu (Bearer)."}},
    "429": RETRY_AFTER,
    "503": RETRY_AFTER,
}
JSON = "application/json"
# "Contains a character that is not white space", white space being what DRF trims (Python's `str.strip`):
# a required text of spaces only is refused as blank.
NOT_BLANK = (
    "[^\\t\\n\\u000b\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000]"
)


def _trimmed_and_required(field) -> bool:
    """A text field that DRF trims, then refuses when nothing is left."""
    return (
        isinstance(field, serializers.CharField)
        and getattr(field, "trim_whitespace", False)
        and not field.allow_blank
        and not field.read_only
    )


def _plain_text(schema) -> bool:
    shaped = {"pattern", "format", "enum"} & set(schema) if isinstance(schema, dict) else True
    return isinstance(schema, dict) and schema.get("type") == "string" and not shaped


def decimal_pattern(max_digits: int | None, decimal_places: int | None) -> str:
    """A decimal as text, as Django reads it (drf-spectacular's own pattern also admits "." and "-")."""
    places = decimal_places or 0
    whole = f"\\d{{1,{max_digits - places}}}" if max_digits else "\\d+"
    if not places:
        return f"^-?{whole}$"
    return f"^-?(?:{whole}(?:\\.\\d{{0,{places}}})?|\\.\\d{{1,{places}}})$"


class ChoraleAutoSchema(AutoSchema):
    def map_parsers(self):
        media_types = super().map_parsers()
        return [JSON] if JSON in media_types else media_types

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None or not getattr(self.view, "default_error_responses", True):
            return operation
        error = {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}
        responses = operation["responses"]
        for code in self._error_codes(operation):
            response = responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code]})
            if not response.get("content"):
                response["content"] = {JSON: error}
            response["description"] = response.get("description") or ERROR_DESCRIPTIONS[code]
            for name, header in HEADERS.get(code, {}).items():
                response.setdefault("headers", {}).setdefault(name, header)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_codes(self, operation) -> list[str]:
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        codes = {"503"}
        if has_body or any(p.get("in") in ("query", "header") for p in parameters):
            codes.add("400")
        if has_body:
            codes.update(("415", "422"))
        if has_body or any(p.get("in") == "path" for p in parameters):
            codes.add("404")  # the path, or the body, names an object the caller may not see
        if any(requirement for requirement in operation.get("security", [])):
            codes.update(("401", "403"))
        if self.view.get_throttles():
            codes.add("429")
        # A code the view documents without a body (a description only) still gets the error body.
        codes.update(code for code in operation["responses"] if code in ERROR_DESCRIPTIONS)
        return sorted(codes)

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(schema, dict) and isinstance(field, serializers.DecimalField) and "pattern" in schema:
            schema["pattern"] = decimal_pattern(field.max_digits, field.decimal_places)
        if direction == "request" and _trimmed_and_required(field) and _plain_text(schema):
            schema["pattern"] = NOT_BLANK
        if not isinstance(schema, dict) or schema.get("type") != "array":
            return schema
        if isinstance(field, serializers.ListField | serializers.ListSerializer) or is_list_serializer(field):
            minimum = getattr(field, "min_length", None) or (0 if field.allow_empty else 1)
            if minimum and minimum > schema.get("minItems", 0):
                schema["minItems"] = minimum
            maximum = getattr(field, "max_length", None)
            if maximum is not None and "maxItems" not in schema:
                schema["maxItems"] = maximum
        return schema
