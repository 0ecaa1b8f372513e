"""A server process loads the portal, then puts what it loaded out of the garbage collector's reach, so that
a full collection triggered by a request's garbage does not walk all of Django again (portal/startup.py)."""

import subprocess
import sys

import pytest

from tests.conftest import REPO_DIR


@pytest.mark.parametrize("entry", ["portal.wsgi", "portal.asgi"])
def test_loading_the_server_entry_point_freezes_what_it_loaded(entry):
    code = f"import gc, {entry}; print(gc.get_freeze_count())"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_DIR, capture_output=True, text=True, timeout=120, check=True
    )

    assert int(out.stdout.strip().splitlines()[-1]) > 50_000
