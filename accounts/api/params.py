"""Query parameters read the way the schema documents them: a value outside its type or enum is a 400.

A list endpoint that silently ignored `?status=unknown` would answer a client's typo with everything; the
schema promises an enum, so anything else is refused and named (`accounts.api.errors`).
"""

import uuid

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError


def choice(params, name: str, choices) -> str:
    """The parameter's value among `choices`, or "" when absent or empty."""
    value = params.get(name, "")
    if value and value not in choices:
        raise ValidationError(
            {
                name: [
                    _("« %(value)s » n'est pas un choix valide : %(choices)s.")
                    % {"value": value, "choices": ", ".join(choices)}
                ]
            }
        )
    return value


def uuid_param(params, name: str) -> uuid.UUID | None:
    value = params.get(name, "")
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({name: [_("Un identifiant (UUID) est attendu.")]}) from None


def integer(params, name: str, *, default: int, minimum: int, maximum: int) -> int:
    value = params.get(name, "")
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not minimum <= number <= maximum:
        raise ValidationError(
            {name: [_("Un entier entre %(min)d et %(max)d est attendu.") % {"min": minimum, "max": maximum}]}
        )
    return number
