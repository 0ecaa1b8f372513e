"""The `invoice_display` template library: amounts, dates, units, notes and formats for people.

`{% load invoice_display %}` then `{{ invoice.total_with_vat|money:invoice.currency }}`, `{{ value|day }}`,
`{{ line.unit|unit_label }}`, `{{ invoice|format_label }}`, `{% payment_clock clock %}`,
`{% row_cells invoice direction %}`.
"""

from django import template
from django.template.defaultfilters import date, floatformat
from django.utils.html import format_html
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext

from invoices.lifecycle import display
from invoices.models import InvoiceStatus

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


@register.simple_tag
def payment_clock(clock):
    """One invoice's payment clock: days elapsed and left, and what lateness owes.

    Built in Python rather than included as a template: a list page shows fifty of them, and the included
    template cost ≈10 ms of a page's ≈50 (profiled)."""
    if clock.state == "none":
        return format_html('<span class="muted" data-clock="none">—</span>')
    classes = "ws-clock"
    if clock.late:
        classes += " is-late"
    elif clock.past_ordonnateur_share:
        classes += " is-warn"
    if clock.state != "running":
        classes += " muted"
    title = gettext("Délai de %(n)s jours compté depuis le %(d)s, échéance le %(e)s") % {
        "n": clock.period_days,
        "d": date(clock.started_on, "SHORT_DATE_FORMAT"),
        "e": date(clock.due_on, "SHORT_DATE_FORMAT"),
    }
    prefix = {"paused": gettext("délai interrompu") + " · ", "stopped": gettext("payée") + " · "}
    elapsed = ngettext("%(n)s jour écoulé", "%(n)s jours écoulés", clock.days_elapsed)
    if clock.late:
        left = ngettext("%(n)s jour de retard", "%(n)s jours de retard", clock.days_late)
        left %= {"n": clock.days_late}
    else:
        left = ngettext("reste %(n)s jour", "reste %(n)s jours", clock.days_remaining)
        left %= {"n": clock.days_remaining}
    badge = format_html(
        '<span class="{}" data-clock="{}" data-elapsed="{}" data-remaining="{}" title="{}">{}{} · {}</span>',
        classes,
        clock.state,
        clock.days_elapsed,
        clock.days_remaining,
        title,
        prefix.get(clock.state, ""),
        elapsed % {"n": clock.days_elapsed},
        left,
    )
    return badge + _penalty(clock.penalty) if clock.penalty else badge


def _penalty(penalty):
    if penalty.interest is not None:
        text = gettext("intérêts moratoires %(i)s € (%(r)s %%) + indemnité %(x)s €") % {
            "i": floatformat(penalty.interest, 2),
            "r": floatformat(penalty.rate, 2),
            "x": floatformat(penalty.indemnity, 2),
        }
    else:
        text = gettext(
            "indemnité %(x)s € ; intérêts : taux BCE du semestre commençant le %(s)s non renseigné"
        ) % {"s": date(penalty.missing_semester, "SHORT_DATE_FORMAT"), "x": floatformat(penalty.indemnity, 2)}
    return format_html('<br><span class="ws-penalty" data-testid="late-penalty">{}</span>', text)


@register.simple_tag
def row_cells(invoice, direction="received"):
    """The cells the received and sent lists share: issued, deposited, amount with VAT, status. On a phone
    the row becomes a card, each cell saying what it holds (data-label). In Python for the same reason as
    the clock: fifty rows a page."""
    deposited = gettext("Déposée le") if direction == "sent" else gettext("Reçue le")
    return format_html(
        '<td class="ws-date" data-label="{}">{}</td>'
        '<td class="ws-date" data-label="{}">{}</td>'
        '<td class="num ws-amount" data-label="{}">{}</td>'
        '<td class="ws-status-cell"><span class="badge badge-{}" data-testid="status">{}</span></td>',
        gettext("Émise le"),
        date(invoice.issue_date, "SHORT_DATE_FORMAT"),
        deposited,
        date(template_localtime(invoice.created_at), "SHORT_DATE_FORMAT"),
        gettext("Montant TTC"),
        display.amount(invoice.total_with_vat, invoice.currency),
        invoice.status,
        # Not get_status_display(): it hashes every choice's lazy label on each call.
        InvoiceStatus(invoice.status).label,
    )
