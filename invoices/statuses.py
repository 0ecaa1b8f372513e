"""The invoice statuses, in one place; the transition table lives in `invoices.lifecycle`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceStatus(models.TextChoices):
    DEPOSEE = "deposee", _("Déposée")
    MISE_A_DISPOSITION = "mise_a_disposition", _("Mise à disposition du destinataire")
    PRISE_EN_COMPTE = "prise_en_compte", _("Prise en compte par le destinataire")
    SERVICE_FAIT = "service_fait", _("Service fait")
    MANDATEE = "mandatee", _("Mandatée")
    MISE_A_DISPOSITION_COMPTABLE = "mise_a_disposition_comptable", _("Mise à disposition du comptable")
    COMPTABILISEE = "comptabilisee", _("Comptabilisée")
    MISE_EN_PAIEMENT = "mise_en_paiement", _("Mise en paiement")
    A_RECYCLER = "a_recycler", _("À recycler")
    SUSPENDUE = "suspendue", _("Suspendue")
    COMPLETEE = "completee", _("Complétée")
    REJETEE = "rejetee", _("Rejetée")


class DepositStatus(models.TextChoices):
    """Chorus Pro's flux statuses."""

    EN_COURS = "en_cours", _("En cours de traitement")
    INTEGRE = "integre", _("Intégré")
    INTEGRE_PARTIELLEMENT = "integre_partiellement", _("Intégré partiellement")
    REJETE = "rejete", _("Rejeté")
