"""The transition table, exhaustively: every (from, to, role) the table does not declare is refused."""

import itertools

import pytest
from django.db import transaction
from django.utils import translation

from invoices import lifecycle
from invoices.lifecycle import (
    PUBLIC_ACCOUNTANT,
    RECIPIENT,
    ROLES,
    SUPPLIER,
    SYSTEM,
    TRANSITIONS,
    LifecycleError,
    reasons,
)
from invoices.models import InvoiceEvent, InvoiceStatus
from tests.factories import StructureFactory
from tests.factories_lifecycle import (
    accountant_of,
    comptable_of,
    invoice_in,
    pdf_upload,
    public_structure,
    valid_siret,
)

STATUSES = list(InvoiceStatus.values)


def test_the_table_names_only_known_statuses_roles_and_operations():
    operations = {
        lifecycle.SET_STATUS,
        lifecycle.DELIVER,
        lifecycle.RECYCLE,
        lifecycle.COMPLETE,
        lifecycle.REJECT_MANDAT,
    }
    for t in TRANSITIONS:
        assert t.source in STATUSES and t.target in STATUSES and t.role in ROLES and t.operation in operations
    assert len({(t.source, t.target, t.role) for t in TRANSITIONS}) == len(TRANSITIONS), (
        "a triple declared twice"
    )


def test_rejection_and_payment_are_final():
    assert {InvoiceStatus.REJETEE, InvoiceStatus.MISE_EN_PAIEMENT} == lifecycle.FINAL_STATUSES


def test_every_status_has_a_lifecycle_code_and_the_mandatory_ones_are_flagged():
    assert {s: lifecycle.lifecycle_code(s).code for s in STATUSES}["rejetee"] == "210"
    assert {c for c, code in lifecycle.LIFECYCLE_CODES.items() if code.mandatory} == {
        "200",
        "210",
        "212",
        "213",
    }
    assert [str(n) for n in range(200, 214)] == list(lifecycle.LIFECYCLE_CODES)


def test_each_status_reasons_are_within_the_official_subset_of_its_code():
    for status, codes in reasons.STATUS_REASONS.items():
        official = reasons.OFFICIAL_SUBSETS[lifecycle.STATUS_CODES[status]]
        assert set(codes) <= set(official), status
    assert "JUSTIF_ABS" in reasons.STATUS_REASONS[InvoiceStatus.SUSPENDUE]
    assert set(reasons.STATUS_REASONS[InvoiceStatus.A_RECYCLER]) == {
        "SIRET_ERR",
        "CODE_ROUTAGE_ERR",
        "CMD_ERR",
    }


def test_answers_that_need_a_reason_are_declared_so():
    for t in TRANSITIONS:
        if t.target in (InvoiceStatus.A_RECYCLER, InvoiceStatus.SUSPENDUE, InvoiceStatus.REJETEE):
            assert t.reason_required, t


# --- Through the operations, for every triple ---------------------------------------------------------------


@pytest.fixture
def cast(db):
    """An invoice's three parties: its recipient's accountant, its supplier's user, the platform (None)."""
    recipient = public_structure(gestion_mise_en_paiement=True)
    other = public_structure(name="Autre commune")
    supplier = StructureFactory()
    return {
        "recipient_structure": recipient,
        "other": other,
        "supplier_structure": supplier,
        RECIPIENT: accountant_of(recipient),
        SUPPLIER: supplier.principal_manager,
        PUBLIC_ACCOUNTANT: comptable_of(recipient),
        SYSTEM: None,
    }


def _valid_arguments(target: str) -> dict:
    """Reason, comment and mandat that satisfy the checks, so that only the table decides."""
    codes = reasons.STATUS_REASONS.get(target, ())
    arguments = {"reason": codes[0] if codes else "", "comment": "Précision du motif."}
    if target == InvoiceStatus.MANDATEE:
        arguments["mandat"] = {"exercice": 2026, "bordereau": "12", "numero": "345", "ligne": "1"}
    return arguments


def _attempt(invoice, target, role, cast):
    actor = cast[role]
    transition = lifecycle.declared(invoice.status, target, role)
    operation = transition.operation if transition else lifecycle.SET_STATUS
    if operation == lifecycle.DELIVER:
        return lifecycle.deliver(invoice, actor=actor)
    if operation == lifecycle.RECYCLE:
        return lifecycle.recycle_invoice(
            invoice, actor=actor, buyer_siret=cast["other"].identifier, code_service="", engagement=""
        )
    if operation == lifecycle.COMPLETE:
        return lifecycle.complete_invoice(invoice, actor=actor, attachments=[pdf_upload()])
    if operation == lifecycle.REJECT_MANDAT:
        return lifecycle.reject_mandat(invoice, actor=actor, reason="MANDAT_IMPUTATION")
    return lifecycle.set_status(invoice, target, actor=actor, **_valid_arguments(target))


class _Undo(Exception):
    pass


