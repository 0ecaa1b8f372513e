"""API throttles: per token, per user (all of a person's tokens and sessions together), per address otherwise.

DRF keeps the counters in Django's default cache, shared by every worker when `CACHE_URL` points at Redis, and
a refusal is a 429 with `Retry-After` (DRF's `Throttled`). Rates come from `DEFAULT_THROTTLE_RATES`, read at
each request rather than at import (DRF's own classes freeze them), so that a settings change takes effect.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings

from accounts.client_ip import ratelimit_ip


class _RatesFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return ratelimit_ip(request)  # the same address as the login limits, through the trusted proxies


class TokenRateThrottle(_RatesFromSettings, throttling.SimpleRateThrottle):
    """One bucket per API token: a runaway script is stopped without starving its owner's other tokens."""

    scope = "token"

    def get_cache_key(self, request, view):
        from accounts.models import ApiToken

        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class UserRateThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    """One bucket per account, whatever the token or session: more tokens buy no more requests."""


class AnonRateThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    """The few endpoints open without authentication (the schema), per client address."""
