"""Template helpers of the invoice workspace: the unacknowledged-rejection banner, dashboard links."""

from django import template

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


@register.filter
def status_label(value: str) -> str:
    try:
        return InvoiceStatus(value).label
    except ValueError:
        return value
