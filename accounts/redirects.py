"""Where a `next` parameter may send a user: only back into this site, never to a host an attacker chose."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str, *, refused_prefixes: tuple[str, ...] = ()) -> str:
    """The request's `next` (POST, then GET) when it stays on this site, else `default`.

    Django's check refuses other hosts and schemes, `//host` spellings and control characters; a relative
    path is also required, so that a same-host absolute URL cannot switch to plain HTTP.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not target or not target.startswith("/"):
        return default
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not safe or target.startswith(refused_prefixes):
        return default
    return target
