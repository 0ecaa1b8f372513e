"""A mandat the public accountant rejects: the invoice goes back to *service fait* with its history, keeps
the dead mandat in that history, and moves to its next PES revision so that the documents sent again with the
new mandat get a new IdUnique (Hélios refuses an IdUnique it already integrated).

The new mandat is then recorded as the first one was: *service fait* → *mandatée* with its reference
(`set_status(..., mandat=...)`), checked against the PES formats (`mandat_reference`).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from invoices.lifecycle import reasons
from invoices.lifecycle.operations import _change, _check_transition, _check_version, _lock, _notify
from invoices.lifecycle.queries import roles_of
from invoices.lifecycle.transitions import COMMENT_MAX, REJECT_MANDAT, LifecycleError
from invoices.models import Invoice
from invoices.models import InvoiceStatus as S


def _check_rejection_reason(reason: str, comment: str) -> None:
    if not reason:
        raise LifecycleError(_("Le motif du rejet du mandat est obligatoire."), field="reason")
    if reason not in reasons.MANDAT_REJECTION_REASONS:
        raise LifecycleError(
            _("Le motif %(reason)s ne convient pas au rejet d'un mandat. Motifs possibles : %(accepted)s.")
            % {"reason": reason, "accepted": ", ".join(reasons.MANDAT_REJECTION_REASONS)},
            field="reason",
        )
    if reasons.REASONS[reason].needs_comment and not comment:
        raise LifecycleError(
            _("Précisez le motif « %(label)s » en commentaire : %(help)s")
            % {"label": reasons.label(reason), "help": reasons.REASONS[reason].help},
            field="comment",
        )
    if len(comment) > COMMENT_MAX:
        raise LifecycleError(
            _("Le commentaire compte %(n)d caractères ; il en admet au plus %(max)d.")
            % {"n": len(comment), "max": COMMENT_MAX},
            field="comment",
        )


def mandat_of(invoice: Invoice) -> dict:
    return {
        "exercice": invoice.mandat_exercice,
        "bordereau": invoice.mandat_bordereau,
        "numero": invoice.mandat_numero,
        "ligne": invoice.mandat_ligne,
    }


def reject_mandat(
    invoice: Invoice, *, actor, reason: str, comment: str = "", expected_version=None
) -> Invoice:
    """The mandat is rejected (by the public accountant, or recorded by the body): back to *service fait*."""
    reason = (reason or "").strip().upper()
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _lock(invoice)
        _check_version(locked, expected_version)
        _check_transition(locked, S.SERVICE_FAIT, roles_of(actor, locked), REJECT_MANDAT)
        _check_rejection_reason(reason, comment)
        rejected = mandat_of(locked)
        event = _change(
            locked,
            S.SERVICE_FAIT,
            actor=actor,
            reason=reason,
            comment=comment,
            data={"rejected_mandat": rejected, "revision": locked.revision + 1},
            extra_fields={
                "mandat_exercice": None,
                "mandat_bordereau": "",
                "mandat_numero": "",
                "mandat_ligne": "",
                "revision": locked.revision + 1,
            },
        )
        _notify(locked, event)
    return locked
