"""The principal-manager transfer (the three Chorus Pro modes), from the web and from the API."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import Membership, SecurityEvent, Structure
from accounts.tokens import create_api_token
from tests.conftest import verified_client
from tests.factories import PublicStructureFactory, StructureFactory, UserFactory
from tests.factories_structures import attach, bearer, with_fresh_otp

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(db):
    return UserFactory(email="principal@example.test")


@pytest.fixture
def three(actor):
    """Three structures of which `actor` is the principal manager."""
    return [
        StructureFactory(principal_manager=actor, name="Alpha"),
        PublicStructureFactory(principal_manager=actor, name="Beta"),
        StructureFactory(principal_manager=actor, name="Gamma"),
    ]


def _assert_transferred(structure, former, new):
    structure.refresh_from_db()
    assert structure.principal_manager == new
    new_membership = Membership.objects.get(structure=structure, user=new)
    assert (new_membership.role, new_membership.is_active, new_membership.can_admin) == (
        Membership.Role.MANAGER,
        True,
        True,
    )
    former_membership = Membership.objects.get(structure=structure, user=former)
    assert (former_membership.role, former_membership.is_active) == (Membership.Role.MANAGER, True)


def _journaled(user, structure):
    return SecurityEvent.objects.filter(
        user=user, kind=SecurityEvent.Kind.PRINCIPAL_TRANSFER, detail__contains=structure.name
    ).exists()


def test_mode_part_of_my_structures_to_one_user(
    client, actor, three, mailoutbox, django_capture_on_commit_callbacks
):
    alpha, beta, gamma = three
    target = UserFactory()
    attach(target, alpha)
    attach(target, beta)
    with_fresh_otp(client, actor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/comptes/structures/transfert/partiel/", {"structures": [alpha.pk, beta.pk], "target": target.pk}
        )
    assert response.status_code == 302
    _assert_transferred(alpha, actor, target)
    _assert_transferred(beta, actor, target)
    gamma.refresh_from_db()
    assert gamma.principal_manager == actor
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([actor.email, target.email] * 2)
    assert _journaled(actor, alpha) and _journaled(target, beta)


def test_mode_all_my_structures_to_one_user(
    client, actor, three, mailoutbox, django_capture_on_commit_callbacks
):
    target = UserFactory()
    for structure in three:
        attach(target, structure)
    with_fresh_otp(client, actor)
    page = client.get("/comptes/structures/transfert/total/")
    assert all(s.name in page.content.decode() for s in three)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/comptes/structures/transfert/total/", {"target": target.pk})
    for structure in three:
        _assert_transferred(structure, actor, target)
    assert not Structure.objects.filter(principal_manager=actor).exists()
    assert len(mailoutbox) == 6
    new_mail = next(mail for mail in mailoutbox if mail.to == [target.email])
    assert "gestionnaire principal" in new_mail.subject


def test_mode_all_my_structures_split_between_users(
    client, actor, three, mailoutbox, django_capture_on_commit_callbacks
):
    alpha, beta, gamma = three
    first, second = UserFactory(), UserFactory()
    attach(first, alpha)
    attach(first, gamma)
    attach(second, beta)
    with_fresh_otp(client, actor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/comptes/structures/transfert/reparti/",
            {
                f"target_{alpha.uuid}": first.pk,
                f"target_{beta.uuid}": second.pk,
                f"target_{gamma.uuid}": first.pk,
            },
        )
    assert response.status_code == 302
    _assert_transferred(alpha, actor, first)
    _assert_transferred(beta, actor, second)
    _assert_transferred(gamma, actor, first)
    assert {mail.to[0] for mail in mailoutbox} == {actor.email, first.email, second.email}


def test_a_transfer_to_a_user_not_attached_is_refused_and_changes_nothing(
    client, actor, three, mailoutbox, django_capture_on_commit_callbacks
):
    alpha, beta, _gamma = three
    target = UserFactory(email="cible@example.test")
    attach(target, alpha)  # attached to Alpha only
    with_fresh_otp(client, actor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/comptes/structures/transfert/partiel/", {"structures": [alpha.pk, beta.pk], "target": target.pk}
        )
    assert response.status_code == 200
    assert "cible@example.test n&#x27;a pas de rattachement actif à : « Beta »" in response.content.decode()
    for structure in three:
        structure.refresh_from_db()
        assert structure.principal_manager == actor
    assert Membership.objects.get(structure=alpha, user=target).role == Membership.Role.USER
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PRINCIPAL_TRANSFER, actor=actor).exists()
    assert mailoutbox == []


def test_a_deactivated_attachment_does_not_count(actor, three):
    alpha = three[0]
    target = UserFactory()
    attach(target, alpha).__class__.objects.filter(user=target).update(is_active=False)
    with pytest.raises(services.StructureError, match="n'a pas de rattachement actif"):
        services.transfer_principal_manager(actor, {alpha: target})


def test_only_the_current_principal_can_transfer(three):
    alpha = three[0]
    secondary = UserFactory()
    attach(secondary, alpha, role=Membership.Role.MANAGER)
    other = UserFactory()
    attach(other, alpha)
    with pytest.raises(services.NotAllowed):
        services.transfer_principal_manager(secondary, {alpha: other})
    alpha.refresh_from_db()
    assert alpha.principal_manager != other


def test_the_web_transfer_asks_for_a_fresh_second_factor(client, actor, three):
    target = UserFactory()
    attach(target, three[0])
    response = verified_client(client, actor).post(
        "/comptes/structures/transfert/partiel/", {"structures": [three[0].pk], "target": target.pk}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/securite/verifier/")
    three[0].refresh_from_db()
    assert three[0].principal_manager == actor


def test_the_split_form_offers_each_structure_its_own_members(client, actor, three):
    alpha, beta, _gamma = three
    only_alpha = UserFactory(email="alpha-seulement@example.test")
    attach(only_alpha, alpha)
    with_fresh_otp(client, actor)
    response = client.post("/comptes/structures/transfert/reparti/", {f"target_{beta.uuid}": only_alpha.pk})
    assert response.status_code == 200
    beta.refresh_from_db()
    assert beta.principal_manager == actor


def test_the_api_transfer_with_a_session_verified_moments_ago(client, actor, three):
    alpha = three[0]
    target = UserFactory()
    attach(target, alpha)
    with_fresh_otp(client, actor)
    response = client.post(
        "/api/v1/principal-transfers/",
        {"assignments": [{"structure": str(alpha.uuid), "user": str(target.uuid)}]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["structures"][0]["principal_manager"]["id"] == str(target.uuid)
    _assert_transferred(alpha, actor, target)


def test_the_api_transfer_with_a_token_needs_a_current_code(client, actor, three):
    alpha = three[0]
    target = UserFactory()
    attach(target, alpha)
    device = TOTPDevice.objects.create(user=actor, name="App", confirmed=True)
    _token, raw = create_api_token(actor, name="script")
    body = {"assignments": [{"structure": str(alpha.uuid), "user": str(target.uuid)}]}
    refused = client.post(
        "/api/v1/principal-transfers/", body, content_type="application/json", **bearer(raw)
    )
    assert refused.status_code == 403
    alpha.refresh_from_db()
    assert alpha.principal_manager == actor
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    body["otp_code"] = code
    response = client.post(
        "/api/v1/principal-transfers/", body, content_type="application/json", **bearer(raw)
    )
    assert response.status_code == 200, response.content
    _assert_transferred(alpha, actor, target)


def test_the_api_transfer_of_someone_elses_structure_is_404(client, actor, three, outsider):
    foreign = outsider.principal_of.get()
    attach(UserFactory(), foreign)
    with_fresh_otp(client, actor)
    response = client.post(
        "/api/v1/principal-transfers/",
        {"assignments": [{"structure": str(foreign.uuid), "user": str(actor.uuid)}]},
        content_type="application/json",
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.principal_manager == outsider


def test_the_api_refuses_a_target_outside_the_structure_without_naming_them(client, actor, three):
    alpha = three[0]
    stranger = UserFactory(email="inconnu@example.test")
    with_fresh_otp(client, actor)
    response = client.post(
        "/api/v1/principal-transfers/",
        {"assignments": [{"structure": str(alpha.uuid), "user": str(stranger.uuid)}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "Alpha" in response.json()["detail"]
    assert "inconnu@example.test" not in response.content.decode()
    alpha.refresh_from_db()
    assert alpha.principal_manager == actor
