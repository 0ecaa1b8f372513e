"""Query parameters read the way the schema documents them: a value outside its type or enum is a 400.

A list endpoint that silently ignored `?status=unknown` would answer a client's typo with everything; the
schema promises an enum, so anything else is refused and named (`accounts.api.errors`). A typed parameter
(an enum, an id, a number, a date) given with an empty value is refused too: the empty text is none of them.
"""

import uuid

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError


def _empty() -> str:
    return _("Ce paramètre ne peut pas être vide.")


def _given(params, name: str) -> str | None:
    """The parameter's value, None when absent; an empty value is refused."""
    if name not in params:
        return None
    value = params.get(name)
    if value == "":
        raise ValidationError({name: [_empty()]})
    return value


def choice(params, name: str, choices) -> str:
    """The parameter's value among `choices`, or "" when absent."""
    value = _given(params, name)
    if value is None:
        return ""
    if value not in choices:
        message = _("« %(value)s » n'est pas un choix valide : %(choices)s.")
        raise ValidationError({name: [message % {"value": value, "choices": ", ".join(choices)}]})
    return value


def uuid_param(params, name: str) -> uuid.UUID | None:
    value = _given(params, name)
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({name: [_("Un identifiant (UUID) est attendu.")]}) from None


def integer(params, name: str, *, default: int, minimum: int, maximum: int) -> int:
    value = _given(params, name)
    if value is None:
        return default
    number = int(value) if value.isascii() and value.isdigit() else None
    if number is None or not minimum <= number <= maximum:
        message = _("Un entier entre %(min)d et %(max)d est attendu.")
        raise ValidationError({name: [message % {"min": minimum, "max": maximum}]})
    return number


def refuse_empty(params, names) -> None:
    """Refuse any of `names` given empty (the typed filters that django-filter would silently skip)."""
    empty = [name for name in names if name in params and "" in params.getlist(name)]
    if empty:
        raise ValidationError({name: [_empty()] for name in empty})
