"""The `invoice_display` template library: amounts, dates, units, notes and formats for people.

`{% load invoice_display %}` then `{{ invoice.total_with_vat|money:invoice.currency }}`, `{{ value|day }}`,
`{{ line.unit|unit_label }}`, `{{ invoice|format_label }}`.
"""

from django import template

from invoices.lifecycle import display

register = template.Library()


@register.filter
def money(value, currency="EUR"):
    return display.amount(value, currency)


@register.filter
def qty(value):
    return display.number(value)


@register.filter
def day(value):
    return display.day(value)


@register.filter
def unit_label(code):
    return display.unit_label(code)


@register.filter
def invoice_notes(note):
    return display.notes(note)


@register.filter
def format_label(obj):
    """The format of an invoice, a deposited document or a report dict, with its profile."""
    if isinstance(obj, dict):
        return display.format_label(obj.get("format"), obj.get("profile"))
    return display.format_label(getattr(obj, "format", ""), getattr(obj, "profile", ""))
