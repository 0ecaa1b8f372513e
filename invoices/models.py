"""Deposits, stored originals, invoices, their statuses and history, and PES exports.

The statuses are declared here; the transition table that moves between them is `invoices.lifecycle`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Service, Structure


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


def stored_file_path(instance, filename):
    # Content-addressed and dated: an original is never overwritten by another upload.
    return f"originals/{timezone.now():%Y/%m}/{instance.sha256[:2]}/{instance.sha256}/{uuid.uuid4().hex}"


class StoredFile(models.Model):
    """An uploaded file kept byte-for-byte, with its size and SHA-256."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(upload_to=stored_file_path, max_length=300)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fichier déposé")
        verbose_name_plural = _("fichiers déposés")

    def __str__(self):
        return f"{self.original_name} ({self.sha256[:12]})"


class Deposit(models.Model):
    """One deposit (a *flux*): one or several files, integrated wholly, partly or refused, with its report."""

    class Channel(models.TextChoices):
        WEB = "web", _("Portail")
        API = "api", _("API")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deposits"
    )
    supplier = models.ForeignKey(
        Structure, null=True, blank=True, on_delete=models.PROTECT, related_name="deposits"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(max_length=32, choices=DepositStatus.choices, default=DepositStatus.EN_COURS)
    idempotency_key = models.CharField(max_length=200, blank=True)
    report = models.JSONField(_("compte rendu"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("dépôt")
        verbose_name_plural = _("dépôts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="deposit_idempotency_unique",
            )
        ]

    def __str__(self):
        return f"Dépôt {self.uuid} ({self.get_status_display()})"


class DepositDocument(models.Model):
    """One file of a deposit and what validation said of it."""

    deposit = models.ForeignKey(Deposit, on_delete=models.CASCADE, related_name="documents")
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="deposit_documents")
    format = models.CharField(max_length=16, blank=True)
    profile = models.CharField(max_length=32, blank=True)
    valid = models.BooleanField(default=False)
    findings = models.JSONField(default=list, blank=True)
    invoice = models.ForeignKey(
        "Invoice", null=True, blank=True, on_delete=models.SET_NULL, related_name="deposit_documents"
    )

    class Meta:
        verbose_name = _("fichier d'un dépôt")
        verbose_name_plural = _("fichiers des dépôts")

    def __str__(self):
        return f"{self.stored_file} ({self.format or '?'})"


class Invoice(models.Model):
    """A delivered invoice and the data extracted from it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("numéro"), max_length=100)
    year = models.PositiveSmallIntegerField(
        _("année"), help_text=_("Année d'émission : le numéro est unique par fournisseur et par année.")
    )
    type_code = models.CharField(_("type"), max_length=3, default="380")
    format = models.CharField(max_length=16)
    profile = models.CharField(max_length=32, blank=True)
    supplier = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="invoices_sent")
    recipient = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="invoices_received")
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    code_service = models.CharField(_("code service"), max_length=100, blank=True)
    engagement = models.CharField(_("numéro d'engagement"), max_length=100, blank=True)
    issue_date = models.DateField(_("date d'émission"))
    due_date = models.DateField(_("date d'échéance"), null=True, blank=True)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    seller_name = models.CharField(_("fournisseur"), max_length=200, blank=True)
    seller_siret = models.CharField(max_length=14, blank=True)
    seller_vat = models.CharField(max_length=20, blank=True)
    buyer_name = models.CharField(_("destinataire"), max_length=200, blank=True)
    buyer_identifier = models.CharField(max_length=40, blank=True)
    total_without_vat = models.DecimalField(_("montant HT"), max_digits=19, decimal_places=2, null=True)
    total_vat = models.DecimalField(_("TVA"), max_digits=19, decimal_places=2, null=True)
    total_with_vat = models.DecimalField(_("montant TTC"), max_digits=19, decimal_places=2, null=True)
    amount_due = models.DecimalField(_("net à payer"), max_digits=19, decimal_places=2, null=True)
    data = models.JSONField(_("données extraites"), default=dict, blank=True)
    original = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="invoices")
    deposited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("statut"), max_length=32, choices=InvoiceStatus.choices, default=InvoiceStatus.DEPOSEE
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0, help_text=_("Incrémenté à chaque changement de statut."))
    delivered_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Départ du délai global de paiement (remis à zéro à la complétion)."),
    )
    # The mandat reference recorded when the invoice is mandated; the PES export links the PJ to it.
    mandat_exercice = models.PositiveSmallIntegerField(null=True, blank=True)
    mandat_bordereau = models.CharField(max_length=20, blank=True)
    mandat_numero = models.CharField(max_length=20, blank=True)
    mandat_ligne = models.CharField(max_length=20, blank=True)
    rejection_acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "number", "year"], name="invoice_number_unique_per_year"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "status", "-created_at"]),
            models.Index(fields=["supplier", "status", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.number} ({self.seller_name})"


class InvoiceAttachment(models.Model):
    """A pièce jointe of an invoice (deposited with it, or added to complete a suspended invoice)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="attachments")
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self):
        return str(self.stored_file)


