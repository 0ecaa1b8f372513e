"""Invoices deposited before intake cleaned their text: control, format and separator characters become
spaces in the fields that reach e-mails, lists and exports (see `invoices.formats.extract.single_line`)."""

from django.db import migrations

FIELDS = ("number", "seller_name", "buyer_name", "code_service", "engagement", "seller_vat")
_SUSPECT = r"[\x00-\x1f\x7f\u0080-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"


def clean(apps, schema_editor):
    from invoices.formats.extract import single_line

    Invoice = apps.get_model("invoices", "Invoice")
    for field in FIELDS:
        for invoice in Invoice.objects.filter(**{f"{field}__regex": _SUSPECT}).only("pk", field).iterator():
            Invoice.objects.filter(pk=invoice.pk).update(**{field: single_line(getattr(invoice, field))})


class Migration(migrations.Migration):
    dependencies = [("invoices", "0003_vouchers_kept_ten_years")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
