from rest_framework import serializers

from invoices.models import Invoice, InvoiceEvent


class InvoiceEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = InvoiceEvent
        fields = ["from_status", "to_status", "actor", "at", "reason", "comment"]


class InvoiceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    supplier = serializers.CharField(source="supplier.identifier", read_only=True)
    recipient = serializers.CharField(source="recipient.identifier", read_only=True)
    service = serializers.CharField(source="service.code", read_only=True, default=None)

    class Meta:
        model = Invoice
        fields = [
            "id", "number", "year", "type_code", "format", "profile", "status", "status_changed_at",
            "supplier", "seller_name", "recipient", "buyer_name", "service", "code_service", "engagement",
            "issue_date", "due_date", "currency", "total_without_vat", "total_vat", "total_with_vat", "amount_due",
            "created_at",
        ]
        read_only_fields = fields
