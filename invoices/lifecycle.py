"""The invoice status machine: one declared transition table, and the operations that walk it.

Chorus Pro's lesson drives the shape: a rejection costs the supplier a whole new invoice, so the table offers
the gentler answers first (*à recycler* for wrong routing data, *suspendue* for missing documents), each with
its own operation (`recycle_invoice`, `complete_invoice`) that carries the data the answer needs. Every
change locks the invoice row, checks the table, writes one `InvoiceEvent` in the same transaction and tells
the supplier's users by e-mail once the transaction has committed.

Statuses are also reported in the vocabulary of the French 2026 e-invoicing lifecycle (AFNOR XP Z12-012), so
the history can be exported in it; the reasons come from its annex A (`invoices.reasons`).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from invoices import notifications, reasons, services
from invoices.models import Invoice, InvoiceAttachment, InvoiceEvent
from invoices.queries import RECIPIENT, SUPPLIER, SYSTEM, roles_of
from invoices.routing import check_destination
from invoices.statuses import InvoiceStatus as S
from invoices.validation import Limits, Size, check_attachment, check_filename, deposit_finding

# Who acts: the recipient's accountants (triage right, on the invoice's service), the supplier's depositors,
# and the platform itself (actor None) for the delivery that follows a deposit.
ROLES = (RECIPIENT, SUPPLIER, SYSTEM)

# Which operation performs a transition: a plain status change, or an answer that needs more than a status.
SET_STATUS = "set_status"
DELIVER = "deliver"
RECYCLE = "recycle"
COMPLETE = "complete"

# The mandat reference the PES export links the invoice to (exercise, bordereau, mandat number, line).
MANDAT_FIELDS = ("exercice", "bordereau", "numero", "ligne")
MANDAT_FIELD_MAX = 20
COMMENT_MAX = 2000

# Délai global de paiement (Code de la commande publique, R. 2192-10 ff.): 30 days for the State and local
# authorities, of which 20 are the ordonnateur's share and 10 the comptable's (décret 2013-269, art. 12).
PAYMENT_DEADLINE_DAYS = 30
ORDONNATEUR_SHARE_DAYS = 20
# A rejection left unread this long is shown to the supplier's users at every login until acknowledged.
REJECTION_ACKNOWLEDGE_DAYS = 7


# --- The XP Z12-012 vocabulary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LifecycleCode:
    """A status of the 2026 e-invoicing lifecycle (AFNOR XP Z12-012), as exported in the history."""

    code: str
    label: str
    """The norm's French label, translated for the reader (lazily: the code is the exchanged identifier)."""
    mandatory: bool = False
    """The platforms must exchange it (200, 210, 212, 213); the others are optional."""

    def __str__(self):
        return f"{self.code} {self.label}"


LIFECYCLE_CODES: dict[str, LifecycleCode] = {
    c.code: c
    for c in (
        LifecycleCode("200", pgettext_lazy("XP Z12-012", "Déposée"), mandatory=True),
        LifecycleCode("201", pgettext_lazy("XP Z12-012", "Émise par la plateforme")),
        LifecycleCode("202", pgettext_lazy("XP Z12-012", "Reçue par la plateforme")),
        LifecycleCode("203", pgettext_lazy("XP Z12-012", "Mise à disposition")),
        LifecycleCode("204", pgettext_lazy("XP Z12-012", "Prise en charge")),
        LifecycleCode("205", pgettext_lazy("XP Z12-012", "Approuvée")),
        LifecycleCode("206", pgettext_lazy("XP Z12-012", "Approuvée partiellement")),
        LifecycleCode("207", pgettext_lazy("XP Z12-012", "En litige")),
        LifecycleCode("208", pgettext_lazy("XP Z12-012", "Suspendue")),
        LifecycleCode("209", pgettext_lazy("XP Z12-012", "Complétée")),
        LifecycleCode("210", pgettext_lazy("XP Z12-012", "Refusée"), mandatory=True),
        LifecycleCode("211", pgettext_lazy("XP Z12-012", "Paiement transmis")),
        LifecycleCode("212", pgettext_lazy("XP Z12-012", "Encaissée"), mandatory=True),
        LifecycleCode("213", pgettext_lazy("XP Z12-012", "Rejetée"), mandatory=True),
    )
}

