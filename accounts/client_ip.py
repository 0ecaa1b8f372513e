"""The client's address, as seen through the reverse proxies the deployment declares.

Each trusted proxy appends the address it received the request from to `X-Forwarded-For`; the client is
therefore the entry `CHORALE_TRUSTED_PROXIES` hops from the right of [X-Forwarded-For…, REMOTE_ADDR].
Anything further left was written by the client and is never believed. With no proxy declared, the header is
ignored. REMOTE_ADDR is empty behind gunicorn on a Unix socket: that is not an error, the address is unknown.

Used by the security journal, django-ratelimit (`RATELIMIT_IP_META_KEY`) and the API throttles, so that every
count is kept on the same address.
"""

import ipaddress
import logging

from django.conf import settings

log = logging.getLogger(__name__)

# What rate limits key on when the address is unknown: such requests share one bucket rather than none.
UNKNOWN = "0.0.0.0"  # noqa: S104 -- a bucket name, nothing binds to it


def _ip(value: str) -> str | None:
    """`value` as a canonical IP address, or None. Tolerates the port and brackets some proxies add."""
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def pick(remote_addr: str | None, forwarded_for: str | None, trusted_proxies: int) -> str | None:
    """The client address among the hops, or None when it cannot be known (pure, known-answer tested)."""
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()] if trusted_proxies else []
    hops.append(remote_addr or "")
    # With fewer hops than declared proxies, the request bypassed some: the leftmost is the best we know.
    index = max(0, len(hops) - 1 - trusted_proxies)
    return _ip(hops[index])


def trusted_proxies() -> int:
    return max(0, int(getattr(settings, "CHORALE_TRUSTED_PROXIES", 0)))


def client_ip(request) -> str | None:
    """The client address of `request`, or None when it is unknown."""
    if request is None:
        return None
    meta = request.META
    return pick(meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR"), trusted_proxies())


def ratelimit_ip(request) -> str:
    """For django-ratelimit (`RATELIMIT_IP_META_KEY`): never empty, so that no rate limit raises."""
    ip = client_ip(request)
    if ip is None:
        log.warning(
            "client address unknown (REMOTE_ADDR=%r): set CHORALE_TRUSTED_PROXIES to the number of proxies",
            request.META.get("REMOTE_ADDR"),
        )
        return UNKNOWN
    return ip
