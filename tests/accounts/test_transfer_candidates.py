"""The transfer form offers only people who may take the role: active members of the structures concerned."""

import re

import pytest

from accounts.models import User
from tests.factories import StructureFactory, UserFactory
from tests.factories_structures import attach, with_fresh_otp

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(db):
    return UserFactory(email="principal@example.test")


@pytest.fixture
def people(actor):
    alpha = StructureFactory(principal_manager=actor, name="Alpha")
    beta = StructureFactory(principal_manager=actor, name="Beta")
    both = UserFactory(email="both@example.test", first_name="Anne", last_name="Both")
    attach(both, alpha)
    attach(both, beta)
    alpha_only = UserFactory(email="alpha@example.test")
    attach(alpha_only, alpha)
    gone = UserFactory(email="gone@example.test")
    attach(gone, alpha, is_active=False)
    attach(gone, beta, is_active=False)
    robot = UserFactory(email="robot@example.test", kind=User.Kind.TECHNICAL)
    attach(robot, alpha)
    attach(robot, beta)
    elsewhere = UserFactory(email="elsewhere@example.test")
    attach(elsewhere, StructureFactory(name="Ailleurs"))
    return {"alpha": alpha, "beta": beta, "both": both, "alpha_only": alpha_only}


def _emails(html: str) -> set[str]:
    return set(re.findall(r"[\w.-]+@example\.test", html))


def _offered(page: str) -> set[str]:
    return _emails(page.split('name="target"')[1].split("</select>")[0])


def test_transferring_every_structure_offers_only_people_attached_to_all_of_them(client, actor, people):
    page = with_fresh_otp(client, actor).get("/comptes/structures/transfert/total/").content.decode()
    assert _offered(page) == {"both@example.test"}


def test_transferring_some_structures_names_where_each_person_belongs(client, actor, people):
    page = with_fresh_otp(client, actor).get("/comptes/structures/transfert/partiel/").content.decode()
    assert _offered(page) == {"both@example.test", "alpha@example.test"}
    assert "Anne Both &lt;both@example.test&gt; — Alpha, Beta" in page
    assert "alpha@example.test&gt; — Alpha<" in page


def test_a_person_missing_from_one_chosen_structure_is_refused_on_the_form(client, actor, people):
    response = with_fresh_otp(client, actor).post(
        "/comptes/structures/transfert/partiel/",
        {"structures": [people["alpha"].pk, people["beta"].pk], "target": people["alpha_only"].pk},
    )
    assert response.status_code == 200
    assert "alpha@example.test n&#x27;a pas de rattachement actif à : « Beta »" in response.content.decode()
    people["beta"].refresh_from_db()
    assert people["beta"].principal_manager == actor


def test_each_structure_of_a_split_transfer_offers_its_own_members(client, actor, people):
    page = with_fresh_otp(client, actor).get("/comptes/structures/transfert/reparti/").content.decode()
    alpha_select = page.split(f'name="target_{people["alpha"].uuid}"')[1].split("</select>")[0]
    beta_select = page.split(f'name="target_{people["beta"].uuid}"')[1].split("</select>")[0]
    assert _emails(alpha_select) == {"both@example.test", "alpha@example.test"}
    assert _emails(beta_select) == {"both@example.test"}