# Chorale's statuses in that vocabulary. `rejetee` is 210 *Refusée* (the recipient refuses the invoice), not
# 213 *Rejetée* (a platform refusing a non-compliant file at deposit, which never becomes an invoice here).
# `a_recycler` and `suspendue` are both 208, their reasons split between routing data and documents. The
# public accounting steps after the certification of the service are approvals (205); 212 *Encaissée* is
# the supplier's to declare and has no Chorale status.
STATUS_CODES: dict[str, str] = {
    S.DEPOSEE: "200",
    S.MISE_A_DISPOSITION: "203",
    S.PRISE_EN_COMPTE: "204",
    S.SERVICE_FAIT: "205",
    S.MANDATEE: "205",
    S.MISE_A_DISPOSITION_COMPTABLE: "205",
    S.COMPTABILISEE: "205",
    S.MISE_EN_PAIEMENT: "211",
    S.A_RECYCLER: "208",
    S.SUSPENDUE: "208",
    S.COMPLETEE: "209",
    S.REJETEE: "210",
}


def lifecycle_code(status: str) -> LifecycleCode:
    """The XP Z12-012 status a Chorale status is reported as."""
    try:
        return LIFECYCLE_CODES[STATUS_CODES[status]]
    except KeyError:
        raise ValueError(f"Not an invoice status: {status!r}") from None


# --- The transition table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    role: str
    reason_required: bool = False
    operation: str = SET_STATUS
    """The function that performs it: routing corrections and completions need more than a status."""
    needs_mandat: bool = False
    needs_payment_management: bool = False
    """Offered only to recipients whose parameter *gestion du statut mise en paiement* is on."""


T = Transition
TRANSITIONS: tuple[Transition, ...] = (
    # Delivery to the recipient once the deposit is routed.
    T(S.DEPOSEE, S.MISE_A_DISPOSITION, SYSTEM, operation=DELIVER),
    # The recipient works an invoice made available to it (or completed by the supplier). The steps after
    # delivery are optional in Chorus Pro, so an accountant may go straight to a later one.
    T(S.MISE_A_DISPOSITION, S.PRISE_EN_COMPTE, RECIPIENT),
    T(S.MISE_A_DISPOSITION, S.SERVICE_FAIT, RECIPIENT),
    T(S.MISE_A_DISPOSITION, S.MANDATEE, RECIPIENT, needs_mandat=True),
    T(S.MISE_A_DISPOSITION, S.A_RECYCLER, RECIPIENT, reason_required=True),
    T(S.MISE_A_DISPOSITION, S.SUSPENDUE, RECIPIENT, reason_required=True),
    T(S.MISE_A_DISPOSITION, S.REJETEE, RECIPIENT, reason_required=True),
    T(S.COMPLETEE, S.PRISE_EN_COMPTE, RECIPIENT),
    T(S.COMPLETEE, S.SERVICE_FAIT, RECIPIENT),
    T(S.COMPLETEE, S.MANDATEE, RECIPIENT, needs_mandat=True),
    T(S.COMPLETEE, S.A_RECYCLER, RECIPIENT, reason_required=True),
    T(S.COMPLETEE, S.SUSPENDUE, RECIPIENT, reason_required=True),
    T(S.COMPLETEE, S.REJETEE, RECIPIENT, reason_required=True),
    T(S.PRISE_EN_COMPTE, S.SERVICE_FAIT, RECIPIENT),
    T(S.PRISE_EN_COMPTE, S.MANDATEE, RECIPIENT, needs_mandat=True),
    T(S.PRISE_EN_COMPTE, S.A_RECYCLER, RECIPIENT, reason_required=True),
    T(S.PRISE_EN_COMPTE, S.SUSPENDUE, RECIPIENT, reason_required=True),
    T(S.PRISE_EN_COMPTE, S.REJETEE, RECIPIENT, reason_required=True),
    # Once the service is certified the routing is settled: no more recycling, but a missing document can
    # still hold the invoice up.
    T(S.SERVICE_FAIT, S.MANDATEE, RECIPIENT, needs_mandat=True),
    T(S.SERVICE_FAIT, S.SUSPENDUE, RECIPIENT, reason_required=True),
    T(S.SERVICE_FAIT, S.REJETEE, RECIPIENT, reason_required=True),
    # Public accounting, usually set by the financial software through a technical account.
    T(S.MANDATEE, S.MISE_A_DISPOSITION_COMPTABLE, RECIPIENT),
    T(S.MANDATEE, S.COMPTABILISEE, RECIPIENT),
    T(S.MANDATEE, S.MISE_EN_PAIEMENT, RECIPIENT, needs_payment_management=True),
    T(S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE, RECIPIENT),
    T(S.MISE_A_DISPOSITION_COMPTABLE, S.MISE_EN_PAIEMENT, RECIPIENT, needs_payment_management=True),
    T(S.COMPTABILISEE, S.MISE_EN_PAIEMENT, RECIPIENT, needs_payment_management=True),
    # A suspended invoice the supplier never completes may end up rejected.
    T(S.SUSPENDUE, S.REJETEE, RECIPIENT, reason_required=True),
    # The supplier's answers.
    T(S.A_RECYCLER, S.DEPOSEE, SUPPLIER, operation=RECYCLE),
    T(S.SUSPENDUE, S.COMPLETEE, SUPPLIER, operation=COMPLETE),
)
del T

