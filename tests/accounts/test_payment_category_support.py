"""Support changes a structure's payment category with a journaled reason; nobody else, nowhere else."""

import pytest

from accounts.models import SecurityEvent, Structure
from accounts.payment_category import PaymentCategoryError, change_payment_category
from accounts.payment_terms import PaymentCategory
from tests.conftest import verified_client
from tests.factories import PublicStructureFactory, UserFactory

pytestmark = pytest.mark.django_db
ACTION = "change_payment_terms"


@pytest.fixture
def support(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def hospital(db):
    return PublicStructureFactory(name="Centre hospitalier de Test")


def test_support_changes_the_category_and_both_journals_say_why(support, hospital):
    change_payment_category(
        hospital, PaymentCategory.HEALTH, actor=support, reason="Établissement public de santé."
    )
    hospital.refresh_from_db()
    assert (hospital.payment_category, hospital.payment_deadline_days) == (PaymentCategory.HEALTH, 50)
    for user in (hospital.principal_manager, support):
        event = SecurityEvent.objects.get(user=user, kind=SecurityEvent.Kind.PAYMENT_TERMS)
        assert event.actor == support
        assert "30 → 50 jours" in event.detail and "Établissement public de santé." in event.detail


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "trop court"[:5]}, "reason"),
        ({"category": "inconnue"}, "category"),
        ({"category": PaymentCategory.STATE_LOCAL}, "category"),
    ],
)
def test_a_change_without_a_reason_or_a_real_change_is_refused(support, hospital, kwargs, field):
    arguments = {"category": PaymentCategory.HEALTH, "reason": "Établissement public de santé.", **kwargs}
    with pytest.raises(PaymentCategoryError) as refused:
        change_payment_category(hospital, arguments["category"], actor=support, reason=arguments["reason"])
    assert refused.value.field == field
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PAYMENT_TERMS).exists()


def test_a_manager_of_the_structure_cannot(hospital):
    with pytest.raises(PaymentCategoryError):
        change_payment_category(
            hospital,
            PaymentCategory.HEALTH,
            actor=hospital.principal_manager,
            reason="Je le décide moi-même.",
        )


def test_the_admin_shows_it_read_only_and_changes_it_through_the_action(client, support, hospital):
    verified_client(client, support)
    change_page = client.get(f"/admin/accounts/structure/{hospital.pk}/change/")
    assert change_page.status_code == 200
    assert 'name="payment_category"' not in change_page.content.decode()

    url = "/admin/accounts/structure/"
    asked = client.post(url, {"action": ACTION, "_selected_action": [hospital.pk]})
    assert asked.status_code == 200 and "Motif" in asked.content.decode()
    assert f'name="action" value="{ACTION}"' in asked.content.decode()
    refused = client.post(
        url,
        {
            "action": ACTION,
            "_selected_action": [hospital.pk],
            "apply": "1",
            "category": "sante",
            "reason": "",
        },
    )
    assert refused.status_code == 200
    assert Structure.objects.get(pk=hospital.pk).payment_category == PaymentCategory.STATE_LOCAL
    done = client.post(
        url,
        {
            "action": ACTION,
            "_selected_action": [hospital.pk],
            "apply": "1",
            "category": "sante",
            "reason": "Statut d'établissement public de santé vérifié.",
        },
    )
    assert done.status_code == 302
    assert Structure.objects.get(pk=hospital.pk).payment_category == PaymentCategory.HEALTH
