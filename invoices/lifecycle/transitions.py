"""The invoice status machine's declared table: who may move an invoice from which status to which.

Chorus Pro's lesson drives the shape: a rejection costs the supplier a whole new invoice, so the table offers
the gentler answers first (*à recycler* for wrong routing data, *suspendue* for missing documents), each with
its own operation (`recycle_invoice`, `complete_invoice`). Statuses are also reported in the vocabulary of the
French 2026 e-invoicing lifecycle (AFNOR XP Z12-012), so the history can be exported in it; the reasons come
from its annex A (`invoices.lifecycle.reasons`). Domain errors live here too: they describe the table.
"""

from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from invoices.lifecycle.clock import reports_payment
from invoices.lifecycle.queries import PUBLIC_ACCOUNTANT, RECIPIENT, SUPPLIER, SYSTEM, roles_of
from invoices.models import Invoice
from invoices.models import InvoiceStatus as S

# Who acts: the recipient's accountants (triage right, on the invoice's service), the supplier's depositors,
# the DGFiP public accountant of the recipient's poste comptable, and the platform itself (actor None) for
# the delivery that follows a deposit.
ROLES = (RECIPIENT, SUPPLIER, PUBLIC_ACCOUNTANT, SYSTEM)

# Which operation performs a transition: a plain status change, or an answer that needs more than a status.
SET_STATUS = "set_status"
DELIVER = "deliver"
RECYCLE = "recycle"
COMPLETE = "complete"
REJECT_MANDAT = "reject_mandat"

# The mandat reference the PES export links the invoice to (exercise, bordereau, mandat number, line).
MANDAT_FIELDS = ("exercice", "bordereau", "numero", "ligne")
MANDAT_FIELD_MAX = 20
COMMENT_MAX = 2000

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
    """Offered only when payment is reported: the recipient's *gestion du statut mise en paiement* is on
    (Chorus Pro's default) and the document asks for a payment (not a credit note)."""


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
    # No COMPLETEE -> SUSPENDUE: a completed invoice has had its one interruption (R. 2192-27).
    T(S.COMPLETEE, S.REJETEE, RECIPIENT, reason_required=True),
    T(S.PRISE_EN_COMPTE, S.SERVICE_FAIT, RECIPIENT),
    T(S.PRISE_EN_COMPTE, S.MANDATEE, RECIPIENT, needs_mandat=True),
    T(S.PRISE_EN_COMPTE, S.A_RECYCLER, RECIPIENT, reason_required=True),
    T(S.PRISE_EN_COMPTE, S.SUSPENDUE, RECIPIENT, reason_required=True),
    T(S.PRISE_EN_COMPTE, S.REJETEE, RECIPIENT, reason_required=True),
    # Once the service is certified the routing is settled: no more recycling, but a missing document can
    # still hold the invoice up (unless the délai was interrupted already: `interruption_refusal`).
    T(S.SERVICE_FAIT, S.MANDATEE, RECIPIENT, needs_mandat=True),
    T(S.SERVICE_FAIT, S.SUSPENDUE, RECIPIENT, reason_required=True),
    T(S.SERVICE_FAIT, S.REJETEE, RECIPIENT, reason_required=True),
    # Public accounting. The public accountant sets his own steps; the body's financial software (a
    # technical account, role RECIPIENT) reports them too where the comptable is not on the platform.
    T(S.MANDATEE, S.MISE_A_DISPOSITION_COMPTABLE, RECIPIENT),
    T(S.MANDATEE, S.COMPTABILISEE, RECIPIENT),
    T(S.MANDATEE, S.COMPTABILISEE, PUBLIC_ACCOUNTANT),
    T(S.MANDATEE, S.MISE_EN_PAIEMENT, RECIPIENT, needs_payment_management=True),
    T(S.MANDATEE, S.MISE_EN_PAIEMENT, PUBLIC_ACCOUNTANT, needs_payment_management=True),
    T(S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE, RECIPIENT),
    T(S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE, PUBLIC_ACCOUNTANT),
    T(S.MISE_A_DISPOSITION_COMPTABLE, S.MISE_EN_PAIEMENT, RECIPIENT, needs_payment_management=True),
    T(S.MISE_A_DISPOSITION_COMPTABLE, S.MISE_EN_PAIEMENT, PUBLIC_ACCOUNTANT, needs_payment_management=True),
    T(S.COMPTABILISEE, S.MISE_EN_PAIEMENT, RECIPIENT, needs_payment_management=True),
    T(S.COMPTABILISEE, S.MISE_EN_PAIEMENT, PUBLIC_ACCOUNTANT, needs_payment_management=True),
    # The comptable rejects the mandat (with a reason): back to *service fait*, where a new mandat is issued.
    # The body records it too when the rejection reaches it through Hélios.
    T(S.MANDATEE, S.SERVICE_FAIT, PUBLIC_ACCOUNTANT, reason_required=True, operation=REJECT_MANDAT),
    T(S.MANDATEE, S.SERVICE_FAIT, RECIPIENT, reason_required=True, operation=REJECT_MANDAT),
    T(
        S.MISE_A_DISPOSITION_COMPTABLE,
        S.SERVICE_FAIT,
        PUBLIC_ACCOUNTANT,
        reason_required=True,
        operation=REJECT_MANDAT,
    ),
    T(
        S.MISE_A_DISPOSITION_COMPTABLE,
        S.SERVICE_FAIT,
        RECIPIENT,
        reason_required=True,
        operation=REJECT_MANDAT,
    ),
    # A suspended invoice the supplier never completes may end up rejected.
    T(S.SUSPENDUE, S.REJETEE, RECIPIENT, reason_required=True),
    # The supplier's answers.
    T(S.A_RECYCLER, S.DEPOSEE, SUPPLIER, operation=RECYCLE),
    T(S.SUSPENDUE, S.COMPLETEE, SUPPLIER, operation=COMPLETE),
)
del T

