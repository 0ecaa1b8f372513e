from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.errors import ErrorSerializer
from accounts.api.fields import StrictSerializer
from invoices.lifecycle import reasons
from invoices.lifecycle.clock import payment_clock
from invoices.lifecycle.interest import RateTable
from invoices.lifecycle.mandat_reference import number_validator
from invoices.lifecycle.transitions import lifecycle_code
from invoices.models import Invoice, InvoiceAttachment, InvoiceEvent, InvoiceStatus


class InvoiceEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    status_code = serializers.SerializerMethodField(
        help_text="Code du statut dans le cycle de vie XP Z12-012."
    )
    reason_label = serializers.SerializerMethodField()

    class Meta:
        model = InvoiceEvent
        fields = [
            "from_status",
            "to_status",
            "status_code",
            "actor",
            "at",
            "reason",
            "reason_label",
            "comment",
        ]

    def get_status_code(self, event) -> str:
        return lifecycle_code(event.to_status).code

    def get_reason_label(self, event) -> str:
        return reasons.label(event.reason) if event.reason else ""


class PaymentClockSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["running", "paused", "stopped", "none"])
    started_on = serializers.DateField(allow_null=True)
    period_days = serializers.IntegerField(allow_null=True, help_text="Délai de la structure, ou rouvert.")
    due_on = serializers.DateField(allow_null=True)
    days_elapsed = serializers.IntegerField(allow_null=True)
    days_remaining = serializers.IntegerField(allow_null=True)
    days_late = serializers.IntegerField(allow_null=True)
    interest_rate = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True)
    interest = serializers.DecimalField(
        max_digits=19, decimal_places=2, allow_null=True, help_text="Intérêts moratoires dus (retard)."
    )
    indemnity = serializers.DecimalField(
        max_digits=19, decimal_places=2, allow_null=True, help_text="Indemnité forfaitaire de 40 € (retard)."
    )


def clock_data(clock) -> dict:
    penalty = clock.penalty
    return PaymentClockSerializer(
        {
            "state": clock.state,
            "started_on": clock.started_on,
            "period_days": clock.period_days if clock.state != "none" else None,
            "due_on": clock.due_on,
            "days_elapsed": clock.days_elapsed,
            "days_remaining": clock.days_remaining,
            "days_late": clock.days_late if clock.state != "none" else None,
            "interest_rate": penalty.rate if penalty else None,
            "interest": penalty.interest if penalty else None,
            "indemnity": penalty.indemnity if penalty else None,
        }
    ).data


class InvoiceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    supplier = serializers.CharField(source="supplier.identifier", read_only=True)
    recipient = serializers.CharField(source="recipient.identifier", read_only=True)
    service = serializers.CharField(source="service.code", read_only=True, default=None, allow_null=True)
    status_code = serializers.SerializerMethodField(
        help_text="Code du statut dans le cycle de vie XP Z12-012."
    )
    payment_clock = serializers.SerializerMethodField(
        help_text="Délai global de paiement de la structure destinataire (30, 50 ou 60 jours)."
    )

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "year",
            "type_code",
            "format",
            "profile",
            "status",
            "status_code",
            "status_changed_at",
            "version",
            "supplier",
            "seller_name",
            "recipient",
            "buyer_name",
            "service",
            "code_service",
            "engagement",
            "issue_date",
            "due_date",
            "currency",
            "total_without_vat",
            "total_vat",
            "total_with_vat",
            "amount_due",
            "created_at",
            "delivered_at",
            "payment_clock",
            "mandat_exercice",
            "mandat_bordereau",
            "mandat_numero",
            "mandat_ligne",
            "service_done_on",
            "revision",
            "rejection_acknowledged_at",
        ]
        read_only_fields = fields

    def get_status_code(self, invoice) -> str:
        return lifecycle_code(invoice.status).code

    @extend_schema_field(PaymentClockSerializer)
    def get_payment_clock(self, invoice) -> dict:
        # One read of the rate table for a whole page: the context is shared by the page's serializers.
        if "rates" not in self.context:
            self.context["rates"] = RateTable.load()
        return clock_data(payment_clock(invoice, rates=self.context["rates"]))


class InvoiceAttachmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="stored_file.uuid", read_only=True)
    name = serializers.CharField(source="stored_file.original_name", read_only=True)
    size = serializers.IntegerField(source="stored_file.size", read_only=True)
    sha256 = serializers.CharField(source="stored_file.sha256", read_only=True)

    class Meta:
        model = InvoiceAttachment
        fields = ["id", "name", "size", "sha256", "added_at", "comment"]
        read_only_fields = fields


class InvoiceDetailSerializer(InvoiceSerializer):
    history = InvoiceEventSerializer(source="events", many=True, read_only=True)
    attachments = InvoiceAttachmentSerializer(many=True, read_only=True)
    data = serializers.JSONField(read_only=True, help_text="Données extraites de la facture.")
    original = serializers.SerializerMethodField(help_text="URL du fichier déposé.")

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "data", "original", "attachments", "history"]
        read_only_fields = fields

    def get_original(self, invoice) -> str:
        path = reverse("invoice-original", args=[invoice.uuid])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


def _mandat_part(part: str, help_text: str) -> serializers.CharField:
    """One number of the mandat reference, checked against its PES format (a pattern in the schema)."""
    return serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        validators=[number_validator(part)],
        help_text=help_text,
    )


class StatusChangeSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    reason = serializers.ChoiceField(
        choices=reasons.REASON_CODES,
        required=False,
        allow_blank=True,
        help_text="Code motif (XP Z12-012 annexe A) ; obligatoire pour a_recycler, suspendue, rejetee.",
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="La version lue : refus (409) si la facture a changé depuis.",
    )
    mandat_exercice = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=2000,
        max_value=2100,
        help_text="La référence du mandat (exercice, bordereau, numéro ; ligne facultative) est obligatoire "
        "avec mandatee et refusée avec un autre statut (422), comme un exercice pas encore ouvert.",
    )
    mandat_bordereau = _mandat_part("bordereau", "IdBord du PES dépense : 1 à 7 chiffres.")
    mandat_numero = _mandat_part("numero", "IdPce du PES dépense : 1 à 8 chiffres.")
    mandat_ligne = _mandat_part("ligne", "IdLigne du PES dépense : 1 à 6 chiffres.")
    service_done_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Avec service_fait : date d'exécution des prestations (départ du délai si postérieure).",
    )


def mandat_from(data: dict) -> dict | None:
    """The mandat reference of a validated status change, None when none of its fields is given."""
    values = {name: data.get(f"mandat_{name}") for name in ("exercice", "bordereau", "numero", "ligne")}
    return values if any(v not in (None, "") for v in values.values()) else None


class BulkStatusItemSerializer(StatusChangeSerializer):
    id = serializers.UUIDField()


class BulkStatusSerializer(StrictSerializer):
    changes = BulkStatusItemSerializer(many=True, allow_empty=False, max_length=500)


class BulkResultSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    ok = serializers.BooleanField()
    status = serializers.CharField(required=False)
    version = serializers.IntegerField(required=False)
    error = serializers.CharField(
        required=False, help_text="not_found, illegal_transition, conflict, invalid"
    )
    detail = serializers.CharField(required=False)


class BulkResponseSerializer(serializers.Serializer):
    results = BulkResultSerializer(many=True)


class RecycleSerializer(StrictSerializer):
    recipient_siret = serializers.CharField(max_length=20, help_text="SIRET corrigé du destinataire.")
    service_code = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    engagement = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    version = serializers.IntegerField(required=False, allow_null=True)


class CompleteSerializer(serializers.Serializer):
    # Empty files are refused by the operation, with the rest of what is wrong with them (422).
    attachments = serializers.ListField(child=serializers.FileField(allow_empty_file=True), allow_empty=False)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    version = serializers.IntegerField(
        required=False, help_text="La version lue : refus (409) si elle a changé."
    )


class InvoiceErrorSerializer(ErrorSerializer):
    """The API's error body, with what a lifecycle refusal adds."""

    error = serializers.CharField()
    status = serializers.CharField(required=False, help_text="Statut actuel de la facture.")
    allowed = serializers.ListField(child=serializers.CharField(), required=False)
    findings = serializers.ListField(child=serializers.DictField(), required=False)


class MandatRejectionSerializer(StrictSerializer):
    reason = serializers.ChoiceField(
        choices=reasons.MANDAT_REJECTION_REASONS,
        help_text="Motif du rejet du mandat par le comptable public.",
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    version = serializers.IntegerField(required=False, allow_null=True)
