"""A person claims the principal-manager role of a public structure; support approves or refuses it."""

import hashlib

import pytest
from django.core.files.storage import default_storage

from accounts import claims, public_structures, services
from accounts.models import Membership, PrincipalClaim, SecurityEvent
from tests.accounts.claim_helpers import PDF, awaiting_claim
from tests.factories import PublicStructureFactory, StructureFactory, UserFactory, support_user

pytestmark = pytest.mark.django_db


def submit(user, structure, document=PDF, **kwargs):
    kwargs.setdefault("function", "Maire")
    return claims.submit_claim(user, structure, document_name="délégation.pdf", document=document, **kwargs)


def test_a_claim_keeps_its_document_byte_for_byte_with_its_sha256(
    mailoutbox, django_capture_on_commit_callbacks
):
    structure = awaiting_claim(name="Commune de Villebelle")
    claimant = UserFactory(email="maire@villebelle.test")

    with django_capture_on_commit_callbacks(execute=True):
        claim = submit(claimant, structure, message="Élue en mars.")

    assert claim.status == PrincipalClaim.Status.PENDING
    assert (claim.document_name, claim.document_size) == ("délégation.pdf", len(PDF))
    assert claim.document_sha256 == hashlib.sha256(PDF).hexdigest()
    with default_storage.open(claim.document.name, "rb") as stored:
        assert stored.read() == PDF
    assert "délégation" not in claim.document.name  # stored under a name of ours, never the uploaded one
    event = SecurityEvent.objects.get(user=claimant, kind=SecurityEvent.Kind.CLAIM_SUBMITTED)
    assert "Commune de Villebelle" in event.detail and claim.document_sha256 in event.detail
    assert [mail.to for mail in mailoutbox] == [["maire@villebelle.test"]]
    assert "Commune de Villebelle" in mailoutbox[0].subject
    structure.refresh_from_db()
    assert structure.principal_manager == support_user()  # nothing changes until support decides


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (b"", "vide"),
        (b"GIF89a not a pdf", "doit être un PDF"),
        (b"%PDF-1.4\n" + b"0" * 2048, "dépasse 1,0"),
    ],
)
def test_the_document_must_be_a_pdf_within_the_limit(settings, document, expected):
    settings.CHORALE_CLAIM_MAX_BYTES = 1024
    structure = awaiting_claim()

    with pytest.raises(services.StructureError) as raised:
        submit(UserFactory(), structure, document=document)

    assert expected in raised.value.message and raised.value.field == "document"
    assert not PrincipalClaim.objects.exists()


def test_a_private_company_is_not_claimed():
    with pytest.raises(services.StructureError) as raised:
        submit(UserFactory(), StructureFactory())
    assert "demandez un rattachement" in raised.value.message


def test_one_pending_claim_per_person_and_structure_and_no_orphan_file(settings):
    structure = awaiting_claim()
    claimant = UserFactory()
    submit(claimant, structure)

    with pytest.raises(services.StructureError) as raised:
        submit(claimant, structure)

    assert "déjà en attente" in raised.value.message
    assert PrincipalClaim.objects.count() == 1
    claims_dir = settings.MEDIA_ROOT / "claims"
    assert len([p for p in claims_dir.rglob("*") if p.is_file()]) == 1


def test_a_technical_account_cannot_claim():
    robot = UserFactory(kind="technical")
    with pytest.raises(services.NotAllowed):
        submit(robot, awaiting_claim())


def test_approval_makes_the_claimant_principal_manager_and_retires_support(
    mailoutbox, django_capture_on_commit_callbacks
):
    structure = awaiting_claim(name="Commune de Villebelle")
    support = structure.principal_manager
    reviewer = UserFactory(email="relecteur@support.test", is_staff=True)
    claimant = UserFactory(email="maire@villebelle.test")
    claim = submit(claimant, structure)

    with django_capture_on_commit_callbacks(execute=True):
        claims.approve_claim(claim, actor=reviewer)

    structure.refresh_from_db()
    claim.refresh_from_db()
    assert structure.principal_manager == claimant
    assert not public_structures.is_awaiting_claim(structure)
    assert (claim.status, claim.decided_by) == (PrincipalClaim.Status.APPROVED, reviewer)
    mine = Membership.objects.get(structure=structure, user=claimant)
    assert (mine.role, mine.is_active, mine.can_export_pes) == (Membership.Role.MANAGER, True, True)
    assert not Membership.objects.get(structure=structure, user=support).is_active
    approved = SecurityEvent.objects.get(user=claimant, kind=SecurityEvent.Kind.CLAIM_APPROVED)
    assert approved.actor == reviewer and claim.document_sha256 in approved.detail
    transfers = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PRINCIPAL_TRANSFER, actor=reviewer)
    assert {event.user for event in transfers} == {support, claimant}
    assert [mail.to for mail in mailoutbox] == [["maire@villebelle.test"]]  # support needs no mail
    assert "vous êtes gestionnaire principal de Commune de Villebelle" in mailoutbox[0].subject


def test_approving_against_a_person_who_holds_the_role_keeps_them_manager_and_tells_them(
    mailoutbox, django_capture_on_commit_callbacks
):
    structure = PublicStructureFactory(name="Syndicat")
    holder = structure.principal_manager
    claimant = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        claim = submit(claimant, structure)
    assert holder.email in {mail.to[0] for mail in mailoutbox}  # told someone claims their structure
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        claims.approve_claim(claim, actor=support_user())

    structure.refresh_from_db()
    assert structure.principal_manager == claimant
    former = Membership.objects.get(structure=structure, user=holder)
    assert (former.role, former.is_active) == (Membership.Role.MANAGER, True)
    assert {mail.to[0] for mail in mailoutbox} == {claimant.email, holder.email}


def test_refusal_needs_a_reason_which_the_claimant_receives(mailoutbox, django_capture_on_commit_callbacks):
    structure = awaiting_claim()
    claimant = UserFactory()
    claim = submit(claimant, structure)
    with pytest.raises(services.StructureError):
        claims.refuse_claim(claim, actor=support_user(), reason="  ")

    with django_capture_on_commit_callbacks(execute=True):
        claims.refuse_claim(claim, actor=support_user(), reason="La délégation n'est pas signée.")

    claim.refresh_from_db()
    structure.refresh_from_db()
    assert claim.status == PrincipalClaim.Status.REFUSED
    assert structure.principal_manager == support_user()
    event = SecurityEvent.objects.get(user=claimant, kind=SecurityEvent.Kind.CLAIM_REFUSED)
    assert "n'est pas signée" in event.detail and event.actor == support_user()
    assert "La délégation n'est pas signée." in mailoutbox[-1].body


def test_only_support_decides():
    structure = awaiting_claim()
    claim = submit(UserFactory(), structure)
    for someone in (UserFactory(), claim.claimant):
        with pytest.raises(services.NotAllowed):
            claims.approve_claim(claim, actor=someone)
        with pytest.raises(services.NotAllowed):
            claims.refuse_claim(claim, actor=someone, reason="non")
    claim.refresh_from_db()
    assert claim.status == PrincipalClaim.Status.PENDING


def test_a_decided_claim_is_not_decided_again():
    claim = submit(UserFactory(), awaiting_claim())
    claims.refuse_claim(claim, actor=support_user(), reason="Pièce illisible.")

    with pytest.raises(services.StructureError) as raised:
        claims.approve_claim(claim, actor=support_user())

    assert "déjà été traitée" in raised.value.message
    claim.refresh_from_db()
    assert claim.status == PrincipalClaim.Status.REFUSED
