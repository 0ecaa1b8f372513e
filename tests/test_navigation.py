"""The main navigation offers an entry only to users who hold its right in some structure."""

import re

import pytest

from accounts.models import Membership
from tests.conftest import verified_client
from tests.factories import MembershipFactory, PublicStructureFactory, StructureFactory

pytestmark = pytest.mark.django_db

ALWAYS = {"dashboard", "structures", "security"}


def nav_entries(client) -> set[str]:
    html = client.get("/").content.decode()
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)
    return set(re.findall(r'data-nav="([a-z]+)"', nav))


def test_a_supplier_is_offered_deposit_and_sent_invoices_only(client, supplier):
    assert nav_entries(verified_client(client, supplier)) == ALWAYS | {"deposit", "sent", "archives"}


def test_an_accountant_without_deposit_is_offered_received_invoices_and_the_pes_export(client):
    accountant = MembershipFactory(
        structure=PublicStructureFactory(),
        role=Membership.Role.USER,
        can_deposit=False,
        can_triage=True,
        can_export_pes=True,
    ).user

    assert nav_entries(verified_client(client, accountant)) == ALWAYS | {"received", "pes", "archives"}


def test_triage_without_the_export_right_shows_received_invoices_but_not_the_pes_export(client):
    user = MembershipFactory(
        structure=PublicStructureFactory(), can_deposit=False, can_triage=True, can_export_pes=False
    ).user

    assert nav_entries(verified_client(client, user)) == ALWAYS | {"received", "archives"}


def test_a_public_structure_manager_is_offered_every_entry(client):
    manager = PublicStructureFactory().principal_manager

    assert nav_entries(verified_client(client, manager)) == ALWAYS | {
        "deposit",
        "sent",
        "received",
        "pes",
        "archives",
    }


def test_a_user_without_any_structure_sees_only_structures_and_account(client, other_user):
    assert nav_entries(verified_client(client, other_user)) == ALWAYS


def test_an_inactive_attachment_gives_no_entry(client):
    user = MembershipFactory(structure=StructureFactory(), is_active=False).user

    assert nav_entries(verified_client(client, user)) == ALWAYS


def test_an_anonymous_visitor_gets_no_navigation(client):
    html = client.get("/comptes/connexion/").content.decode()

    assert 'class="main-nav"' not in html
