"""`factures/v1/traiter/recue`: a recipient's status change asked in Chorus Pro's terms, made by the
lifecycle.

Chorus Pro takes a status and a free-text `motif`; Chorale's table takes a status, a coded reason (XP Z12-012
annex A) and a comment. The motif chooses the reason when it starts with one of the codes the status accepts
(`JUSTIF_ABS : bon de livraison manquant`), else the status's default reason is used with the motif as its
comment (`invoices.cpro.mapping`). Whether the change is allowed is `invoices.lifecycle.set_status`'s to say.
"""

from django.utils.translation import gettext as _

from invoices.cpro import mapping
from invoices.lifecycle import IllegalTransition, LifecycleError, set_status
from invoices.lifecycle.reasons import STATUS_REASONS
from invoices.models import Invoice, InvoiceStatus

INVALID = "invalid"
STATUS = "status"


class TreatmentRefused(Exception):
    """A change refused: `kind` is INVALID (the request) or STATUS (the table does not allow it)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def treat_received(
    invoice: Invoice, *, actor, status_code: str, motif: str = "", numero_dp_mandat: str = ""
) -> Invoice:
    """Move a received invoice to the Chorus Pro status `status_code`, as `actor` (its recipient)."""
    code = (status_code or "").strip().upper()
    target = mapping.chorale_status(code)
    if target is None or code not in mapping.TRAITER_RECUE_TARGETS:
        raise TreatmentRefused(
            INVALID,
            _("nouveauStatut « %(code)s » : statut inconnu, ou qui ne se donne pas à une facture reçue.")
            % {"code": code},
        )
    motif = " ".join((motif or "").split())
    if code in mapping.MOTIF_REQUIRED and not motif:
        raise TreatmentRefused(
            INVALID,
            _("Le motif est obligatoire pour passer une facture au statut %(code)s.") % {"code": code},
        )
    reason, comment = mapping.reason_and_comment(motif, target, STATUS_REASONS.get(target, ()))
    mandat = _mandat(numero_dp_mandat) if target == InvoiceStatus.MANDATEE else None
    try:
        return set_status(invoice, target, actor=actor, reason=reason, comment=comment, mandat=mandat)
    except IllegalTransition as error:
        raise TreatmentRefused(STATUS, error.message) from error
    except LifecycleError as error:
        raise TreatmentRefused(INVALID, error.message) from error


def _mandat(number: str) -> dict:
    """The mandat reference from `numeroDPMandat`, written `exercice/bordereau/numéro[/ligne]`."""
    parts = [part.strip() for part in str(number or "").split("/")]
    if len(parts) not in (3, 4) or not all(parts[:3]):
        raise TreatmentRefused(
            INVALID,
            _(
                "numeroDPMandat doit donner la référence du mandat sous la forme exercice/bordereau/numéro "
                "(et /ligne s'il y a lieu), par exemple 2026/12/345."
            ),
        )
    return dict(zip(("exercice", "bordereau", "numero", "ligne"), parts, strict=False))
