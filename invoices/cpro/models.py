"""The connector to Chorus Pro: a structure's connection, the invoices pulled from it, the statuses pushed
back, and the invoices a recipient downloaded through the compatible API."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Structure
from invoices.models import Deposit, Invoice, InvoiceEvent


class Connection(models.Model):
    """A public structure's access to Chorus Pro: its PISTE client and technical account, kept encrypted.

    `account` is the Chorale technical account the connector acts as (deposits, pushed statuses).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    structure = models.OneToOneField(Structure, on_delete=models.PROTECT, related_name="cpro_connection")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    client_id = models.CharField(_("identifiant client PISTE"), max_length=200)
    client_secret_encrypted = models.BinaryField()
    login = models.CharField(_("identifiant du compte technique Chorus Pro"), max_length=200)
    password_encrypted = models.BinaryField()
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    next_sync_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    failures = models.PositiveIntegerField(default=0, help_text=_("Échecs successifs (attente croissante)."))
    pulled_since = models.DateTimeField(
        null=True, blank=True, help_text=_("Les factures dont le statut a changé depuis sont recherchées.")
    )

    class Meta:
        verbose_name = _("connexion à Chorus Pro")
        verbose_name_plural = _("connexions à Chorus Pro")

    def __str__(self):
        return f"Chorus Pro → {self.structure}"


class Attempts(models.Model):
    """What retried work shares: its state, how many attempts, when the next one is due, the last error."""

    class State(models.TextChoices):
        PENDING = "en_attente", _("En attente")
        DONE = "fait", _("Fait")
        REFUSED = "refuse", _("Refusé")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(_("état"), max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PulledInvoice(Attempts):
    """An invoice Chorus Pro received for the structure, deposited into Chorale through the deposit path.

    One row per Chorus Pro invoice and structure, written before anything is downloaded: a pull that stops
    half-way leaves it pending, to be taken up again, and a second pull never takes it twice.
    """

    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="pulled")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="+")
    origin_id = models.BigIntegerField(_("identifiant Chorus Pro (idFacture)"))
    number = models.CharField(_("numéro"), max_length=100, blank=True)
    supplier_code = models.CharField(_("fournisseur (identifiant)"), max_length=40, blank=True)
    supplier_name = models.CharField(_("fournisseur"), max_length=200, blank=True)
    record = models.JSONField(default=dict, blank=True, help_text=_("La ligne de rechercher/recipiendaire."))
    deposit = models.ForeignKey(Deposit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    invoice = models.OneToOneField(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="cpro_origin"
    )
    rounds = models.PositiveIntegerField(
        default=0,
        help_text=_("Relances après un refus : chacune est un nouveau dépôt, les autres tentatives le même."),
    )

    class Meta:
        verbose_name = _("facture reçue de Chorus Pro")
        verbose_name_plural = _("factures reçues de Chorus Pro")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "origin_id"], name="cpro_pulled_origin_unique")
        ]

    def __str__(self):
        return f"Chorus Pro {self.origin_id} ({self.number})"


class StatusPush(Attempts):
    """A status set in Chorale on a pulled invoice, to be told to Chorus Pro (`traiter/recue`), in order."""

    pulled = models.ForeignKey(PulledInvoice, on_delete=models.PROTECT, related_name="pushes")
    event = models.OneToOneField(InvoiceEvent, on_delete=models.PROTECT, related_name="cpro_push")
    status = models.CharField(_("statut Chorus Pro"), max_length=64)
    motif = models.TextField(blank=True)
    numero_dp_mandat = models.CharField(max_length=100, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("statut à transmettre à Chorus Pro")
        ordering = ["event__at", "event_id"]

    def __str__(self):
        return f"{self.pulled} → {self.status}"


class RecipientDownload(models.Model):
    """An invoice its recipient downloaded with `telecharger/groupe` (factureTelechargeeParDestinataire)."""

    invoice = models.OneToOneField(Invoice, on_delete=models.CASCADE, related_name="cpro_download")
    first_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return f"{self.invoice} ({self.first_at:%Y-%m-%d})"
