"""Template context shared by every page."""

from django.utils.functional import SimpleLazyObject

from accounts import access


def _entries(user) -> dict[str, bool]:
    """Which entries of the main navigation lead somewhere for `user`: each needs its right in one structure.

    Invoices are addressed, and PES files written, only for public structures: a supplier's manager, who holds
    every right in the company, is not offered received invoices or the PES export.
    """
    grants = access.access_of(user).grants()

    def held(right: str, *, public_only: bool = False) -> bool:
        return any(g.has(right) and (g.structure.is_public or not public_only) for g in grants)

    return {
        "deposit": held(access.DEPOSIT),
        "received": held(access.TRIAGE, public_only=True),
        "pes": held(access.EXPORT_PES, public_only=True),
        "archives": held(access.MANAGE) or held(access.TRIAGE),
        "accountant": held(access.PUBLIC_ACCOUNTANT, public_only=True),
    }


def navigation(request) -> dict:
    """`nav_entries`, computed only when a page shows the navigation (from the user's access)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_entries": SimpleLazyObject(lambda: _entries(user))}
