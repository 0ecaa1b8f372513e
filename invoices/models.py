"""Deposits, stored originals, invoices, their statuses and history, and PES exports.

The statuses are declared here; the transition table that moves between them is `invoices.lifecycle`.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
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
    purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    """Set when the bytes of a refused upload were deleted after their retention period; the row and its
    SHA-256 stay, as the record of what was refused."""

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
    documents_total = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Flux asynchrone : nombre de factures, connu une fois les fichiers lus."),
    )

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


class FlowItem(models.Model):
    """One invoice file of an asynchronous deposit (a flow), as the workers take it: waiting, then done.

    A worker claims the file (`claim`, until `claimed_until`) and records its result in one transaction that
    checks the claim is still its own: whatever the workers do, a file is recorded once, its invoice created
    once. A claim past `claimed_until` is a dead worker's and may be taken over.
    """

    deposit = models.ForeignKey(Deposit, on_delete=models.CASCADE, related_name="flow_items")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    container = models.CharField(max_length=255, blank=True)
    stored_file = models.ForeignKey(StoredFile, null=True, on_delete=models.PROTECT, related_name="+")
    findings = models.JSONField(default=list, blank=True, help_text=_("Constats faits avant le contrôle."))
    previous = models.JSONField(null=True, blank=True, help_text=_("Le dépôt antérieur du même fichier."))
    done = models.BooleanField(default=False)
    claim = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    entry = models.JSONField(default=dict, blank=True, help_text=_("Sa partie du compte rendu."))
    invoice = models.ForeignKey("Invoice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("fichier de flux")
        verbose_name_plural = _("fichiers de flux")
        ordering = ["deposit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["deposit", "position"], name="flow_item_position_unique"),
        ]
        indexes = [models.Index(fields=["deposit", "done", "position"])]

    def __str__(self):
        return f"{self.deposit_id}#{self.position} {self.name}"


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
    # No index of their own: every list index below starts with one of them.
    supplier = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="invoices_sent", db_index=False
    )
    recipient = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="invoices_received", db_index=False
    )
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
    # The payment clock (invoices.lifecycle.clock): what the history alone would make every list recompute.
    service_done_on = models.DateField(
        _("date d'exécution des prestations"),
        null=True,
        blank=True,
        help_text=_("Le délai de paiement court à partir de cette date si elle suit la réception."),
    )
    clock_interrupted_at = models.DateTimeField(
        null=True, blank=True, help_text=_("L'unique interruption du délai de paiement (R. 2192-27).")
    )
    clock_balance_days = models.SmallIntegerField(
        null=True, blank=True, help_text=_("Jours qui restaient à courir à l'interruption.")
    )
    clock_period_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("Durée du délai rouvert à la complétion (R. 2192-29) ; vide : celui de la structure."),
    )
    revision = models.PositiveIntegerField(
        default=0,
        help_text=_(
            "Révision des pièces envoyées à Hélios : relevée au rejet d'un mandat ou d'un fichier PES, elle "
            "donne un nouvel IdUnique."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    amount_sort = models.GeneratedField(
        expression=Coalesce("total_with_vat", Value(Decimal("0"))),
        output_field=models.DecimalField(max_digits=19, decimal_places=2),
        db_persist=True,
        help_text=_("Montant TTC, 0 s'il est inconnu : la clé indexée du tri par montant."),
    )

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "number", "year"], name="invoice_number_unique_per_year"
            ),
        ]
        # One index per sort of each list (received: by recipient; sent: by supplier), ending with the id so
        # that a keyset page starts inside the index (`invoices.lifecycle.queries`); the status and supplier
        # filters get theirs in front of the default order. Ageing and per-status counts read counters.
        indexes = [
            *[
                models.Index(fields=[side, *columns, "id"], name=f"invoice_{side[:4]}_{name}")
                for side in ("recipient", "supplier")
                for name, columns in (
                    ("received", ["created_at"]),
                    ("status", ["status", "created_at"]),
                    ("issued", ["issue_date"]),
                    ("amount", ["amount_sort"]),
                    ("number", ["number"]),
                    ("changed", ["status_changed_at"]),
                )
            ],
            models.Index(fields=["recipient", "seller_name", "id"], name="invoice_reci_party"),
            models.Index(fields=["recipient", "supplier", "created_at", "id"], name="invoice_reci_supplier"),
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


class InvoiceCount(models.Model):
    """How many invoices a structure holds in one status: received (per service) or sent.

    Kept by the lifecycle operations in the same transaction as every change they count
    (`invoices.lifecycle.counters`), so that lists and dashboards never count the invoice table;
    `manage.py recount_statuses --check` proves them equal to a real count.
    """

    class Side(models.TextChoices):
        RECEIVED = "r", _("reçues")
        SENT = "s", _("émises")

    side = models.CharField(max_length=1, choices=Side.choices)
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    service_key = models.PositiveIntegerField(
        default=0,
        help_text=_("Identifiant du service destinataire ; 0 : sans service, et toujours côté émis."),
    )
    status = models.CharField(max_length=32, choices=InvoiceStatus.choices)
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur de factures")
        verbose_name_plural = _("compteurs de factures")
        # A plain integer rather than a nullable foreign key: NULLs never conflict, and the counters are
        # upserted on this key (INSERT … ON CONFLICT).
        constraints = [
            models.UniqueConstraint(
                fields=["side", "structure", "service_key", "status"], name="invoice_count_key"
            )
        ]

    def __str__(self):
        return f"{self.get_side_display()} {self.structure_id}/{self.service_key} {self.status}: {self.n}"


class RunningInvoiceCount(models.Model):
    """How many received invoices whose payment clock runs were delivered on a day (local time).

    The dashboard's ageing buckets (under 20 days, 20 to 30, over 30) are sums of these rows; kept and
    checked with `InvoiceCount`.
    """

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    service_key = models.PositiveIntegerField(default=0)
    delivered_on = models.DateField()
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur de délais en cours")
        verbose_name_plural = _("compteurs de délais en cours")
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "service_key", "delivered_on"], name="running_invoice_count_key"
            )
        ]

    def __str__(self):
        return f"{self.structure_id}/{self.service_key} {self.delivered_on}: {self.n}"


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


class HeliosStatus(models.TextChoices):
    """What Hélios answered about a file or a PJ (its acknowledgement, PES_ACQUIT)."""

    PENDING = "", _("En attente de l'acquittement")
    ACCEPTED = "accepted", _("Acceptée par Hélios")
    PARTIAL = "partial", _("Partiellement acceptée par Hélios")
    REJECTED = "rejected", _("Rejetée par Hélios")


class PesFile(models.Model):
    """A PES_Aller file written by an export (validated before it is offered)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    export = models.ForeignKey(PesExport, on_delete=models.CASCADE, related_name="files")
    nom_fic = models.CharField(max_length=100, db_index=True)
    file = models.FileField(upload_to="pes/%Y/%m/", max_length=300)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    helios_status = models.CharField(max_length=16, choices=HeliosStatus.choices, default="", blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

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
    revision = models.PositiveIntegerField(default=0, help_text=_("Révision de la facture à l'export."))
    helios_status = models.CharField(max_length=16, choices=HeliosStatus.choices, default="", blank=True)

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


class DepositDailyUsage(models.Model):
    """Bytes deposited in a day against one daily quota (`invoices.deposit.quota`), refused files included."""

    scope = models.CharField(
        max_length=50, help_text=_("« structure:<id> », ou « user:<id> » pour qui ne dépose pour aucune.")
    )
    day = models.DateField()
    bytes = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("volume déposé du jour")
        verbose_name_plural = _("volumes déposés par jour")
        constraints = [models.UniqueConstraint(fields=["scope", "day"], name="deposit_usage_unique")]

    def __str__(self):
        return f"{self.scope} {self.day}: {self.bytes}"


class PesAcknowledgement(models.Model):
    """An acknowledgement (PES_ACQUIT) Hélios returned for one of our files, as read on import."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pes_file = models.ForeignKey(PesFile, on_delete=models.PROTECT, related_name="acknowledgements")
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict = models.CharField(max_length=16, choices=HeliosStatus.choices)
    file_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    content = models.JSONField(default=dict, help_text=_("L'acquittement lu : en-tête et éléments."))

    class Meta:
        verbose_name = _("acquittement Hélios")
        verbose_name_plural = _("acquittements Hélios")
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["pes_file", "sha256"], name="acknowledgement_imported_once")
        ]

    def __str__(self):
        return f"{self.pes_file} ({self.get_verdict_display()})"


class EcbRate(models.Model):
    """The ECB main refinancing rate in force on the first day of a semester, kept by support.

    Late-payment interest is this rate plus eight points, taken for the semester in which interest started
    (Code de la commande publique, R. 2192-31).
    """

    semester_start = models.DateField(_("premier jour du semestre"), unique=True)
    rate = models.DecimalField(_("taux BCE (%)"), max_digits=6, decimal_places=3)
    source = models.CharField(_("source"), max_length=300)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("taux de refinancement BCE")
        verbose_name_plural = _("taux de refinancement BCE")
        ordering = ["-semester_start"]

    def __str__(self):
        return f"{self.semester_start:%Y-%m-%d} : {self.rate} %"

    def clean(self):
        from django.core.exceptions import ValidationError

        start = self.semester_start
        if start is not None and (start.day, start.month) not in ((1, 1), (1, 7)):
            raise ValidationError(
                {"semester_start": _("Un semestre commence le 1er janvier ou le 1er juillet.")}
            )
