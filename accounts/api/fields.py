"""Request serializers that take JSON values in the types the schema states.

DRF coerces what it can: a CharField turns 12 into "12", a BooleanField takes 0 and 1, a UUIDField takes an
integer (and `false`, a bool being an int). The schema says string, boolean, uuid string: a client that sends
another type has misread it, and is told so (400, the field named) rather than guessed at. A text's length is
that of what was sent, as the schema's `maxLength` counts it (DRF trims a text before it checks its length).
Only JSON bodies are checked: in a form or a query string every value is text.
"""

from collections.abc import Mapping

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import serializers

TEXT_FIELDS = (
    serializers.CharField,
    serializers.UUIDField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.TimeField,
    serializers.ChoiceField,
)


def _type_error(field, value) -> str | None:
    """What is wrong with the JSON type of `value` for `field`; None when it is the documented one."""
    if value is None:
        return None  # the field's own `allow_null` decides
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else _("Un booléen (true ou false) est attendu.")
    if isinstance(field, serializers.IntegerField):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else _("Un nombre entier est attendu.")
    if isinstance(field, TEXT_FIELDS) and not isinstance(field, serializers.MultipleChoiceField):
        if not isinstance(value, str):
            return _("Une chaîne de caractères est attendue.")
        limit = getattr(field, "max_length", None)
        if isinstance(field, serializers.CharField) and limit is not None and len(value) > limit:
            return str(field.error_messages["max_length"]).format(max_length=limit)
        return None
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        for item in value:
            error = _type_error(field.child, item)
            if error:
                return error
    return None


class StrictSerializer(serializers.Serializer):
    """A request serializer whose fields refuse JSON values of another type than the schema's."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and not isinstance(data, QueryDict):
            errors = {}
            for field in self._writable_fields:
                if field.field_name in data:
                    error = _type_error(field, data[field.field_name])
                    if error:
                        errors[field.field_name] = [error]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
