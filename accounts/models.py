"""People, structures, services, attachments and the security journal."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import identifiers, payment_terms
from accounts.recovery import hash_recovery_code


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, is_active=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person, or a technical account used by software through the API only."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Personne")
        TECHNICAL = "technical", _("Compte technique")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    language = models.CharField(_("langue"), max_length=8, choices=settings.LANGUAGES, default="fr")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PERSON)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("support plateforme"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    last_api_use = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_technical(self):
        return self.kind == self.Kind.TECHNICAL


class Structure(models.Model):
    """A public entity (recipient of invoices) or a private company (supplier)."""

    class IdType(models.TextChoices):
        SIRET = "siret", _("SIRET")
        EU_VAT = "tva_ue", _("N° de TVA intracommunautaire (hors France)")
        NON_EU = "hors_ue", _("Identifiant hors UE")
        RIDET = "ridet", _("RIDET (Nouvelle-Calédonie)")
        TAHITI = "tahiti", _("Numéro TAHITI")
        PRIVATE_PERSON = "particulier", _("Particulier")

    class Kind(models.TextChoices):
        PUBLIC = "public", _("Entité publique")
        PRIVATE = "private", _("Entreprise privée")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    id_type = models.CharField(
        _("type d'identifiant"), max_length=16, choices=IdType.choices, default=IdType.SIRET
    )
    identifier = models.CharField(_("identifiant"), max_length=40)
    name = models.CharField(_("raison sociale"), max_length=200)
    address = models.TextField(_("adresse"), blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    town = models.CharField(_("commune"), max_length=100, blank=True, db_index=True)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    vat_number = models.CharField(_("n° TVA"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    principal_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="principal_of",
        verbose_name=_("gestionnaire principal"),
        help_text=_("Exactement un par structure : une seule colonne non nulle le garantit en base."),
    )
    # Routing parameters used at deposit (public structures).
    code_service_obligatoire = models.BooleanField(_("code service obligatoire"), default=False)
    engagement_obligatoire = models.BooleanField(_("numéro d'engagement obligatoire"), default=False)
    service_ou_engagement_obligatoire = models.BooleanField(
        _("code service ou numéro d'engagement obligatoire"), default=False
    )
    # Chorus Pro's parameter: the status is reported unless the structure switches it off.
    gestion_mise_en_paiement = models.BooleanField(_("gestion du statut mise en paiement"), default=True)
    payment_category = models.CharField(
        _("catégorie pour le délai de paiement"),
        max_length=32,
        choices=payment_terms.PaymentCategory.choices,
        default=payment_terms.PaymentCategory.STATE_LOCAL,
        help_text=_(
            "Fixe le délai global de paiement (30, 50 ou 60 jours). Modifié par le support, avec un motif."
        ),
    )
    ctc_rules_as_errors = models.BooleanField(
        _("règles de la réforme 2026 bloquantes"),
        default=False,
        help_text=_("Les règles BR-FR refusent la facture au lieu d'avertir."),
    )
    # PES V2 parameters (DGFiP Hélios), required before a first export.
    pes_id_post = models.CharField(_("poste comptable (IdPost)"), max_length=7, blank=True)
    pes_cod_col = models.CharField(_("code collectivité (CodCol)"), max_length=3, blank=True)
    pes_cod_bud = models.CharField(_("code budget (CodBud)"), max_length=2, blank=True)
    pes_libelle_col_bud = models.CharField(_("libellé collectivité/budget"), max_length=38, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        constraints = [
            models.UniqueConstraint(fields=["id_type", "identifier"], name="structure_identifier_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({self.identifier})"

    @property
    def is_public(self):
        return self.kind == self.Kind.PUBLIC

    @property
    def payment_deadline_days(self) -> int:
        return payment_terms.deadline_days(self.payment_category)

    @property
    def siren(self):
        return identifiers.siren_of(self.identifier) if self.id_type == self.IdType.SIRET else ""

    def clean(self):
        from django.core.exceptions import ValidationError

        error = identifiers.check(self.id_type, self.identifier, country=self.country)
        if error:
            raise ValidationError({"identifier": error})


class Service(models.Model):
    """A service of a public structure, named by its code on invoices (BT-10)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="services")
    code = models.CharField(_("code service"), max_length=100)
    name = models.CharField(_("libellé"), max_length=200)
    is_active = models.BooleanField(_("actif"), default=True)
    engagement_obligatoire = models.BooleanField(_("numéro d'engagement obligatoire"), default=False)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [models.UniqueConstraint(fields=["structure", "code"], name="service_code_unique")]
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.name}"

    def delete(self, *args, **kwargs):
        # Invoices may refer to a service by its code: deactivate it instead.
        raise models.ProtectedError(_("Un service ne se supprime pas : désactivez-le."), {self})


