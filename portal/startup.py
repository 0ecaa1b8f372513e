"""What a server process does once the portal is loaded, before it serves anything."""

import gc

from django.urls import get_resolver


def freeze_loaded_objects() -> int:
    """Put everything loaded so far (Django, the apps, the URL patterns) out of the garbage collector's reach.

    A full collection otherwise walks those few hundred thousand objects each time the requests' own cyclic
    garbage triggers one: measured at ≈110 ms added to one API list request in twenty (bench/triage.py), and
    ≈25 ms once frozen. `portal.wsgi` and `portal.asgi` call it once the application is loaded (in each
    gunicorn worker; with `--preload`, in the master before the fork, which also keeps those pages shared).
    Returns how many objects were frozen.
    """
    get_resolver().url_patterns  # noqa: B018  (loads every URL module now, not on the first request)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
