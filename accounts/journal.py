"""The security journal: one row per thing that happened to an account, for its owner and for support."""

from accounts.client_ip import client_ip
from accounts.models import SecurityEvent

_KINDS = frozenset(SecurityEvent.Kind.values)


def log_event(user, kind, request=None, detail="", actor=None) -> SecurityEvent:
    """Write one journal entry on `user`'s account.

    `actor` is who did it when it is not the account owner (a manager, support staff); it defaults to the
    request's authenticated user.
    """
    if kind not in _KINDS:
        raise ValueError(f"Unknown security event kind: {kind!r}")
    if actor is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            actor = request_user
    return SecurityEvent.objects.create(
        user=user,
        kind=kind,
        ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        detail=str(detail)[:500],
        actor=actor,
    )


def events_for_user(user):
    """The user's own journal, newest first (never anyone else's)."""
    return SecurityEvent.objects.filter(user=user).select_related("actor").order_by("-at", "-pk")
