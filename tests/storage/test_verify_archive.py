"""`verify_archive` re-hashes every kept file and fails loudly on a file altered, resized or gone."""

import pytest
from django.core.management import CommandError, call_command

from tests.factories_lifecycle import invoice_in

pytestmark = pytest.mark.django_db


def test_it_passes_when_every_file_matches_its_fingerprint(capsys):
    invoice_in()
    invoice_in()
    call_command("verify_archive")
    assert "2 fichier(s) vérifié(s), 0 en défaut" in capsys.readouterr().out


def test_it_fails_on_a_file_altered_on_disk_and_names_it(capsys):
    intact = invoice_in()
    altered = invoice_in()
    path = altered.original.file.path
    with open(path, "r+b") as handle:
        first = handle.read(1)
        handle.seek(0)
        handle.write(bytes([first[0] ^ 0xFF]))  # same size, one byte flipped
    with pytest.raises(CommandError, match="1 fichier"):
        call_command("verify_archive")
    err = capsys.readouterr().err
    assert str(altered.original.uuid) in err and "SHA-256" in err
    assert str(intact.original.uuid) not in err


def test_it_fails_on_a_missing_file(capsys):
    gone = invoice_in()
    import os

    os.remove(gone.original.file.path)
    with pytest.raises(CommandError):
        call_command("verify_archive")
    assert "absent" in capsys.readouterr().err
