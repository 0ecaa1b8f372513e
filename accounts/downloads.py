"""Downloads behind a fresh second factor that bring the person back to the page they came from.

Asking for the second factor in the middle of a download used to leave the person on the code form: the
form sent them on to the file, the browser saved it and stayed on the form. Now the download is remembered
(in the session, never in the URL: nobody can make a page start another download), the form sends them back
to the page they clicked on, and that page says "Fichier téléchargé" and starts the file with our own
script (`static/js/chorale.js`, `data-autodownload`; the link works without it).
"""

from functools import wraps
from urllib.parse import quote, urlsplit

from django.shortcuts import redirect
from django.urls import reverse

from accounts.twofactor import has_recent_otp

PENDING_KEY = "chorale_pending_download"


def reverify_then_back(request, back_url: str):
    """Ask for the second factor, then return to `back_url`, which will start this request's download."""
    request.session[PENDING_KEY] = {"path": request.get_full_path(), "back": urlsplit(back_url).path}
    return redirect(f"{reverse('accounts:reverify')}?next={quote(back_url)}")


def require_recent_otp_download(back):
    """Like `twofactor.require_recent_otp`, for a download: `back(request, *args, **kwargs)` is the URL of
    the page the person downloads from (the view must have answered 404 to outsiders before)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if has_recent_otp(request):
                return view(request, *args, **kwargs)
            return reverify_then_back(request, back(request, *args, **kwargs))

        return wrapper

    return decorator


def pending_download(request) -> dict:
    """Context processor: on the page a download was asked from, once the second factor is given again,
    `pending_download` is the download's URL (once: it is taken out of the session)."""
    session = getattr(request, "session", None)
    pending = session.get(PENDING_KEY) if session is not None else None
    if not isinstance(pending, dict) or pending.get("back") != request.path or not has_recent_otp(request):
        return {}
    del session[PENDING_KEY]
    return {"pending_download": pending.get("path", "")}
