"""Pages of the payment chain: the mandat rejection, the public accountant's workspace, the late-payment
report of a structure (page, CSV, XLSX).

Adapters: invoices and structures are found through tenant-scoped helpers (404 to outsiders), each change is
one operation of `invoices.lifecycle`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import access
from accounts.journal import log_event
from accounts.models import SecurityEvent
from accounts.twofactor import require_recent_otp
from invoices import lifecycle
from invoices.lifecycle import LifecycleError, VersionConflict, late_payments
from invoices.lifecycle.forms import MandatRejectionForm
from invoices.lifecycle.queries import accountant_invoices_for, get_invoice_for_user, keyset_page
from invoices.lifecycle.views import _attach_error, _detail, _error_status, _query
from invoices.models import InvoiceStatus

PAGE_SIZE = 50
# What awaits the public accountant: mandated invoices not yet paid.
AWAITING_ACCOUNTANT = (
    InvoiceStatus.MANDATEE,
    InvoiceStatus.MISE_A_DISPOSITION_COMPTABLE,
    InvoiceStatus.COMPTABILISEE,
)


@require_POST
def invoice_reject_mandat(request, uuid):
    invoice = get_invoice_for_user(request.user, uuid)
    form = MandatRejectionForm(request.POST)
    if not form.is_valid():
        return _detail(request, invoice, bound=form, status=400)
    try:
        lifecycle.reject_mandat(
            invoice,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
    except VersionConflict as error:
        messages.error(request, error.message)
        return _detail(request, get_invoice_for_user(request.user, invoice.uuid), status=409)
    except LifecycleError as error:
        _attach_error(form, error)
        return _detail(request, invoice, bound=form, status=_error_status(error))
    messages.success(
        request,
        _("Mandat rejeté : la facture %(n)s revient au statut « Service fait » pour un nouveau mandat.")
        % {"n": invoice.number},
    )
    return redirect("invoices:invoice", uuid=invoice.uuid)


@login_required
@require_GET
def accountant_workspace(request):
    """The public accountant's invoices: those of his poste comptable's structures, his own steps first."""
    structures = list(access.user_structures(request.user, right=access.PUBLIC_ACCOUNTANT))
    invoices = accountant_invoices_for(request.user)
    chosen = request.GET.get("structure", "")
    if chosen:
        invoices = invoices.filter(recipient__uuid__in=[s.uuid for s in structures if str(s.uuid) == chosen])
    scope = request.GET.get("scope", "awaiting")
    if scope == "awaiting":
        invoices = invoices.filter(Q(status__in=AWAITING_ACCOUNTANT))
    page = keyset_page(invoices, sort="-status_changed", cursor=request.GET.get("cursor", ""), size=PAGE_SIZE)
    context = {
        "structures": structures,
        "chosen": chosen,
        "scope": scope,
        "rows": lifecycle.payment_clocks(page.items),
        "next_url": _query(request, cursor=page.next_cursor) if page.next_cursor else "",
        "previous_url": _query(request, cursor=page.previous_cursor) if page.previous_cursor else "",
        "scope_urls": {key: _query(request, scope=key, cursor=None) for key in ("awaiting", "all")},
    }
    return render(request, "invoices/lifecycle/accountant.html", context)


@login_required
@require_GET
def late_payment_report(request, structure_uuid):
    structure, invoices = late_payments.structure_for_report(request.user, structure_uuid)
    rows = late_payments.late_invoices(invoices)
    context = {
        "structure": structure,
        "rows": rows,
        "totals": late_payments.totals(rows),
        "deadline_days": structure.payment_deadline_days,
        "today": timezone.localdate(),
    }
    return render(request, "invoices/lifecycle/late_payments.html", context)


@login_required
@require_GET
def late_payment_export(request, structure_uuid, fmt: str):
    # Access first (404 to outsiders), then the fresh second factor, as every other export.
    structure, invoices = late_payments.structure_for_report(request.user, structure_uuid)

    @require_recent_otp
    def send(request):
        rows = late_payments.late_invoices(invoices)
        log_event(
            request.user,
            SecurityEvent.Kind.EXPORT_DOWNLOAD,
            request=request,
            detail=f"Retards de paiement de {structure.name} ({structure.identifier}, {fmt.upper()})"[:500],
        )
        if fmt == "csv":
            response = HttpResponse(late_payments.report_csv(rows), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                late_payments.report_xlsx(rows),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        stamp = timezone.localtime().strftime("%Y%m%d")
        response["Content-Disposition"] = (
            f'attachment; filename="retards-{structure.identifier}-{stamp}.{fmt}"'
        )
        return response

    return send(request)