class Membership(models.Model):
    """A user's attachment to a structure, with the role and rights held there.

    The principal manager also has a membership (role manager); the principal role itself is
    `Structure.principal_manager`.
    """

    class Role(models.TextChoices):
        MANAGER = "gestionnaire", _("Gestionnaire")
        USER = "utilisateur", _("Utilisateur")
        # The DGFiP public accountant of the structure's poste comptable: reads, and sets only his statuses.
        PUBLIC_ACCOUNTANT = "comptable_public", _("Comptable public (DGFiP)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices, default=Role.USER)
    is_active = models.BooleanField(_("active"), default=True)
    can_deposit = models.BooleanField(_("dépôt de factures"), default=True)
    can_triage = models.BooleanField(_("traitement des factures reçues"), default=True)
    can_export_pes = models.BooleanField(_("export PES"), default=False)
    can_admin = models.BooleanField(_("administration de la structure"), default=False)
    services = models.ManyToManyField(
        Service, blank=True, related_name="members", help_text=_("Vide : tous les services de la structure.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        constraints = [models.UniqueConstraint(fields=["user", "structure"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} @ {self.structure}"

    @property
    def is_principal(self):
        return self.structure.principal_manager_id == self.user_id

    @property
    def is_manager(self):
        return self.is_active and (self.role == self.Role.MANAGER or self.is_principal)


class AttachmentRequest(models.Model):
    """A user's request to be attached to an existing structure."""

    class Status(models.TextChoices):
        PENDING = "en_attente", _("En attente")
        ACCEPTED = "acceptee", _("Acceptée")
        REFUSED = "refusee", _("Refusée")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attachment_requests"
    )
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="attachment_requests")
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demande de rattachement")
        verbose_name_plural = _("demandes de rattachement")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "structure"], condition=Q(status="en_attente"), name="one_pending_request"
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.structure} ({self.get_status_display()})"


def _claim_document_path(claim, filename):
    # Never the uploaded name: it is the user's and only kept, cleaned, in `document_name`.
    return f"claims/{timezone.now():%Y/%m}/{claim.uuid.hex}.pdf"


