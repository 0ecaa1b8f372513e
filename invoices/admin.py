"""Support sees deposits, invoices, their history, stored files and PES exports, and changes none of them.

They are evidence (accounting vouchers kept ten years, `invoices.storage.conservation`): no add, change or
delete here. What support really does to them goes through journaled operations, never through a form.
"""

from django.contrib import admin

from accounts.admin_base import NoWrites
from invoices.models import Deposit, Invoice, InvoiceEvent, PesExport, StoredFile


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