def _outcome(cast, source, target, role) -> str | None:
    """Try one (from, to, role) in a savepoint that is rolled back; the problem found, or None."""
    declared = lifecycle.declared(source, target, role)
    try:
        with transaction.atomic():
            invoice = invoice_in(
                source, supplier=cast["supplier_structure"], recipient=cast["recipient_structure"]
            )
            before = InvoiceEvent.objects.count()
            try:
                _attempt(invoice, target, role, cast)
            except LifecycleError as error:
                invoice.refresh_from_db()
                if declared is not None:
                    return f"declared but refused: {error.message}"
                if not isinstance(error, lifecycle.IllegalTransition):
                    return f"refused, but not as an illegal transition: {error!r}"
                if str(InvoiceStatus(source).label) not in error.message:
                    return f"the refusal does not name the current status: {error.message}"
                if invoice.status != source or InvoiceEvent.objects.count() != before:
                    return "refused, but something changed"
                raise _Undo from None
            if declared is None:
                return "not declared, yet accepted"
            invoice.refresh_from_db()
            # A recycled invoice is resent and at once delivered again.
            expected = InvoiceStatus.MISE_A_DISPOSITION if declared.operation == lifecycle.RECYCLE else target
            if invoice.status != expected or InvoiceEvent.objects.count() <= before:
                return f"accepted, but the invoice is {invoice.status} with no new history row"
            raise _Undo
    except _Undo:
        return None


@pytest.mark.parametrize(("source", "role"), list(itertools.product(STATUSES, ROLES)))
def test_a_change_succeeds_exactly_when_the_table_declares_it(cast, source, role):
    """For each target status: declared triples succeed, every other one is refused and changes nothing."""
    problems = {target: _outcome(cast, source, target, role) for target in STATUSES}
    assert {target: problem for target, problem in problems.items() if problem} == {}


@pytest.mark.parametrize("source", STATUSES)
def test_set_status_never_performs_a_dedicated_answer(cast, source):
    """Recycling and completing need their data (routing fields, documents): set_status refuses them."""
    for target, role in [
        (InvoiceStatus.DEPOSEE, SUPPLIER),
        (InvoiceStatus.COMPLETEE, SUPPLIER),
        (InvoiceStatus.MISE_A_DISPOSITION, SYSTEM),
    ]:
        invoice = invoice_in(
            source, supplier=cast["supplier_structure"], recipient=cast["recipient_structure"]
        )
        with pytest.raises(LifecycleError):
            lifecycle.set_status(invoice, target, actor=cast[role])
        invoice.refresh_from_db()
        assert invoice.status == source


def test_the_refusal_names_the_current_status_and_the_allowed_ones(cast):
    invoice = invoice_in(
        InvoiceStatus.SERVICE_FAIT, supplier=cast["supplier_structure"], recipient=cast["recipient_structure"]
    )
    with pytest.raises(lifecycle.IllegalTransition) as refused:
        lifecycle.set_status(invoice, InvoiceStatus.PRISE_EN_COMPTE, actor=cast[RECIPIENT])
    message = refused.value.message
    assert "« Service fait »" in message
    for allowed in ("« Mandatée »", "« Suspendue »", "« Rejetée »"):
        assert allowed in message
    assert refused.value.allowed == [InvoiceStatus.MANDATEE, InvoiceStatus.SUSPENDUE, InvoiceStatus.REJETEE]


def test_mise_en_paiement_is_refused_when_the_recipient_does_not_manage_it(cast):
    cast["recipient_structure"].gestion_mise_en_paiement = False
    cast["recipient_structure"].save()
    invoice = invoice_in(
        InvoiceStatus.COMPTABILISEE,
        supplier=cast["supplier_structure"],
        recipient=cast["recipient_structure"],
    )
    assert lifecycle.available_actions(invoice, cast[RECIPIENT]) == []
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.set_status(invoice, InvoiceStatus.MISE_EN_PAIEMENT, actor=cast[RECIPIENT])


def test_a_valid_siret_helper_really_is_valid():
    from accounts.identifiers import is_valid_siret

    assert all(is_valid_siret(valid_siret()) for _ in range(20))


def test_the_refusal_reads_in_english_with_english_quotation_marks(cast):
    invoice = invoice_in(
        InvoiceStatus.SERVICE_FAIT, supplier=cast["supplier_structure"], recipient=cast["recipient_structure"]
    )
    with translation.override("en"), pytest.raises(lifecycle.IllegalTransition) as refused:
        lifecycle.set_status(invoice, InvoiceStatus.PRISE_EN_COMPTE, actor=cast[RECIPIENT])
    message = refused.value.message
    assert "“Service rendered”" in message
    assert "«" not in message and "Service fait" not in message


def test_the_lifecycle_labels_follow_the_reader_s_language():
    code = lifecycle.lifecycle_code(InvoiceStatus.REJETEE)
    assert str(code) == "210 Refusée"
    with translation.override("en"):
        assert str(code) == "210 Refused"
