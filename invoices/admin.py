from django.contrib import admin

from invoices.models import Deposit, Invoice, InvoiceEvent, PesExport, StoredFile


class InvoiceEventInline(admin.TabularInline):
    model = InvoiceEvent
    extra = 0
    readonly_fields = ["from_status", "to_status", "actor", "at", "reason", "comment"]
    can_delete = False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "seller_name", "recipient", "status", "total_with_vat", "created_at"]
    list_filter = ["status", "format"]
    search_fields = ["number", "seller_name", "seller_siret", "buyer_identifier"]
    readonly_fields = [f.name for f in Invoice._meta.fields]
    inlines = [InvoiceEventInline]


@admin.register(Deposit)
class DepositAdmin(admin.ModelAdmin):
    list_display = ["uuid", "created_by", "supplier", "status", "channel", "created_at"]
    list_filter = ["status", "channel"]


admin.site.register(StoredFile)
admin.site.register(PesExport)