_TABLE = {(t.source, t.target, t.role): t for t in TRANSITIONS}
FINAL_STATUSES = frozenset(s for s in S.values if not any(t.source == s for t in TRANSITIONS))

# The payment clock runs from delivery to payment, waits while the supplier answers, and does not exist for
# an invoice not yet delivered or refused.
CLOCK_RUNNING = frozenset(
    {
        S.MISE_A_DISPOSITION,
        S.PRISE_EN_COMPTE,
        S.SERVICE_FAIT,
        S.MANDATEE,
        S.MISE_A_DISPOSITION_COMPTABLE,
        S.COMPTABILISEE,
        S.COMPLETEE,
    }
)
CLOCK_PAUSED = frozenset({S.A_RECYCLER, S.SUSPENDUE})
CLOCK_STOPPED = frozenset({S.MISE_EN_PAIEMENT})


def declared(source: str, target: str, role: str) -> Transition | None:
    """The table's entry for this (from, to, role), or None when the table does not declare it."""
    return _TABLE.get((source, target, role))


def _offered(transition: Transition, invoice: Invoice) -> bool:
    """Whether the recipient's parameters let this declared transition be used on this invoice."""
    return not transition.needs_payment_management or invoice.recipient.gestion_mise_en_paiement


def allowed_transitions(invoice: Invoice, roles) -> list[Transition]:
    """The transitions someone holding `roles` may perform from the invoice's status, in table order."""
    return [t for t in TRANSITIONS if t.source == invoice.status and t.role in roles and _offered(t, invoice)]


def available_actions(invoice: Invoice, user) -> list[Transition]:
    """What this user may do to the invoice now (the invoice page's actions)."""
    return allowed_transitions(invoice, roles_of(user, invoice))


# --- Domain errors ------------------------------------------------------------------------------------------


class LifecycleError(Exception):
    """A change refused; `field` names the input at fault so that forms show the message next to it."""

    code = "invalid"

    def __init__(self, message, *, field: str | None = None):
        self.message = str(message)
        self.field = field
        super().__init__(self.message)


class IllegalTransition(LifecycleError):
    """The table does not let this actor move the invoice from its status to that one."""

    code = "illegal_transition"

    def __init__(self, invoice: Invoice, target: str, allowed: list[Transition]):
        self.current = invoice.status
        self.target = target
        self.allowed = list(dict.fromkeys(t.target for t in allowed))
        current, wanted = _quoted(invoice.status), _quoted(target)
        dedicated = [t for t in allowed if t.target == target and t.operation != SET_STATUS]
        if dedicated:
            message = _(
                "La facture est au statut %(current)s : le statut %(target)s s'obtient par l'action dédiée "
                "(%(action)s), pas par un simple changement de statut."
            ) % {"current": current, "target": wanted, "action": _operation_label(dedicated[0].operation)}
        elif self.allowed:
            message = _(
                "La facture est au statut %(current)s : elle ne peut pas passer au statut %(target)s. "
                "Statuts possibles : %(allowed)s."
            ) % {"current": current, "target": wanted, "allowed": ", ".join(_described(allowed))}
        else:
            message = _(
                "La facture est au statut %(current)s : elle ne peut pas passer au statut %(target)s, et "
                "aucun changement de statut ne vous est permis."
            ) % {"current": current, "target": wanted}
        super().__init__(message, field="status")


