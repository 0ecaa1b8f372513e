"""The operations that walk the status table: one function, one transaction, one history row each.

Every change locks the invoice row, checks the table (`invoices.lifecycle.transitions`), writes one
`InvoiceEvent` and moves the invoice between the status counters (`invoices.lifecycle.counters`) in the same
transaction, and tells the supplier's users by e-mail once the transaction has committed. The supplier's
answers (recycle, complete, acknowledge) are in `invoices.lifecycle.answers`; changes over many invoices at
once in `invoices.lifecycle.bulk`.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoices.lifecycle import counters, notifications, reasons
from invoices.lifecycle.clock import balance_at_interruption
from invoices.lifecycle.mandat_reference import clean_mandat
from invoices.lifecycle.queries import SYSTEM, roles_of
from invoices.lifecycle.transitions import (
    COMMENT_MAX,
    DELIVER,
    SET_STATUS,
    IllegalTransition,
    LifecycleError,
    Transition,
    VersionConflict,
    _offered,
    _quoted,
    allowed_transitions,
    declared,
)
from invoices.models import Invoice, InvoiceEvent
from invoices.models import InvoiceStatus as S

# --- Checks made under the row lock -------------------------------------------------------------------------


def _lock(invoice: Invoice) -> Invoice:
    """The invoice row, locked until the end of the transaction, as it is now (not as the caller read it).

    Only the invoice row is locked (`of`): its structures and service are read, not changed.
    """
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("supplier", "recipient", "service", "original")
        .get(pk=invoice.pk)
    )


def _check_version(invoice: Invoice, expected_version) -> None:
    """Refuse a change made on a version of the invoice the actor no longer sees, naming who changed it."""
    if expected_version in (None, ""):
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise LifecycleError(_("Version de la facture invalide."), field="version") from None
    if expected == invoice.version:
        return
    last = invoice.events.select_related("actor").order_by("-at", "-id").first()
    status = _quoted(invoice.status)
    if last is not None and last.actor is not None:
        message = _(
            "%(who)s vient de modifier cette facture : elle est maintenant au statut %(status)s. Votre "
            "changement n'a pas été enregistré ; vérifiez la facture avant de recommencer."
        ) % {"who": last.actor, "status": status}
    else:
        message = _(
            "La facture vient d'être modifiée : elle est maintenant au statut %(status)s. Votre changement "
            "n'a pas été enregistré ; vérifiez la facture avant de recommencer."
        ) % {"status": status}
    raise VersionConflict(message, field="version")


def _check_transition(invoice: Invoice, target: str, roles, operation: str) -> Transition:
    """The table's entry that lets one of `roles` perform `operation` to `target`, or IllegalTransition."""
    for role in roles:
        transition = declared(invoice.status, target, role)
        if transition is not None and transition.operation == operation and _offered(transition, invoice):
            return transition
    raise IllegalTransition(invoice, target, allowed_transitions(invoice, roles))


def _check_reason(transition: Transition, reason: str, comment: str) -> None:
    """A coded reason from the target status's own list (annex A subset), spelt out when the annex asks."""
    accepted = reasons.STATUS_REASONS.get(transition.target, ())
    target = _quoted(transition.target)
    if len(comment) > COMMENT_MAX:
        raise LifecycleError(
            _("Le commentaire compte %(n)d caractères ; il en admet au plus %(max)d.")
            % {"n": len(comment), "max": COMMENT_MAX},
            field="comment",
        )
    if not reason:
        if transition.reason_required:
            raise LifecycleError(
                _("Un motif est obligatoire pour passer la facture au statut %(target)s.")
                % {"target": target},
                field="reason",
            )
        return
    if not accepted:
        raise LifecycleError(
            _("Le statut %(target)s ne prend pas de motif (%(reason)s).")
            % {"target": target, "reason": reason},
            field="reason",
        )
    if reason not in accepted:
        raise LifecycleError(
            _("Le motif %(reason)s ne convient pas au statut %(target)s. Motifs possibles : %(accepted)s.")
            % {"reason": reason, "target": target, "accepted": ", ".join(accepted)},
            field="reason",
        )
    if reasons.REASONS[reason].needs_comment and not comment:
        raise LifecycleError(
            _("Précisez le motif « %(label)s » en commentaire : %(help)s")
            % {"label": reasons.label(reason), "help": reasons.REASONS[reason].help},
            field="comment",
        )


def _check_mandat(transition: Transition, mandat: dict | None) -> dict:
    given = {k: v for k, v in (mandat or {}).items() if v not in (None, "")}
    if not transition.needs_mandat:
        if given:
            raise LifecycleError(
                _("La référence du mandat ne se donne qu'au passage au statut « Mandatée »."), field="mandat"
            )
        return {}
    return clean_mandat(given)


def _clock_fields(locked: Invoice, transition: Transition, service_done_on) -> dict:
    """What the status change records for the payment clock (invoices.lifecycle.clock)."""
    fields = {}
    if service_done_on is not None:
        if transition.target != S.SERVICE_FAIT:
            raise LifecycleError(
                _("La date d'exécution des prestations se donne au passage au statut « Service fait »."),
                field="service_done_on",
            )
        if service_done_on > timezone.localdate():
            raise LifecycleError(
                _("La date d'exécution des prestations ne peut pas être dans le futur."),
                field="service_done_on",
            )
        fields["service_done_on"] = service_done_on
    if transition.target == S.SUSPENDUE:
        # The one interruption the délai allows (R. 2192-27): what was left to run sets the next period.
        fields["clock_balance_days"] = balance_at_interruption(locked)
        fields["clock_interrupted_at"] = timezone.now()
    return fields