class InvoiceEvent(models.Model):
    """One row of an invoice's history: every status change, who, when and why."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=32, choices=InvoiceStatus.choices, blank=True)
    to_status = models.CharField(max_length=32, choices=InvoiceStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("motif"), max_length=32, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("événement de l'historique")
        verbose_name_plural = _("historique des factures")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.invoice} {self.from_status or '∅'} → {self.to_status}"


class PesExport(models.Model):
    """One PES V2 export run: one or several PES_Aller files for a structure."""

    class Shape(models.TextChoices):
        REF_COMPTA = "refcompta", _("PJ seules liées au mandat (RefCompta)")
        PJ_LIST = "pj_list", _("PJ seules + liste pour les PJRef du logiciel financier")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="pes_exports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    shape = models.CharField(max_length=16, choices=Shape.choices)
    report = models.JSONField(default=dict, blank=True)
    pj_list = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("export PES")
        verbose_name_plural = _("exports PES")
        ordering = ["-created_at"]

    def __str__(self):
        return f"Export PES {self.uuid} ({self.structure})"


class PesFile(models.Model):
    """A PES_Aller file written by an export (validated before it is offered)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    export = models.ForeignKey(PesExport, on_delete=models.CASCADE, related_name="files")
    nom_fic = models.CharField(max_length=100)
    file = models.FileField(upload_to="pes/%Y/%m/", max_length=300)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("fichier PES")
        verbose_name_plural = _("fichiers PES")

    def __str__(self):
        return self.nom_fic


class PesExportItem(models.Model):
    """An invoice carried by an export; `reason` is set when it is a re-export."""

    export = models.ForeignKey(PesExport, on_delete=models.CASCADE, related_name="items")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="pes_items")
    pes_file = models.ForeignKey(PesFile, null=True, on_delete=models.SET_NULL, related_name="items")
    id_unique = models.CharField(max_length=50)
    nom_pj = models.CharField(max_length=200)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("facture d'un export PES")
        verbose_name_plural = _("factures des exports PES")

    def __str__(self):
        return f"{self.nom_pj} ({self.id_unique})"


class PesSigningCertificate(models.Model):
    """A person's signing certificate (PKCS#12, eIDAS/RGS**) for the PES files of the structures it names.

    A certificate belongs to the one person who holds the delegation: it signs only that person's exports,
    for the structures listed here. The PKCS#12 and its password are stored encrypted (`invoices.pes.export`).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pes_certificates"
    )
    structures = models.ManyToManyField(
        Structure, related_name="pes_certificates", verbose_name=_("structures")
    )
    label = models.CharField(_("nom"), max_length=200)
    subject = models.CharField(_("titulaire"), max_length=500)
    issuer = models.CharField(_("émetteur"), max_length=500)
    serial_number = models.CharField(max_length=100)
    not_after = models.DateTimeField(_("valide jusqu'au"))
    pkcs12_encrypted = models.BinaryField()
    password_encrypted = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("certificat de signature PES")
        verbose_name_plural = _("certificats de signature PES")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.label} ({self.subject})"
