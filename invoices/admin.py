"""Support sees deposits, invoices, their history, stored files and PES exports, and changes none of them.

They are evidence (accounting vouchers kept ten years, `invoices.storage.conservation`): no add, change or
delete here. What support really does to them goes through journaled operations, never through a form.
"""

from django.contrib import admin

from accounts.admin_base import NoWrites
from invoices.models import Deposit, EcbRate, Invoice, InvoiceEvent, PesAcknowledgement, PesExport, StoredFile


class ReadOnlyAdmin(NoWrites, admin.ModelAdmin):
    pass


class InvoiceEventInline(NoWrites, admin.TabularInline):
    model = InvoiceEvent
    extra = 0
    fields = ["from_status", "to_status", "actor", "at", "reason", "comment"]
    readonly_fields = fields


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "seller_name", "recipient", "status", "total_with_vat", "created_at"]
    list_filter = ["status", "format"]
    search_fields = ["number", "seller_name", "seller_siret", "buyer_identifier"]
    inlines = [InvoiceEventInline]


@admin.register(Deposit)
class DepositAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "created_by", "supplier", "status", "channel", "created_at"]
    list_filter = ["status", "channel"]


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "content_type", "size", "sha256", "created_at"]
    search_fields = ["sha256", "original_name"]


@admin.register(PesExport)
class PesExportAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "structure", "created_by", "created_at"]


@admin.register(InvoiceEvent)
class InvoiceEventAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "from_status", "to_status", "actor", "at", "reason"]
    list_select_related = ["invoice", "actor"]


@admin.register(PesAcknowledgement)
class PesAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["pes_file", "verdict", "imported_by", "imported_at"]
    list_filter = ["verdict"]


@admin.register(EcbRate)
class EcbRateAdmin(admin.ModelAdmin):
    """The ECB rate of each semester, kept by support: late-payment interest is this rate plus 8 points."""

    list_display = ["semester_start", "rate", "source", "updated_by", "updated_at"]
    fields = ["semester_start", "rate", "source"]
    ordering = ["-semester_start"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
