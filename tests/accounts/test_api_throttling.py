"""The API throttles each token and each user on the shared cache, and says when to come back."""

import pytest
from django.core.cache import cache

from tests.conftest import token_client, verified_client

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": "1000/min", "user": "1000/min", "token": "1000/min", **rates},
        }

    return set_rates


def test_a_token_past_its_rate_gets_429_with_retry_after(rates, supplier):
    rates(token="3/min")
    api = token_client(supplier)
    assert [api.get(ME).status_code for _i in range(3)] == [200, 200, 200]
    refused = api.get(ME)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60


def test_each_token_has_its_own_bucket(rates, supplier):
    rates(token="2/min")
    first, second = token_client(supplier), token_client(supplier)
    first.get(ME), first.get(ME)
    assert first.get(ME).status_code == 429
    assert second.get(ME).status_code == 200


def test_a_user_cannot_multiply_the_rate_with_more_tokens(rates, supplier):
    rates(user="4/min")
    tokens = [token_client(supplier) for _i in range(5)]
    statuses = [api.get(ME).status_code for api in tokens]
    assert statuses == [200, 200, 200, 200, 429]
    assert "Retry-After" in tokens[-1].get(ME)


def test_a_session_counts_in_the_user_bucket(rates, client, supplier):
    rates(user="2/min")
    token_client(supplier).get(ME)
    verified_client(client, supplier)
    assert client.get(ME).status_code == 200
    assert client.get(ME).status_code == 429


def test_other_users_are_not_slowed_down(rates, supplier, other_user):
    rates(user="1/min")
    token_client(supplier).get(ME)
    assert token_client(supplier).get(ME).status_code == 429
    assert token_client(other_user).get(ME).status_code == 200


def test_the_counters_live_in_the_shared_cache(rates, supplier):
    rates(token="1/min")
    api = token_client(supplier)
    api.get(ME)
    assert api.get(ME).status_code == 429
    cache.clear()  # what every worker sees: the default cache (Redis in production)
    assert api.get(ME).status_code == 200


def test_rates_have_defaults_for_every_scope(settings):
    assert {"anon", "user", "token"} <= set(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
