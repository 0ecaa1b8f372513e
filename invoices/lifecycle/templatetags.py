"""Template helpers of the invoice workspace: the unacknowledged-rejection banner, dashboard links, the
supplier's invoices waiting for an answer."""

from urllib.parse import urlencode

from django import template
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import Structure
from invoices import lifecycle
from invoices.lifecycle.queries import sent_invoices_for
from invoices.models import InvoiceStatus

register = template.Library()


@register.inclusion_tag("invoices/lifecycle/_rejection_banner.html", takes_context=True)
def pending_rejections_banner(context):
    """Rejections left unacknowledged for more than 7 days, shown to the supplier's users until read."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"rejections": []}
    rejections = lifecycle.overdue_unacknowledged_rejections(sent_invoices_for(user)).order_by(
        "status_changed_at"
    )
    return {"rejections": list(rejections[:20])}


@register.inclusion_tag("invoices/lifecycle/_dashboard_links.html", takes_context=True)
def invoice_dashboard_links(context):
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"structures": [], "can_deposit": False}
    return {
        "structures": list(
            access.user_structures(user, right=access.TRIAGE).filter(kind=Structure.Kind.PUBLIC)
        ),
        "can_deposit": access.user_structures(user, right=access.DEPOSIT).exists(),
    }


# What waits for the supplier's answer: correct and resend, complete, acknowledge a rejection.
_SUPPLIER_TODO = (
    ("a_recycler", _("À recycler : corriger l'acheminement et renvoyer"), Q(status=InvoiceStatus.A_RECYCLER)),
    ("suspendue", _("Suspendues : compléter avec les pièces demandées"), Q(status=InvoiceStatus.SUSPENDUE)),
    (
        "rejetee",
        _("Rejets dont prendre connaissance"),
        Q(status=InvoiceStatus.REJETEE, rejection_acknowledged_at__isnull=True),
    ),
)


@register.inclusion_tag("invoices/lifecycle/_supplier_todo.html", takes_context=True)
def supplier_todo(context):
    """The supplier's invoices waiting for an answer, counted per kind, each linking to the sent list."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"rows": None}
    if not access.user_structures(user, right=access.DEPOSIT).exists():
        return {"rows": None}
    counts = sent_invoices_for(user).aggregate(
        **{key: Count("pk", filter=condition) for key, _label, condition in _SUPPLIER_TODO}
    )
    sent = reverse("invoices:sent")
    rows = [
        {"key": key, "label": label, "count": counts[key], "url": f"{sent}?{urlencode({'status': key})}"}
        for key, label, _condition in _SUPPLIER_TODO
    ]
    return {"rows": rows, "total": sum(row["count"] for row in rows)}


@register.filter
def status_label(value: str) -> str:
    try:
        return InvoiceStatus(value).label
    except ValueError:
        return value
