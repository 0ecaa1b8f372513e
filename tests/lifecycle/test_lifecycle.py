"""set_status: one history row per change, reasons and mandat checked, the supplier's users told by e-mail."""

import pytest

from accounts.models import Membership, User
from invoices import lifecycle
from invoices.lifecycle import IllegalTransition, LifecycleError, VersionConflict
from invoices.models import InvoiceEvent, InvoiceStatus
from tests.factories import MembershipFactory, ServiceFactory, UserFactory
from tests.factories_lifecycle import accountant_of, invoice_in, statuses_of, world

S = InvoiceStatus


@pytest.fixture
def w(db):
    return world()


@pytest.fixture
def invoice(w):
    return invoice_in(
        supplier=w["supplier"], recipient=w["recipient"], service=w["voirie"], code_service="VOIRIE"
    )


def test_a_change_writes_one_history_row_and_bumps_the_version(w, invoice):
    version = invoice.version
    lifecycle.set_status(invoice, S.PRISE_EN_COMPTE, actor=w["accountant"], comment="Vu.")
    invoice.refresh_from_db()
    assert invoice.status == S.PRISE_EN_COMPTE
    assert invoice.version == version + 1
    event = InvoiceEvent.objects.get(invoice=invoice)
    assert (event.from_status, event.to_status, event.actor, event.comment) == (
        S.MISE_A_DISPOSITION,
        S.PRISE_EN_COMPTE,
        w["accountant"],
        "Vu.",
    )


def test_setting_an_invoice_aside_requires_a_reason(w, invoice):
    for target in (S.A_RECYCLER, S.SUSPENDUE, S.REJETEE):
        with pytest.raises(LifecycleError) as refused:
            lifecycle.set_status(invoice, target, actor=w["accountant"])
        assert refused.value.field == "reason"
    assert statuses_of(invoice) == []


def test_a_reason_from_another_status_list_is_refused(w, invoice):
    with pytest.raises(LifecycleError) as refused:
        lifecycle.set_status(invoice, S.REJETEE, actor=w["accountant"], reason="JUSTIF_ABS", comment="x")
    assert "JUSTIF_ABS" in refused.value.message
    with pytest.raises(LifecycleError):
        lifecycle.set_status(invoice, S.PRISE_EN_COMPTE, actor=w["accountant"], reason="DOUBLON")


def test_a_missing_document_must_be_named_in_the_comment(w, invoice):
    with pytest.raises(LifecycleError) as refused:
        lifecycle.set_status(invoice, S.SUSPENDUE, actor=w["accountant"], reason="JUSTIF_ABS")
    assert refused.value.field == "comment"
    lifecycle.set_status(invoice, S.SUSPENDUE, actor=w["accountant"], reason="justif_abs", comment="Le PV")
    event = InvoiceEvent.objects.get(invoice=invoice)
    assert (event.reason, event.comment) == ("JUSTIF_ABS", "Le PV")


def test_mandatee_records_the_mandat_reference(w, invoice):
    with pytest.raises(LifecycleError) as refused:
        lifecycle.set_status(invoice, S.MANDATEE, actor=w["accountant"], mandat={"exercice": 2026})
    assert refused.value.field == "mandat_bordereau"
    mandat = {"exercice": "2026", "bordereau": "42", "numero": "1234", "ligne": ""}
    lifecycle.set_status(invoice, S.MANDATEE, actor=w["accountant"], mandat=mandat)
    invoice.refresh_from_db()
    assert (invoice.mandat_exercice, invoice.mandat_bordereau, invoice.mandat_numero) == (2026, "42", "1234")
    assert InvoiceEvent.objects.get(invoice=invoice).data["mandat"]["numero"] == "1234"


def test_a_mandat_given_for_another_status_is_refused(w, invoice):
    with pytest.raises(LifecycleError):
        lifecycle.set_status(invoice, S.SERVICE_FAIT, actor=w["accountant"], mandat={"numero": "1"})


