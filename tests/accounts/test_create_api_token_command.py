"""`manage.py create_api_token`: provisions a technical account and prints its token alone on stdout."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, User
from tests.factories import PublicStructureFactory

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_only_the_token(client):
    structure = PublicStructureFactory()
    out, err = _run(
        "--structure", structure.identifier, "--name", "Progiciel", "--rights", "triage,export_pes"
    )
    token = out.strip()
    assert out == token + "\n"
    assert token.startswith("chor_") and " " not in token
    assert err == ""
    account = User.objects.get(kind=User.Kind.TECHNICAL)
    membership = Membership.objects.get(user=account)
    assert (
        membership.structure,
        membership.can_triage,
        membership.can_export_pes,
        membership.can_deposit,
    ) == (
        structure,
        True,
        True,
        False,
    )
    response = client.get("/api/v1/structures/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [s["id"] for s in response.json()] == [str(structure.uuid)]


def test_the_siret_may_be_typed_with_spaces():
    structure = PublicStructureFactory()
    spaced = " ".join([structure.identifier[:3], structure.identifier[3:9], structure.identifier[9:]])
    out, _err = _run("--structure", spaced, "--name", "Robot")
    assert out.startswith("chor_")
    assert Membership.objects.get(user__kind=User.Kind.TECHNICAL).can_deposit


def test_an_unknown_structure_is_an_error_and_prints_no_token():
    out = io.StringIO()
    with pytest.raises(CommandError, match="Aucune structure"):
        call_command("create_api_token", "--structure", "73282932000074", "--name", "Robot", stdout=out)
    assert out.getvalue() == ""
    assert not User.objects.filter(kind=User.Kind.TECHNICAL).exists()


def test_an_unknown_right_is_an_error():
    structure = PublicStructureFactory()
    with pytest.raises(CommandError, match="Droit inconnu"):
        _run("--structure", structure.identifier, "--name", "Robot", "--rights", "deposit,everything")
    assert not User.objects.filter(kind=User.Kind.TECHNICAL).exists()


def test_from_a_shell_the_token_alone_goes_to_stdout_and_errors_to_stderr(tmp_path):
    """The command as an operator's script runs it: a real process, its own throwaway SQLite database."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO_DIR

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "CHORALE_TESTING": "1"}
    env.pop("TEST_DATABASE_NAME", None)

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert manage("migrate", "--noinput").returncode == 0
    created = manage(
        "shell",
        "-c",
        "from accounts.models import User, Structure;"
        "u = User.objects.create_user('cli@example.test', 'x');"
        "Structure.objects.create(kind='public', identifier='73282932000074', name='CLI',"
        " principal_manager=u)",
    )
    assert created.returncode == 0, created.stderr

    ok = manage(
        "create_api_token", "--structure", "732 829 320 00074", "--name", "Script", "--rights", "deposit"
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("chor_") and ok.stdout.count("\n") == 1 and len(ok.stdout.split()) == 1

    failed = manage("create_api_token", "--structure", "41234567800012", "--name", "Script")
    assert failed.returncode != 0
    assert failed.stdout == ""
    assert "Aucune structure" in failed.stderr
