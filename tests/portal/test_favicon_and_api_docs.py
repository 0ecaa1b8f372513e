"""Our own icon at /favicon.ico, and API docs that need no inline style or script (the CSP allows none)."""

import re

import pytest

from tests.conftest import verified_client


@pytest.mark.django_db
def test_favicon_ico_leads_to_our_icon_without_logging_in(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/img/favicon.svg"


def test_the_icon_is_in_the_static_files():
    from django.contrib.staticfiles import finders

    assert finders.find("img/favicon.svg")


@pytest.mark.django_db
def test_the_swagger_page_has_no_inline_style_or_script(client, supplier):
    page = verified_client(client, supplier).get("/api/docs/").content.decode()
    assert "<style" not in page and " style=" not in page
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert "/static/css/swagger.css" in page and "swagger-ui-bundle.js" in page
    csp = client.get("/api/docs/")["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