def test_someone_without_a_role_on_the_invoice_is_told_nothing_is_allowed(w, invoice):
    limited = accountant_of(w["recipient"], services=[w["ecoles"]])
    for user in (limited, w["outsider"], w["stranger"]):
        with pytest.raises(IllegalTransition) as refused:
            lifecycle.set_status(invoice, S.PRISE_EN_COMPTE, actor=user)
        assert refused.value.allowed == []
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_an_outdated_version_is_refused_as_a_conflict_naming_who_changed_it(w, invoice):
    seen = invoice.version
    colleague = accountant_of(w["recipient"])
    lifecycle.set_status(invoice, S.PRISE_EN_COMPTE, actor=colleague, expected_version=seen)
    with pytest.raises(VersionConflict) as conflict:
        lifecycle.set_status(
            invoice, S.REJETEE, actor=w["accountant"], reason="DOUBLON", expected_version=seen
        )
    assert str(colleague) in conflict.value.message
    assert "Prise en compte" in conflict.value.message
    invoice.refresh_from_db()
    assert invoice.status == S.PRISE_EN_COMPTE
    assert statuses_of(invoice) == [S.PRISE_EN_COMPTE]


def test_delivery_makes_the_invoice_available_and_starts_the_clock(w):
    invoice = invoice_in(S.DEPOSEE, supplier=w["supplier"], recipient=w["recipient"])
    lifecycle.record_deposit(invoice, actor=w["supplier_user"])
    lifecycle.deliver(invoice, actor=w["supplier_user"])
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    assert invoice.delivered_at is not None
    assert statuses_of(invoice) == [S.DEPOSEE, S.MISE_A_DISPOSITION]


def test_the_supplier_users_get_one_message_per_change_in_their_language(
    w, invoice, mailoutbox, django_capture_on_commit_callbacks
):
    english = UserFactory(email="buyer-en@example.test", language="en")
    MembershipFactory(structure=w["supplier"], user=english)
    robot = UserFactory(email="robot@example.test", kind=User.Kind.TECHNICAL)
    MembershipFactory(structure=w["supplier"], user=robot)
    gone = UserFactory(email="gone@example.test")
    MembershipFactory(structure=w["supplier"], user=gone, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.set_status(
            invoice,
            S.A_RECYCLER,
            actor=w["accountant"],
            reason="CODE_ROUTAGE_ERR",
            comment="Le service est ECOLES.",
        )
    assert sorted(m.to[0] for m in mailoutbox) == sorted([w["supplier_user"].email, english.email])
    by_address = {m.to[0]: m for m in mailoutbox}
    french = by_address[w["supplier_user"].email]
    assert invoice.number in french.subject
    assert "À recycler" in french.body
    assert "Commune d'Essai" in french.body  # plain text: nothing HTML-escaped
    assert "CODE_ROUTAGE_ERR" in french.body and "Le service est ECOLES." in french.body
    assert "208" in french.body
    assert f"/factures/{invoice.uuid}/" in french.body
    assert french.extra_headers["Content-Language"] == "fr"
    assert by_address[english.email].extra_headers["Content-Language"] == "en"


def test_nothing_is_sent_when_a_change_is_refused(w, invoice, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(LifecycleError):
        lifecycle.set_status(invoice, S.REJETEE, actor=w["accountant"])
    assert mailoutbox == []


def test_a_member_limited_to_the_service_may_act_on_its_invoices(w, invoice):
    limited = accountant_of(w["recipient"], services=[w["voirie"]])
    lifecycle.set_status(invoice, S.SERVICE_FAIT, actor=limited)
    invoice.refresh_from_db()
    assert invoice.status == S.SERVICE_FAIT


def test_a_member_without_the_triage_right_cannot_act(w, invoice):
    reader = MembershipFactory(structure=w["recipient"], role=Membership.Role.USER, can_triage=False).user
    with pytest.raises(IllegalTransition):
        lifecycle.set_status(invoice, S.SERVICE_FAIT, actor=reader)


def test_a_manager_acts_whatever_the_services(w):
    other_service = ServiceFactory(structure=w["recipient"], code="CULTURE")
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"], service=other_service)
    lifecycle.set_status(invoice, S.PRISE_EN_COMPTE, actor=w["recipient"].principal_manager)
    invoice.refresh_from_db()
    assert invoice.status == S.PRISE_EN_COMPTE
