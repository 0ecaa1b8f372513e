"""Acceptance 5 of issue 15: the demo data hold a public accountant persona (in the README's table) and a
structure of each délai category, and walk the payment chain through them."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import access
from accounts.demo import DEMO_USERS, HOPITAL_SIRET, SEM_SIRET, VILLEBELLE_SIRET
from accounts.models import Structure, User
from accounts.payment_terms import PaymentCategory
from invoices import lifecycle
from invoices.models import Invoice, InvoiceStatus
from tests.conftest import REPO_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", "--force", stdout=io.StringIO())


def test_the_public_accountant_persona_is_in_the_readme_with_its_totp_secret():
    email, secret = DEMO_USERS["public_accountant"]
    readme = Path(REPO_DIR / "README.md").read_text(encoding="utf-8")
    assert f"`{email}` | `{secret}`" in readme


def test_the_persona_keeps_the_accounts_of_his_poste_comptable(demo):
    email, _secret = DEMO_USERS["public_accountant"]
    comptable = User.objects.get(email=email)
    assert TOTPDevice.objects.filter(user=comptable, confirmed=True).exists()
    structures = set(
        access.user_structures(comptable, right=access.PUBLIC_ACCOUNTANT).values_list("identifier", flat=True)
    )
    assert structures == {VILLEBELLE_SIRET, HOPITAL_SIRET}
    for right in access.RIGHTS:
        assert not access.user_structures(comptable, right=right).exists()


def test_a_structure_of_each_deadline_category(demo):
    categories = {
        s.identifier: s.payment_category for s in Structure.objects.filter(kind=Structure.Kind.PUBLIC)
    }
    assert categories[VILLEBELLE_SIRET] == PaymentCategory.STATE_LOCAL
    assert categories[HOPITAL_SIRET] == PaymentCategory.HEALTH
    assert categories[SEM_SIRET] == PaymentCategory.PUBLIC_UNDERTAKING


def test_the_demo_walks_the_payment_chain(demo):
    rejected = Invoice.objects.get(number="DUR-2026-007")
    assert (rejected.status, rejected.revision) == (InvoiceStatus.MANDATEE, 1)
    assert any("rejected_mandat" in e.data for e in rejected.events.all())
    late = lifecycle.payment_clock(Invoice.objects.get(number="INF-2025-090"))
    assert late.late and late.penalty.interest is not None and late.penalty.indemnity == 40
    hospital = lifecycle.payment_clock(Invoice.objects.get(number="INF-2026-103"))
    assert (hospital.period_days, hospital.days_remaining) == (50, 10)
    undertaking = lifecycle.payment_clock(Invoice.objects.get(number="DUR-2026-008"))
    assert (undertaking.period_days, undertaking.days_remaining) == (60, 15)
    assert Invoice.objects.get(number="DUR-2026-004").status == InvoiceStatus.COMPTABILISEE
