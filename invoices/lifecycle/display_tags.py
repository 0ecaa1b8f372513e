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


# --- Deposit report findings: `Finding.to_dict` dicts, with the optional keys of the French catalogue ---


@register.filter
def errors_only(findings):
    return [f for f in findings or () if f.get("severity") == "error"]


@register.filter
def not_errors(findings):
    return [f for f in findings or () if f.get("severity") != "error"]


def _pair(item) -> tuple[str, str]:
    if isinstance(item, dict):
        key = next((item[k] for k in ("term", "id", "bt", "name", "label") if item.get(k)), "")
        value = next((item[k] for k in ("value", "label", "name") if k in item and item[k] != key), "")
        return str(key), "" if value is None else str(value)
    if isinstance(item, list | tuple) and len(item) == 2:
        return str(item[0]), "" if item[1] is None else str(item[1])
    return "", str(item)


@register.filter
def finding_pairs(finding, key: str) -> list[tuple[str, str]]:
    """A finding's `business_terms` or `values` as (name, text) pairs, whatever shape the report gives them:
    {"BT-112": "1200.00"}, [{"term": "BT-112", "value": "1200.00"}], [["BT-112", "…"]] or ["BT-112"].

    Read with `.get`: in a template, `finding.values` of a dict without that key is the dict's method."""
    value = finding.get(key) if isinstance(finding, dict) else None
    if not value:
        return []
    if isinstance(value, dict):
        return [(str(k), "" if v is None else str(v)) for k, v in value.items()]
    if isinstance(value, str):
        return [("", value)]
    return [_pair(item) for item in value]