class VersionConflict(LifecycleError):
    """Someone changed the invoice since the actor read it: the change would overwrite unseen work."""

    code = "conflict"


class RoutingRefused(LifecycleError):
    """The corrected routing data fail the deposit-time checks; `findings` says which and where."""

    code = "routing_refused"

    def __init__(self, message, findings):
        self.findings = list(findings)
        first = self.findings[0].location if self.findings else None
        super().__init__(message, field=first or None)


def _quoted(status: str) -> str:
    """A status name inside a message, between the quotation marks of the reader's language."""
    try:
        label = S(status).label
    except ValueError:
        label = status
    return _("« %(status)s »") % {"status": label}


def _described(allowed: list[Transition]) -> list[str]:
    """Each allowed target once; an answer that needs its own action says which."""
    described = {}
    for t in allowed:
        if t.operation == SET_STATUS:
            described.setdefault(t.target, _quoted(t.target))
        else:
            described.setdefault(t.target, f"{_quoted(t.target)} ({_operation_label(t.operation)})")
    return list(described.values())


def _operation_label(operation: str) -> str:
    return {
        RECYCLE: _("corriger l'acheminement et renvoyer la facture"),
        COMPLETE: _("ajouter les pièces demandées et renvoyer la facture"),
        DELIVER: _("mise à disposition par la plateforme après le dépôt"),
    }.get(operation, operation)


def _finding_text(finding) -> str:
    return finding.message_en if (get_language() or "fr").startswith("en") else finding.message


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
    unknown = set(given) - set(MANDAT_FIELDS)
    if unknown:
        raise LifecycleError(
            _("Champs de mandat inconnus : %(f)s.") % {"f": ", ".join(sorted(unknown))}, field="mandat"
        )
    for name in ("exercice", "bordereau", "numero"):
        if name not in given:
            raise LifecycleError(
                _("La référence du mandat (exercice, n° de bordereau, n° de mandat) est obligatoire."),
                field=f"mandat_{name}",
            )
    try:
        exercice = int(given["exercice"])
    except (TypeError, ValueError):
        exercice = 0
    if not 2000 <= exercice <= 2100:
        raise LifecycleError(_("L'exercice du mandat doit être une année."), field="mandat_exercice")
    clean = {"exercice": exercice}
    for name in ("bordereau", "numero", "ligne"):
        value = str(given.get(name, "")).strip()
        if len(value) > MANDAT_FIELD_MAX:
            raise LifecycleError(_("20 caractères au plus."), field=f"mandat_{name}")
        clean[name] = value
    return clean


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
) -> InvoiceEvent:
    """Apply one status change to a locked invoice: its history row, its status, its version.

    The version moves with every change so that a page or an API client holding an older one is refused
    (`_check_version`) instead of acting on a status it never saw.
    """
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
    return event


