"""No view sends a user to another site through a `next` parameter: every page of the portal is walked, by
GET and POST, anonymous and signed in, with `next` pointing elsewhere."""

import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import verified_client
from tests.factories_lifecycle import fresh_otp_client, world

pytestmark = pytest.mark.django_db

EVIL = "https://evil.example/phish"
HOSTILE_NEXTS = [EVIL, "//evil.example/phish", "/\\evil.example/phish", "https:evil.example"]
_FILLERS = {"uuid": str(uuid.uuid4()), "int": "2026", "listfmt": "csv", "historyfmt": "json"}
_CONVERTER = re.compile(r"<(?:(\w+):)?\w+>")


def _walk(patterns, prefix=""):
    for entry in patterns:
        route = getattr(entry.pattern, "_route", None)
        if route is None:  # regular-expression routes: the admin, the API router, i18n; they take no `next`
            continue
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + _CONVERTER.sub(lambda m: _FILLERS.get(m.group(1) or "str", "x"), prefix + route)


PAGES = sorted(set(_walk(get_resolver().url_patterns)))


_OFF_SITE_LINK = re.compile(
    r"""(?:href|action|formaction|content)\s*=\s*["'][^"']*?(?:https?:)?[/\\]{2}evil\.example""", re.I
)


def _off_site(response) -> bool:
    """A redirect or a link to the other host (an encoded `next` inside an on-site URL is fine)."""
    location = response.get("Location", "")
    target = urlsplit(location.replace("\\", "/"))
    if target.netloc and target.netloc != "testserver":
        return True
    body = response.content.decode(errors="replace") if not response.streaming else ""
    return bool(_OFF_SITE_LINK.search(body))


def test_the_walk_covers_the_portal():
    assert len(PAGES) > 40
    assert "/factures/recues/actions/" in PAGES and "/comptes/connexion/" in PAGES


@pytest.mark.parametrize("who", ["anonymous", "accountant", "supplier_user"])
def test_no_page_redirects_or_links_off_site_through_next(client, who):
    w = world()
    offenders = []
    for page in PAGES:
        for hostile in HOSTILE_NEXTS:
            user_client = Client() if who == "anonymous" else fresh_otp_client(Client(), w[who])
            for response in (
                user_client.get(page, {"next": hostile}),
                user_client.post(page, {"next": hostile}),
            ):
                if _off_site(response):
                    offenders.append((page, hostile, response.status_code, response.get("Location")))
    assert offenders == []


def test_the_bulk_action_with_nothing_selected_stays_on_the_site(client):
    w = world()
    response = verified_client(client, w["accountant"]).post("/factures/recues/actions/", {"next": EVIL})
    assert response.status_code == 302 and response["Location"] == "/factures/recues/"