# --- Writing a change ---------------------------------------------------------------------------------------


def _change(
    invoice: Invoice,
    to_status: str,
    *,
    actor,
    reason: str = "",
    comment: str = "",
    data: dict | None = None,
    extra_fields: dict | None = None,
    counted_at: counters.Place | None = None,
) -> InvoiceEvent:
    """Apply one status change to a locked invoice: its history row, its status, its version, its counters.

    The version moves with every change so that a page or an API client holding an older one is refused
    (`_check_version`) instead of acting on a status it never saw. `counted_at` is where the invoice was
    counted when the caller has already changed its routing fields on the object.
    """
    before = counted_at or counters.place_of(invoice)
    now = timezone.now()
    event = InvoiceEvent.objects.create(
        invoice=invoice,
        from_status=invoice.status,
        to_status=to_status,
        actor=actor,
        at=now,
        reason=reason,
        comment=comment,
        data=data or {},
    )
    extra_fields = extra_fields or {}
    invoice.status = to_status
    invoice.status_changed_at = now
    invoice.version += 1
    for name, value in extra_fields.items():
        setattr(invoice, name, value)
    invoice.save(update_fields=["status", "status_changed_at", "version", *extra_fields])
    counters.count_move(before, counters.place_of(invoice))
    return event


def _notify(invoice: Invoice, event: InvoiceEvent, kind: str = "status") -> None:
    """Tell the supplier's users once the change is committed: a rolled-back change must not be announced."""
    invoice_id, event_id = invoice.pk, event.pk
    transaction.on_commit(lambda: notifications.send_status_emails.delay(invoice_id, event_id, kind=kind))


def _deliver(invoice: Invoice, *, actor) -> InvoiceEvent:
    """Make a locked, routed invoice available to its recipient; the délai global de paiement starts now."""
    _check_transition(invoice, S.MISE_A_DISPOSITION, {SYSTEM}, DELIVER)
    return _change(invoice, S.MISE_A_DISPOSITION, actor=actor, extra_fields={"delivered_at": timezone.now()})


# --- Operations ---------------------------------------------------------------------------------------------


def record_deposit(invoice: Invoice, *, actor) -> InvoiceEvent:
    """The first history row of a new invoice (status `deposee`), written with the invoice itself."""
    return InvoiceEvent.objects.create(invoice=invoice, from_status="", to_status=S.DEPOSEE, actor=actor)


def create_delivered(invoice: Invoice, *, actor) -> Invoice:
    """Save a new, routed invoice already made available to its recipient, with its first two history rows.

    What `record_deposit` then `deliver` do (the table's SYSTEM transition), in three statements
    instead of eight (with the counters): nobody else can see the row before the deposit commits, so there is
    nothing to lock.
    """
    return create_delivered_many([invoice], actor=actor)[0]


def create_delivered_many(invoices: list[Invoice], *, actor) -> list[Invoice]:
    """`create_delivered` for the invoices of one deposit together: the same three statements for all of
    them (rows, counters, history), whatever their number."""
    now = timezone.now()
    for invoice in invoices:
        invoice.status = S.MISE_A_DISPOSITION
        invoice.status_changed_at = invoice.delivered_at = now
        invoice.version = 1
    Invoice.objects.bulk_create(invoices)
    counters.count_new(invoices)
    steps = (("", S.DEPOSEE), (S.DEPOSEE, S.MISE_A_DISPOSITION))
    InvoiceEvent.objects.bulk_create(
        [
            InvoiceEvent(invoice=invoice, from_status=before, to_status=after, actor=actor, at=now)
            for invoice in invoices
            for before, after in steps
        ]
    )
    return invoices


def deliver(invoice: Invoice, *, actor) -> Invoice:
    """Routed: the invoice is made available to its recipient and the payment clock starts.

    The platform does it (role SYSTEM) on behalf of the depositor, who is recorded as the actor. No e-mail:
    the depositor has the deposit report in hand.
    """
    with transaction.atomic():
        locked = _lock(invoice)
        _deliver(locked, actor=actor)
    return locked


def set_status(
    invoice: Invoice,
    to_status: str,
    *,
    actor,
    reason: str = "",
    comment: str = "",
    expected_version=None,
    mandat: dict | None = None,
    service_done_on=None,
) -> Invoice:
    """Move the invoice to `to_status` if the table lets `actor` do it; returns the updated invoice.

    `expected_version` is the `Invoice.version` the actor saw: if someone changed the invoice since, the
    change is refused with a conflict rather than applied on top of a status the actor never saw.
    `service_done_on` (with *service fait*) is the day the service was done, when the payment délai starts
    if it is after delivery.
    """
    reason = (reason or "").strip().upper()
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _lock(invoice)
        _check_version(locked, expected_version)
        transition = _check_transition(locked, to_status, roles_of(actor, locked), SET_STATUS)
        _check_reason(transition, reason, comment)
        mandat_ref = _check_mandat(transition, mandat)
        extra = {f"mandat_{k}": v for k, v in mandat_ref.items()}
        extra.update(_clock_fields(locked, transition, service_done_on))
        data = {"mandat": mandat_ref} if mandat_ref else {}
        if service_done_on is not None:
            data["service_done_on"] = service_done_on.isoformat()
        if to_status == S.REJETEE:
            extra["rejection_acknowledged_at"] = None
        event = _change(
            locked,
            to_status,
            actor=actor,
            reason=reason,
            comment=comment,
            data=data,
            extra_fields=extra,
        )
        _notify(locked, event)
    return locked
