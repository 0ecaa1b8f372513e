"""Helpers for the structures tests: attachments with given rights, a fresh second factor, a token client."""

import re

from django.contrib.admindocs.views import simplify_regex
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from django.utils import timezone

from accounts import twofactor
from accounts.models import Membership
from tests.conftest import verified_client
from tests.factories import UserFactory


def attach(user, structure, *, role=Membership.Role.USER, services=(), **rights) -> Membership:
    """An active membership of `user` in `structure` (rights default to the model's)."""
    membership, _created = Membership.objects.update_or_create(
        user=user, structure=structure, defaults={"role": role, "is_active": True, **rights}
    )
    membership.services.set(services)
    return membership


def member(structure, **kwargs):
    """A new person attached to `structure`."""
    user = UserFactory()
    attach(user, structure, **kwargs)
    return user


def with_fresh_otp(client, user):
    """A verified client whose second factor was just given again (for sensitive actions)."""
    verified_client(client, user)
    session = client.session
    session[twofactor.RECENT_OTP_SESSION_KEY] = timezone.now().timestamp()
    session.save()
    return client


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# URL routes of the whole project, for tests that must cover endpoints added by any app.

ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


def project_routes() -> list[str]:
    """Every route as a path template without leading slash: `<converter:name>` or `<name>` per parameter.

    Regex routes (DRF's default routers) are simplified the way Django's admindocs does; DRF's format-suffix
    twins (`.json`) are left out.
    """

    def walk(patterns, prefix):
        for entry in patterns:
            segment = str(entry.pattern)
            if isinstance(entry.pattern, RegexPattern):
                segment = simplify_regex(segment)
                segment = segment[1:] if segment.startswith("/") else segment
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + segment)
            elif isinstance(entry, URLPattern):
                yield prefix + segment

    routes = {r for r in walk(get_resolver().url_patterns, "") if "format" not in route_params(r)}
    return sorted(routes)


def route_params(route: str) -> dict[str, str | None]:
    """Parameter name → converter (None for regex groups)."""
    return {m["name"]: m["converter"] for m in ROUTE_PARAM.finditer(route)}