_TABLE = {(t.source, t.target, t.role): t for t in TRANSITIONS}
FINAL_STATUSES = frozenset(s for s in S.values if not any(t.source == s for t in TRANSITIONS))


def declared(source: str, target: str, role: str) -> Transition | None:
    """The table's entry for this (from, to, role), or None when the table does not declare it."""
    return _TABLE.get((source, target, role))


def interruption_refusal(invoice: Invoice) -> str | None:
    """Why the payment délai of this invoice can no longer be interrupted (suspended), or None.

    Code de la commande publique, R. 2192-27: the délai may be interrupted only once, and, for a buyer with a
    public accountant, only before the expense is ordered (the mandat). A completed invoice was suspended.
    """
    rule = _("(Code de la commande publique, art. R. 2192-27)")
    if invoice.clock_interrupted_at is not None or invoice.status == S.COMPLETEE:
        when = invoice.clock_interrupted_at
        on = formats.date_format(timezone.localtime(when), "SHORT_DATE_FORMAT") if when else "—"
        return _(
            "le délai de paiement a déjà été interrompu (le %(on)s) : il ne peut l'être qu'une seule fois "
            "%(rule)s. Rejetez la facture ou traitez-la sans la suspendre."
        ) % {"on": on, "rule": rule}
    if invoice.status == S.SERVICE_FAIT and invoice.events.filter(to_status=S.MANDATEE).exists():
        return _(
            "la dépense a déjà été mandatée : le délai de paiement ne peut plus être interrompu, "
            "l'interruption n'est possible qu'une seule fois, avant le mandatement %(rule)s."
        ) % {"rule": rule}
    return None


def _offered(transition: Transition, invoice: Invoice) -> bool:
    """Whether the recipient's parameters and the invoice's past let this declared transition be used."""
    if transition.needs_payment_management and not reports_payment(invoice):
        return False
    return transition.target != S.SUSPENDUE or interruption_refusal(invoice) is None


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
        refusal = interruption_refusal(invoice) if target == S.SUSPENDUE else None
        if refusal:
            message = _("La facture est au statut %(current)s : %(why)s") % {
                "current": current,
                "why": refusal,
            }
        elif dedicated:
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
        REJECT_MANDAT: _("rejeter le mandat, avec son motif"),
    }.get(operation, operation)


def _finding_text(finding) -> str:
    return finding.message_en if (get_language() or "fr").startswith("en") else finding.message
