"""`generate_load` fills the database with realistic invoices, and their counters with it."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Structure
from invoices.models import Invoice, InvoiceEvent, InvoiceStatus

S = InvoiceStatus


@pytest.fixture
def loaded(db):
    call_command("generate_load", "600", "--structures", "3", "--suppliers", "40", "--seed", "7", verbosity=0)


def test_it_makes_the_invoices_their_history_and_their_structures(loaded):
    assert Invoice.objects.count() == 600
    assert Structure.objects.filter(kind=Structure.Kind.PUBLIC).count() == 3
    assert Structure.objects.filter(kind=Structure.Kind.PRIVATE).count() == 40
    events = InvoiceEvent.objects.count()
    assert 2 * 600 <= events <= 8 * 600


def test_old_invoices_are_settled_and_recent_ones_await_triage(loaded):
    now = timezone.now()
    recent = Counter(
        Invoice.objects.filter(created_at__gte=now - timedelta(days=3)).values_list("status", flat=True)
    )
    old = Counter(
        Invoice.objects.filter(created_at__lt=now - timedelta(days=120)).values_list("status", flat=True)
    )
    assert recent and max(recent, key=recent.get) in (S.MISE_A_DISPOSITION, S.PRISE_EN_COMPTE)
    assert max(old, key=old.get) in (S.MISE_EN_PAIEMENT, S.COMPTABILISEE)
    span = Invoice.objects.order_by("created_at").first().created_at
    assert now - span > timedelta(days=2 * 365)


def test_a_few_suppliers_send_most_invoices(loaded):
    per_supplier = Counter(Invoice.objects.values_list("supplier_id", flat=True))
    top = sum(n for _s, n in per_supplier.most_common(4))
    assert top > 600 * 0.3


def test_the_counters_check_passes_after_a_load(loaded):
    call_command("recount_statuses", "--check", verbosity=0)
    call_command("generate_load", "50", "--structures", "3", "--suppliers", "40", verbosity=0)
    call_command("recount_statuses", "--check", verbosity=0)
    assert Invoice.objects.count() == 650
