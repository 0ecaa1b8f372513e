"""Shared personas and helpers for the test suite."""

import os
from pathlib import Path

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership
from tests.factories import (
    MembershipFactory,
    PublicStructureFactory,
    ServiceFactory,
    StructureFactory,
    UserFactory,
)

REPO_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_DIR.parent / "shared"
PASSWORD = "correct horse battery staple"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/, or a skip with a clear message when it is absent."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} is absent: this test needs the shared third-party material")
    return path


def token_client(user):
    """An API client authenticated by a fresh personal API token of `user`."""
    from rest_framework.test import APIClient

    from accounts.api.authentication import hash_token, new_token
    from accounts.models import ApiToken

    raw = new_token()
    ApiToken.objects.create(user=user, name="test", prefix=raw[:12], key_hash=hash_token(raw))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


def verified_client(client, user):
    """A test client logged in with password and a confirmed TOTP device (second factor passed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Test app", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """A file, not memory, for the SQLite test database when worker processes share it (`queue` tests)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if (
        database["ENGINE"].endswith("sqlite3")
        and not database["TEST"].get("NAME")
        and any(item.get_closest_marker("queue") for item in request.session.items)
    ):
        database["TEST"]["NAME"] = str(tmp_path_factory.mktemp("sqlite") / "test_chorale.sqlite3")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _french_by_default():
    """A request in English leaves English active in the thread: every test starts in the default language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def supplier_structure(db):
    return StructureFactory(name="Fournisseur SARL")


@pytest.fixture
def public_structure(db):
    return PublicStructureFactory(name="Commune de Test")


@pytest.fixture
def service(public_structure):
    return ServiceFactory(structure=public_structure, code="SERV01", name="Services techniques")


@pytest.fixture
def supplier(supplier_structure):
    """A supplier user (the principal manager of the supplier company)."""
    return supplier_structure.principal_manager


@pytest.fixture
def accountant(public_structure):
    """A public-entity accountant with triage and PES export rights on every service."""
    return MembershipFactory(
        structure=public_structure, role=Membership.Role.USER, can_triage=True, can_export_pes=True
    ).user


@pytest.fixture
def outsider(db):
    """A user of another structure."""
    return StructureFactory(name="Autre structure").principal_manager


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def verified(client):
    return lambda user: verified_client(client, user)


def pytest_report_header(config):
    return f"database: {os.environ.get('DATABASE_URL', 'sqlite (default)')}"


def _flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    return bool(transactional) or bool({"transactional_db", "live_server"} & set(item.fixturenames))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Let the test runner's flush empty the voucher tables on SQLite, and only the flush.

    The database refuses to delete vouchers (`invoices.storage.conservation`); PostgreSQL's flush is a
    TRUNCATE, which the guard leaves alone, but SQLite's is a DELETE. A permit is opened just before a
    transactional test's flush and closed right after it, so no other test ever runs with one.
    """
    if not _flushes_the_database(item):
        return (yield)
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    from invoices.storage.conservation import SQLITE_PERMIT_TABLE

    blocker = item.config.stash[blocking_manager_key]
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        _permit(blocker, connection, f"INSERT INTO {SQLITE_PERMIT_TABLE} (opened) VALUES (1)")
    try:
        return (yield)
    finally:
        if sqlite:
            _permit(blocker, connection, f"DELETE FROM {SQLITE_PERMIT_TABLE}")


def _permit(blocker, connection, sql: str) -> None:
    import contextlib

    from django.db import DatabaseError

    # No test database set up for this test: nothing to flush, nothing to permit.
    with blocker.unblock(), connection.cursor() as cursor, contextlib.suppress(DatabaseError):
        cursor.execute(sql)
