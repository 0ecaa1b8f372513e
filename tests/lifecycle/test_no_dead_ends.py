"""No dead end: from every status that is not final, some role has an action, and the payment clock never
runs on an invoice nobody can move (issue 15: INF-2026-101 sat at *comptabilisée*, its clock running)."""

import itertools
from collections import deque

import pytest
from django.utils import timezone

from accounts.models import Structure
from invoices import lifecycle
from invoices.lifecycle import ROLES, TRANSITIONS
from invoices.models import InvoiceStatus
from tests.factories_lifecycle import accountant_of, comptable_of, invoice_in, public_structure

S = InvoiceStatus
STATUSES = list(S.values)
SUSPENDING = sorted({t.source for t in TRANSITIONS if t.target == S.SUSPENDUE})


def _reachable() -> set[str]:
    seen, queue = {S.DEPOSEE}, deque([S.DEPOSEE])
    while queue:
        status = queue.popleft()
        for t in TRANSITIONS:
            if t.source == status and t.target not in seen:
                seen.add(t.target)
                queue.append(t.target)
    return seen


def test_every_status_is_reachable_from_the_deposit():
    assert _reachable() == set(STATUSES)


def test_mise_en_paiement_is_reported_unless_the_structure_switches_it_off():
    assert Structure._meta.get_field("gestion_mise_en_paiement").default is True


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s for s in STATUSES if s not in lifecycle.FINAL_STATUSES])
def test_with_chorus_pro_defaults_every_non_final_status_offers_an_action(status):
    invoice = invoice_in(status, recipient=public_structure())
    assert lifecycle.allowed_transitions(invoice, set(ROLES)), status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "reports_payment", "type_code", "interrupted"),
    list(itertools.product(STATUSES, [True, False], ["380", "381"], [False, True])),
)
def test_the_clock_never_runs_on_an_invoice_nobody_can_move(status, reports_payment, type_code, interrupted):
    recipient = public_structure(gestion_mise_en_paiement=reports_payment)
    invoice = invoice_in(
        status,
        recipient=recipient,
        type_code=type_code,
        days=40,
        clock_interrupted_at=timezone.now() if interrupted else None,
        clock_balance_days=5 if interrupted else None,
    )
    actions = lifecycle.allowed_transitions(invoice, set(ROLES))
    clock = lifecycle.payment_clock(invoice)

    if not actions:
        assert clock.state in ("stopped", "none"), (status, clock)
    if status in lifecycle.FINAL_STATUSES:
        assert not actions and clock.state != "running"


@pytest.mark.django_db
def test_the_demo_walk_to_comptabilisee_is_no_longer_a_dead_end():
    recipient = public_structure()
    accountant = accountant_of(recipient)
    invoice = invoice_in(S.SERVICE_FAIT, recipient=recipient, days=135)
    mandat = {"exercice": 2026, "bordereau": "12", "numero": "301", "ligne": "1"}
    invoice = lifecycle.set_status(invoice, S.MANDATEE, actor=accountant, mandat=mandat)
    invoice = lifecycle.set_status(invoice, S.COMPTABILISEE, actor=comptable_of(recipient))

    assert [t.target for t in lifecycle.available_actions(invoice, accountant)] == [S.MISE_EN_PAIEMENT]
    invoice = lifecycle.set_status(invoice, S.MISE_EN_PAIEMENT, actor=accountant)
    assert lifecycle.payment_clock(invoice).state == "stopped"


@pytest.mark.django_db
def test_comptabilisee_is_where_the_clock_stops_for_a_body_that_does_not_report_payments():
    invoice = invoice_in(S.COMPTABILISEE, recipient=public_structure(gestion_mise_en_paiement=False))
    assert lifecycle.allowed_transitions(invoice, set(ROLES)) == []
    assert lifecycle.payment_clock(invoice).state == "stopped"


@pytest.mark.django_db
def test_a_credit_note_never_goes_to_mise_en_paiement():
    invoice = invoice_in(S.COMPTABILISEE, recipient=public_structure(), type_code="381")
    assert lifecycle.allowed_transitions(invoice, set(ROLES)) == []
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.set_status(invoice, S.MISE_EN_PAIEMENT, actor=accountant_of(invoice.recipient))


@pytest.mark.django_db
@pytest.mark.parametrize("status", SUSPENDING)
def test_a_second_suspension_is_refused_from_every_status_that_suspends(status):
    recipient = public_structure()
    invoice = invoice_in(
        status, recipient=recipient, clock_interrupted_at=timezone.now(), clock_balance_days=9
    )
    with pytest.raises(lifecycle.IllegalTransition) as refused:
        lifecycle.set_status(
            invoice, S.SUSPENDUE, actor=accountant_of(recipient), reason="JUSTIF_ABS", comment="Encore ?"
        )
    assert "R. 2192-27" in refused.value.message and "une seule fois" in refused.value.message
    invoice.refresh_from_db()
    assert invoice.status == status