def _notify(invoice: Invoice, event: InvoiceEvent, kind: str = "status") -> None:
    """Tell the supplier's users once the change is committed: a rolled-back change must not be announced."""
    invoice_id, event_id = invoice.pk, event.pk
    transaction.on_commit(lambda: notifications.status_changed(invoice_id, event_id, kind=kind))


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

    What `record_deposit` then `deliver` do (the table's SYSTEM transition), in two statements
    instead of six: nobody else can see the row before the deposit commits, so there is nothing to lock.
    """
    now = timezone.now()
    invoice.status = S.MISE_A_DISPOSITION
    invoice.status_changed_at = invoice.delivered_at = now
    invoice.version = 1
    invoice.save(force_insert=True)
    InvoiceEvent.objects.bulk_create(
        [
            InvoiceEvent(invoice=invoice, from_status="", to_status=S.DEPOSEE, actor=actor, at=now),
            InvoiceEvent(
                invoice=invoice, from_status=S.DEPOSEE, to_status=S.MISE_A_DISPOSITION, actor=actor, at=now
            ),
        ]
    )
    return invoice


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
) -> Invoice:
    """Move the invoice to `to_status` if the table lets `actor` do it; returns the updated invoice.

    `expected_version` is the `Invoice.version` the actor saw: if someone changed the invoice since, the
    change is refused with a conflict rather than applied on top of a status the actor never saw.
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
        if to_status == S.REJETEE:
            extra["rejection_acknowledged_at"] = None
        event = _change(
            locked,
            to_status,
            actor=actor,
            reason=reason,
            comment=comment,
            data={"mandat": mandat_ref} if mandat_ref else None,
            extra_fields=extra,
        )
        _notify(locked, event)
    return locked


# --- À recycler: the supplier corrects the routing data -----------------------------------------------------


@dataclass
class Routed:
    """Where the corrected routing data send the invoice."""

    recipient: object
    service: object
    buyer_siret: str
    code_service: str
    engagement: str


def _route(invoice: Invoice, *, actor, buyer_siret: str, code_service: str, engagement: str) -> Routed:
    """The deposit-time checks of the recipient, its service and engagement, on the corrected data.

    The supplier, the number and the duplicate checks are left out on purpose: the invoice keeps its
    supplier and its number, and it is its own "duplicate".
    """
    routing = check_destination(
        actor, invoice.supplier, buyer_siret=buyer_siret, code_service=code_service, engagement=engagement
    )
    errors = [f for f in routing.findings if f.is_error]
    if errors:
        raise RoutingRefused(
            _("Les données d'acheminement corrigées sont refusées : %(why)s")
            % {"why": " ".join(_finding_text(f) for f in errors)},
            errors,
        )
    return Routed(
        recipient=routing.recipient,
        service=routing.service,
        buyer_siret=routing.recipient.identifier,
        code_service=code_service,
        engagement=engagement,
    )


def recycle_invoice(
    invoice: Invoice,
    *,
    actor,
    buyer_siret: str,
    code_service: str = "",
    engagement: str = "",
    comment: str = "",
    expected_version=None,
) -> Invoice:
    """Resend an invoice *à recycler* with corrected routing data: same invoice, same number, same history.

    Only the routing fields change; the deposited file is kept as it was. The invoice goes through the
    deposit-time routing checks again and is delivered at once, possibly to another structure or service
    (whose accountants then see it with its whole history, and the former recipient no longer does). Its
    payment clock starts again: the right recipient receives it only now.
    """
    buyer_siret = (buyer_siret or "").strip()
    code_service = (code_service or "").strip()
    engagement = (engagement or "").strip()
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _lock(invoice)
        _check_version(locked, expected_version)
        _check_transition(locked, S.DEPOSEE, roles_of(actor, locked), RECYCLE)
        if len(comment) > COMMENT_MAX:
            raise LifecycleError(_("Le commentaire est trop long."), field="comment")
        routed = _route(
            locked, actor=actor, buyer_siret=buyer_siret, code_service=code_service, engagement=engagement
        )
        before = _routing_snapshot(locked)
        fields = {
            "recipient": routed.recipient,
            "service": routed.service,
            "code_service": routed.code_service,
            "engagement": routed.engagement,
            "buyer_identifier": routed.buyer_siret[:40],
        }
        if routed.recipient.pk != locked.recipient_id:
            # The name read from the file named the wrong entity; lists and exports show the real one.
            fields["buyer_name"] = routed.recipient.name[:200]
        for name, value in fields.items():
            setattr(locked, name, value)
        data = {"recycled": {"before": before, "after": _routing_snapshot(locked)}}
        _change(locked, S.DEPOSEE, actor=actor, comment=comment, data=data, extra_fields=fields)
        event = _change(
            locked,
            S.MISE_A_DISPOSITION,
            actor=actor,
            data=data,
            extra_fields={"delivered_at": timezone.now()},
        )
        _notify(locked, event, kind="recycled")
    return locked


def _routing_snapshot(invoice: Invoice) -> dict:
    """The routing data as the history keeps them (identifiers, not keys: they must outlive renames)."""
    return {
        "recipient": invoice.recipient.identifier,
        "recipient_name": invoice.recipient.name,
        "service": invoice.service.code if invoice.service_id else "",
        "code_service": invoice.code_service,
        "engagement": invoice.engagement,
    }


# --- Suspendue: the supplier adds the missing documents -----------------------------------------------------


def complete_invoice(
    invoice: Invoice, *, actor, attachments, comment: str = "", expected_version=None
) -> Invoice:
    """Add the documents a suspended invoice waits for and send it back to its recipient (`completee`).

    The deposit's limits apply (types checked against the content, sizes, names). The files are read and
    checked before the row is locked, so a large upload does not hold up the accountants; the table is
    checked first so that an intruder learns nothing about files. Completion restarts the payment clock.
    """
    comment = (comment or "").strip()
    current = Invoice.objects.select_related("supplier", "recipient", "service").get(pk=invoice.pk)
    _check_version(current, expected_version)
    _check_transition(current, S.COMPLETEE, roles_of(actor, current), COMPLETE)
    if len(comment) > COMMENT_MAX:
        raise LifecycleError(_("Le commentaire est trop long."), field="comment")
    limits = Limits.from_settings()
    documents = _read_attachments(attachments or [], limits)
    # Files first: a failed commit must also take the stored files away.
    with services.files_removed_on_failure(), transaction.atomic():
        locked = _lock(invoice)
        _check_version(locked, expected_version)
        _check_transition(locked, S.COMPLETEE, roles_of(actor, locked), COMPLETE)
        stored = _store_attachments(locked, documents, actor=actor, comment=comment, limits=limits)
        event = _change(
            locked,
            S.COMPLETEE,
            actor=actor,
            comment=comment,
            data={"attachments": [a.stored_file.original_name for a in stored]},
            extra_fields={"delivered_at": timezone.now()},
        )
        _notify(locked, event)
    return locked


def _read_attachments(files, limits: Limits) -> list[tuple[str, bytes]]:
    """Each upload's name and bytes, or a LifecycleError listing every file refused and why."""
    if not files:
        raise LifecycleError(_("Joignez au moins une pièce."), field="attachments")
    documents, problems = [], []
    for upload in files:
        name = (getattr(upload, "name", "") or "fichier").replace("\\", "/").rsplit("/", 1)[-1].strip()
        name = name or "fichier"
        findings = check_filename(name, limits)
        size = getattr(upload, "size", None)
        data = None
        if size is None or size <= limits.max_file_bytes:
            data = _read_bounded(upload, limits.max_file_bytes + 1)
        if data is None or len(data) > limits.max_file_bytes:
            findings.append(
                deposit_finding("CHORALE-FILE-TOO-LARGE", name, name=name, limit=Size(limits.max_file_bytes))
            )
        else:
            findings += check_attachment(name, data)
        errors = [f for f in findings if f.is_error]
        if errors:
            problems += errors
        else:
            documents.append((name, data))
    if problems:
        raise LifecycleError(" ".join(_finding_text(f) for f in problems), field="attachments")
    return documents


def _read_bounded(upload, limit: int) -> bytes:
    """At most `limit` bytes: a file announcing a false size is still not read past the limit."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    if hasattr(upload, "chunks"):
        parts, total = [], 0
        for chunk in upload.chunks():
            parts.append(chunk)
            total += len(chunk)
            if total >= limit:
                break
        return b"".join(parts)[:limit]
    return upload.read(limit)


def _store_attachments(
    invoice: Invoice, documents: list[tuple[str, bytes]], *, actor, comment: str, limits: Limits
) -> list[InvoiceAttachment]:
    """Keep the files (as deposits keep originals) and attach them, within the per-invoice size limit."""
    total = _stored_bytes(invoice) + sum(len(data) for _name, data in documents)
    if total > limits.max_invoice_bytes:
        finding = deposit_finding(
            "CHORALE-INVOICE-TOO-LARGE",
            "attachments",
            size=Size(total),
            limit=Size(limits.max_invoice_bytes),
        )
        raise LifecycleError(_finding_text(finding), field="attachments")
    attachments = [
        InvoiceAttachment(
            invoice=invoice,
            stored_file=services.store_file(data, name=name, user=actor),
            added_by=actor,
            comment=comment,
        )
        for name, data in documents
    ]
    for attachment in attachments:
        attachment.save()
    return attachments


def _stored_bytes(invoice: Invoice) -> int:
    """What the invoice already weighs: its original and the attachments it has."""
    attached = invoice.attachments.values_list("stored_file__size", flat=True)
    return invoice.original.size + sum(attached)


# --- Rejetée: the supplier acknowledges -------------------------------------------------------------------


def acknowledge_rejection(invoice: Invoice, *, actor) -> Invoice:
    """The supplier has read the rejection: the login banner stops. Not a status change, so no history row."""
    with transaction.atomic():
        locked = _lock(invoice)
        if SUPPLIER not in roles_of(actor, locked):
            raise LifecycleError(_("Seul le fournisseur de la facture peut accuser réception de son rejet."))
        if locked.status != S.REJETEE:
            raise LifecycleError(_("Cette facture n'est pas rejetée."), field="status")
        if locked.rejection_acknowledged_at is None:
            locked.rejection_acknowledged_at = timezone.now()
            locked.save(update_fields=["rejection_acknowledged_at"])
    return locked


def overdue_unacknowledged_rejections(invoices):
    """Among `invoices`, the rejections the supplier has not acknowledged after 7 days."""
    limit = timezone.now() - timedelta(days=REJECTION_ACKNOWLEDGE_DAYS)
    return invoices.filter(
        status=S.REJETEE, rejection_acknowledged_at__isnull=True, status_changed_at__lt=limit
    )


# --- The délai global de paiement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentClock:
    """Where an invoice stands against the 30-day payment deadline, in calendar days (local time).

    `state`: "running" from delivery (or completion) to payment, "paused" while the supplier answers,
    "stopped" once the payment is sent (elapsed days then count to that day), "none" before delivery and
    after a rejection.
    """

    state: str
    started_on: date | None = None
    days_elapsed: int | None = None

    @property
    def days_remaining(self) -> int | None:
        return None if self.days_elapsed is None else PAYMENT_DEADLINE_DAYS - self.days_elapsed

    @property
    def late(self) -> bool:
        return self.days_elapsed is not None and self.days_elapsed > PAYMENT_DEADLINE_DAYS

    @property
    def past_ordonnateur_share(self) -> bool:
        return self.days_elapsed is not None and self.days_elapsed > ORDONNATEUR_SHARE_DAYS


def payment_clock(invoice: Invoice, *, today: date | None = None) -> PaymentClock:
    """The invoice's payment clock on `today` (default: today, local time)."""
    if invoice.delivered_at is None:
        return PaymentClock("none")
    started = timezone.localdate(invoice.delivered_at)
    if invoice.status in CLOCK_RUNNING:
        state, until = "running", today or timezone.localdate()
    elif invoice.status in CLOCK_PAUSED:
        state, until = "paused", timezone.localdate(invoice.status_changed_at)
    elif invoice.status in CLOCK_STOPPED:
        state, until = "stopped", timezone.localdate(invoice.status_changed_at)
    else:
        return PaymentClock("none")
    return PaymentClock(state, started_on=started, days_elapsed=max((until - started).days, 0))


__all__ = [
    "CLOCK_RUNNING",
    "COMPLETE",
    "DELIVER",
    "FINAL_STATUSES",
    "LIFECYCLE_CODES",
    "ORDONNATEUR_SHARE_DAYS",
    "PAYMENT_DEADLINE_DAYS",
    "RECIPIENT",
    "RECYCLE",
    "ROLES",
    "SET_STATUS",
    "STATUS_CODES",
    "SUPPLIER",
    "SYSTEM",
    "TRANSITIONS",
    "IllegalTransition",
    "LifecycleCode",
    "LifecycleError",
    "PaymentClock",
    "RoutingRefused",
    "Transition",
    "VersionConflict",
    "acknowledge_rejection",
    "allowed_transitions",
    "available_actions",
    "complete_invoice",
    "declared",
    "deliver",
    "lifecycle_code",
    "overdue_unacknowledged_rejections",
    "payment_clock",
    "record_deposit",
    "recycle_invoice",
    "roles_of",
    "set_status",
]
