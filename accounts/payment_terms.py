"""The délai global de paiement a public buyer owes its suppliers, set by the buyer's category.

Code de la commande publique: 30 days for contracting authorities (the State, local authorities and their
public establishments: R. 2192-10); 50 days for public health establishments and the armed forces' health
service (R. 2192-11, 1°); 60 days for public undertakings other than local public establishments
(R. 2192-11, 2°). Where a public accountant pays, the délai is shared between the ordonnateur and the
comptable (décret n° 2013-269 du 29 mars 2013, art. 12): 20 + 10 days, and 35 + 15 for health establishments.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentCategory(models.TextChoices):
    STATE_LOCAL = (
        "pouvoir_adjudicateur",
        _("État, collectivités territoriales et leurs établissements (30 jours)"),
    )
    HEALTH = "sante", _("Établissement public de santé, service de santé des armées (50 jours)")
    PUBLIC_UNDERTAKING = "entreprise_publique", _("Entreprise publique (60 jours)")


DEADLINE_DAYS = {
    PaymentCategory.STATE_LOCAL: 30,
    PaymentCategory.HEALTH: 50,
    PaymentCategory.PUBLIC_UNDERTAKING: 60,
}
ORDONNATEUR_SHARE_DAYS = {
    PaymentCategory.STATE_LOCAL: 20,
    PaymentCategory.HEALTH: 35,
    PaymentCategory.PUBLIC_UNDERTAKING: None,
}
LEGAL_BASIS = {
    PaymentCategory.STATE_LOCAL: "R. 2192-10",
    PaymentCategory.HEALTH: "R. 2192-11, 1°",
    PaymentCategory.PUBLIC_UNDERTAKING: "R. 2192-11, 2°",
}


def deadline_days(category: str) -> int:
    """The délai in calendar days; an unknown category gets the common 30 days."""
    return DEADLINE_DAYS.get(category, DEADLINE_DAYS[PaymentCategory.STATE_LOCAL])


def ordonnateur_share_days(category: str) -> int | None:
    """The ordonnateur's part of the délai, None where no public accountant shares it."""
    return ORDONNATEUR_SHARE_DAYS.get(category, ORDONNATEUR_SHARE_DAYS[PaymentCategory.STATE_LOCAL])
