"""Words about people fit everyone: no participle that assumes the reader or the person named is a man."""

import re

import pytest

from accounts.models import AttachmentRequest
from tests.conftest import REPO_DIR, verified_client
from tests.factories import UserFactory

# "est rattaché", "n'êtes rattaché", "être rattaché"… said of a person; "votre compte est rattaché" is fine.
_PERSON_PARTICIPLE = re.compile(
    r"(?<!compte )(?<!compte n')\b(êtes|est|être|serez|sera)( déjà| désormais)? "
    r"(rattaché|connecté|déconnecté|informé|prévenu)s?\b"
)


def _french_sources():
    for folder in ("accounts", "invoices", "templates", "portal"):
        for path in sorted((REPO_DIR / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
                yield path


def test_no_french_text_gives_a_person_a_masculine_participle():
    found = [
        f"{path.relative_to(REPO_DIR)}:{n}: {line.strip()}"
        for path in _french_sources()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _PERSON_PARTICIPLE.search(line)
    ]
    assert found == []


@pytest.mark.django_db
def test_accepting_a_request_says_the_attachment_is_accepted(client, public_structure):
    marie = UserFactory(first_name="Marie", last_name="Lefebvre", email="marie@example.test")
    pending = AttachmentRequest.objects.create(user=marie, structure=public_structure)
    verified_client(client, public_structure.principal_manager)
    response = client.post(
        f"/comptes/structures/{public_structure.uuid}/demandes/{pending.uuid}/",
        {"role": "utilisateur", "rights": ["triage"]},
        follow=True,
    )
    page = response.content.decode()
    assert "Rattachement de Marie Lefebvre accepté." in page
    assert "est rattaché" not in page
