"""Support changes the category that sets a structure's payment délai (30, 50 or 60 days), with a reason.

The category is a fact about the buyer (R. 2192-10, R. 2192-11) that support checks before changing it: the
change moves the deadline of every invoice the structure has not paid yet. It is journaled on the principal
manager's account (who is told in his security journal) and on support's own.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.journal import log_event
from accounts.models import SecurityEvent, Structure
from accounts.payment_terms import PaymentCategory, deadline_days

REASON_MIN = 10


class PaymentCategoryError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@transaction.atomic
def change_payment_category(
    structure: Structure, category: str, *, actor, reason: str, request=None
) -> Structure:
    """Set the structure's payment category; only support (staff) may, and only with a reason."""
    if actor is None or not actor.is_staff:
        raise PaymentCategoryError(_("Seul le support de la plateforme modifie le délai de paiement."))
    if category not in PaymentCategory.values:
        raise PaymentCategoryError(_("Catégorie inconnue : %(c)s.") % {"c": category}, field="category")
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        raise PaymentCategoryError(
            _("Indiquez le motif du changement (%(n)d caractères au moins) : il est journalisé.")
            % {"n": REASON_MIN},
            field="reason",
        )
    locked = Structure.objects.select_for_update().get(pk=structure.pk)
    before = locked.payment_category
    if before == category:
        raise PaymentCategoryError(_("La structure est déjà dans cette catégorie."), field="category")
    locked.payment_category = category
    locked.save(update_fields=["payment_category"])
    detail = (
        f"Délai de paiement de {locked.name} ({locked.identifier}) : {deadline_days(before)} → "
        f"{deadline_days(category)} jours ({category}). Motif : {reason}"
    )[:500]
    for user in {locked.principal_manager, actor}:
        log_event(user, SecurityEvent.Kind.PAYMENT_TERMS, request=request, actor=actor, detail=detail)
    return locked