class PrincipalClaim(models.Model):
    """A person's request to become the principal manager of a public structure, with a supporting document.

    Platform support reviews it (see `accounts.claims`); the document (a delegation or an appointment) is
    kept byte-for-byte with its SHA-256 as the evidence of the decision.
    """

    class Status(models.TextChoices):
        PENDING = "en_attente", _("En attente")
        APPROVED = "approuvee", _("Approuvée")
        REFUSED = "refusee", _("Refusée")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="principal_claims")
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="principal_claims"
    )
    function = models.CharField(_("fonction"), max_length=200, help_text=_("Par exemple : maire, DGS."))
    message = models.TextField(_("message au support"), blank=True)
    document = models.FileField(_("pièce justificative"), upload_to=_claim_document_path, max_length=255)
    document_name = models.CharField(_("nom du fichier déposé"), max_length=255)
    document_size = models.PositiveIntegerField(_("taille (octets)"))
    document_sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(_("statut"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("motif du refus"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("revendication de structure publique")
        verbose_name_plural = _("revendications de structures publiques")
        constraints = [
            models.UniqueConstraint(
                fields=["claimant", "structure"], condition=Q(status="en_attente"), name="one_pending_claim"
            )
        ]

    def __str__(self):
        return f"{self.claimant} → {self.structure} ({self.get_status_display()})"


class SecurityEvent(models.Model):
    """The security journal: what happened to an account, for its owner and for support."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Connexion")
        LOGIN_FAILED = "login_failed", _("Échec de connexion")
        LOGIN_LOCKED = "login_locked", _("Connexion ralentie après des échecs")
        LOCKOUT_CLEARED = "lockout_cleared", _("Blocage de connexion levé par le support")
        OTP_FAILED = "otp_failed", _("Code de second facteur refusé")
        OTP_SENT = "otp_sent", _("Code envoyé par e-mail")
        LOGOUT = "logout", _("Déconnexion")
        FACTOR_ADDED = "factor_added", _("Facteur ajouté")
        FACTOR_REMOVED = "factor_removed", _("Facteur retiré")
        RECOVERY_CODES = "recovery_codes", _("Codes de secours générés")
        RECOVERY_USED = "recovery_used", _("Code de secours utilisé")
        EMAIL_CHANGE_REQUESTED = "email_change_requested", _("Changement d'e-mail demandé")
        EMAIL_CHANGED = "email_changed", _("E-mail modifié")
        PASSWORD_CHANGED = "password_changed", _("Mot de passe modifié")
        TOKEN_CREATED = "token_created", _("Jeton d'API créé")
        TOKEN_REVOKED = "token_revoked", _("Jeton d'API révoqué")
        PRINCIPAL_TRANSFER = "principal_transfer", _("Transfert du rôle de gestionnaire principal")
        EXPORT_DOWNLOAD = "export_download", _("Téléchargement d'un export")
        CLAIM_SUBMITTED = "claim_submitted", _("Revendication du rôle de gestionnaire principal déposée")
        CLAIM_APPROVED = "claim_approved", _("Revendication du rôle de gestionnaire principal approuvée")
        CLAIM_REFUSED = "claim_refused", _("Revendication du rôle de gestionnaire principal refusée")
        PUBLIC_STRUCTURES = (
            "public_structures",
            _("Structures publiques créées ou mises à jour par le support"),
        )
        PAYMENT_TERMS = "payment_terms", _("Délai de paiement d'une structure modifié")
        OTHER = "other", _("Autre")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_events"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("événement de sécurité")
        verbose_name_plural = _("événements de sécurité")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_kind_display()}"


class ApiToken(models.Model):
    """A personal or technical-account API token; only its SHA-256 is stored."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(max_length=12, help_text=_("Début du jeton, pour le reconnaître."))
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        _("expire le"),
        null=True,
        blank=True,
        help_text=_("Jetons personnels : un an par défaut. Vide : sans échéance (comptes techniques)."),
    )

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class PendingEmailChange(models.Model):
    """A login e-mail change waiting for confirmation from the new address."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_changes")
    new_email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("changement d'adresse e-mail en attente")
        verbose_name_plural = _("changements d'adresse e-mail en attente")

    def __str__(self):
        return f"{self.user} → {self.new_email}"


# --- Second factor: recovery codes (see accounts/twofactor.py) ---------------------------------------------

from django_otp.models import Device, ThrottlingMixin  # noqa: E402


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """The user's set of single-use recovery codes, as one django-otp device.

    django-otp's StaticToken keeps short codes in clear; here each code carries 120 random bits and only its
    SHA-256 is stored, so a database leak does not hand out second factors.
    """

    class Meta(Device.Meta):
        verbose_name = _("codes de secours")
        verbose_name_plural = _("codes de secours")

    def get_throttle_factor(self):
        return getattr(settings, "OTP_RECOVERY_THROTTLE_FACTOR", 1)

    def verify_token(self, token):
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        code_hash = hash_recovery_code(token)
        now = timezone.now()
        # A conditional update consumes the code at most once, even with two requests racing.
        used = code_hash is not None and bool(
            self.codes.filter(code_hash=code_hash, used_at__isnull=True).update(used_at=now)
        )
        if used:
            self.throttle_reset(commit=True)
        else:
            self.throttle_increment(commit=True)
        return used

    @property
    def remaining(self):
        return self.codes.filter(used_at__isnull=True).count()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(
        max_length=64, help_text=_("SHA-256 du code normalisé ; le code lui-même n'est pas conservé.")
    )
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("code de secours")
        verbose_name_plural = _("codes de secours")
        constraints = [models.UniqueConstraint(fields=["device", "code_hash"], name="recovery_code_unique")]

    def __str__(self):
        return f"{self.code_hash[:8]}… ({'utilisé' if self.used_at else 'disponible'})"


# --- The Chorus Pro-compatible API's credentials (see accounts/cpro_identity.py) ----------------------------

from accounts.models_cpro import CproAccessToken, CproCredential  # noqa: E402, F401
