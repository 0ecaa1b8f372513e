"""The invoice workspace: received and sent lists, the invoice page and its actions, dashboards, exports.

Views are adapters: they find invoices through `invoices.lifecycle.queries` (404 to outsiders), call one
operation of `invoices.lifecycle`, and turn its domain errors into form errors.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from accounts import access
from accounts.auth_mail import notify_security_change
from accounts.downloads import require_recent_otp_download
from accounts.journal import log_event
from accounts.models import SecurityEvent
from accounts.redirects import safe_next
from invoices import lifecycle
from invoices.lifecycle import (
    COMPLETE,
    PUBLIC_ACCOUNTANT,
    RECYCLE,
    REJECT_MANDAT,
    SET_STATUS,
    LifecycleError,
    RoutingRefused,
    VersionConflict,
    counters,
    exports,
    reasons,
    rendering,
)
from invoices.lifecycle.bulk import StatusChange, change_statuses
from invoices.lifecycle.filters import (
    SORT_LABELS,
    ReceivedInvoiceFilter,
    SentInvoiceFilter,
    sort_param,
)
from invoices.lifecycle.forms import (
    BulkStatusForm,
    CompleteForm,
    MandatRejectionForm,
    RecycleForm,
    StatusChangeForm,
)
from invoices.lifecycle.queries import (
    DEPOSIT,
    RECIPIENT,
    SUPPLIER,
    TRIAGE,
    apply_sort,
    get_invoice_for_user,
    keyset_page,
    partitions,
    received_invoices_for,
    received_scopes,
    roles_of,
    sent_invoices_for,
    sent_scopes,
)
from invoices.models import Invoice, InvoiceStatus

PAGE_SIZE = 50
INLINE_FORMATS = ("facturx", "pdf")


# --- Lists -------------------------------------------------------------------------------------------------


def _direction_setup(direction: str):
    if direction == "received":
        return ReceivedInvoiceFilter, received_invoices_for
    return SentInvoiceFilter, sent_invoices_for


def _filtered(request, direction: str):
    filter_class, base = _direction_setup(direction)
    filterset = filter_class(request.GET or None, queryset=base(request.user), user=request.user)
    return filterset


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def _list(request, direction: str):
    filterset = _filtered(request, direction)
    sort = sort_param(request.GET)
    sent = direction == "sent"
    queryset = filterset.qs
    scopes = sent_scopes(request.user) if sent else received_scopes(request.user)
    page = keyset_page(
        queryset,
        sort=sort,
        cursor=request.GET.get("cursor", ""),
        size=PAGE_SIZE,
        parts=partitions(scopes, *filterset.partition_dimensions()),
    )
    # Read from the counters (per structure and service): the other filters do not narrow them.
    if sent:
        counts = counters.sent_counts(filterset.counted_structures())
    else:
        counts = counters.received_counts(filterset.counted_scopes())
    status_counts = [
        (value, label, counts.get(value, 0), _query(request, status=value, cursor=None))
        for value, label in InvoiceStatus.choices
    ]
    rows = lifecycle.payment_clocks(page.items)
    sent = direction == "sent"
    context = {
        "direction": direction,
        "filterset": filterset,
        "rows": rows,
        "page": page,
        "sort": sort,
        # The sent list is one supplier's: sorting it by supplier name would change nothing.
        "sort_choices": [(k, v) for k, v in SORT_LABELS.items() if not (sent and k.lstrip("-") == "party")],
        "status_counts": status_counts,
        "total": sum(counts.values()),
        "counts_narrowed": filterset.narrowed(),
        "next_url": _query(request, cursor=page.next_cursor) if page.next_cursor else "",
        "previous_url": _query(request, cursor=page.previous_cursor) if page.previous_cursor else "",
        "export_query": _query(request, cursor=None),
        "sort_urls": {key: _query(request, sort=key, cursor=None) for key in SORT_LABELS},
        "all_statuses_url": _query(request, status=None, cursor=None),
        "bulk_form": None if sent else BulkStatusForm(),
        "dashboard_structures": [] if sent else access.access_of(request.user).structures(TRIAGE),
        "pending_rejections": _pending_rejections(request.user) if sent else [],
    }
    template = "invoices/lifecycle/sent_list.html" if sent else "invoices/lifecycle/received_list.html"
    return render(request, template, context)


def _pending_rejections(user):
    return list(
        lifecycle.overdue_unacknowledged_rejections(sent_invoices_for(user)).order_by("status_changed_at")
    )


@require_GET
def received_list(request):
    return _list(request, "received")


@require_GET
def sent_list(request):
    return _list(request, "sent")


def _list_page(request, direction: str, fmt: str) -> str:
    """The list an export was asked from, with the same filters."""
    query = request.GET.urlencode()
    return reverse(f"invoices:{direction}") + (f"?{query}" if query else "")


@require_GET
@require_recent_otp_download(_list_page)
def list_export(request, direction: str, fmt: str):
    """The current list (same filters and order, every page) as CSV or XLSX."""
    filterset = _filtered(request, direction)
    sort = sort_param(request.GET)
    queryset, field, descending = apply_sort(filterset.qs, sort)
    queryset = queryset.order_by(*([f"-{field}", "-pk"] if descending else [field, "pk"]))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"factures-{'recues' if direction == 'received' else 'emises'}-{stamp}"
    log_event(
        request.user,
        SecurityEvent.Kind.EXPORT_DOWNLOAD,
        request=request,
        detail=f"Liste des factures {'reçues' if direction == 'received' else 'émises'} ({fmt.upper()})",
    )
    notify_security_change(
        request.user, gettext_lazy("un export de votre liste de factures a été téléchargé")
    )
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.list_csv_chunks(queryset), content_type="text/csv; charset=utf-8"
        )
    else:
        response = FileResponse(
            exports.list_xlsx(queryset),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_POST
def bulk_status(request):
    """One status for a selection of received invoices; each invoice gets its own result."""
    form = BulkStatusForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(safe_next(request, reverse("invoices:received")))
    target = form.cleaned_data["target"]
    report = change_statuses(
        [StatusChange(uuid, target) for uuid in form.cleaned_data["invoices"]], actor=request.user
    )
    results = [(r.label, r.invoice, r.ok, r.detail) for r in report]
    return render(
        request,
        "invoices/lifecycle/bulk_result.html",
        {
            "results": results,
            "target_label": InvoiceStatus(target).label,
            "succeeded": sum(1 for r in results if r[2]),
            "back_url": safe_next(request, reverse("invoices:received")),
        },
    )


# --- The invoice page --------------------------------------------------------------------------------------


def _detail(request, invoice: Invoice, *, bound=None, status: int = 200):
    roles = roles_of(request.user, invoice)
    transitions = lifecycle.allowed_transitions(invoice, roles)
    initial = {"version": invoice.version}
    status_forms = []
    recycle_form = complete_form = reject_mandat_form = None
    for transition in transitions:
        if transition.operation == SET_STATUS:
            form = bound if bound is not None and getattr(bound, "transition", None) == transition else None
            status_forms.append(form or StatusChangeForm(initial=initial, transition=transition))
        elif transition.operation == RECYCLE:
            recycle_form = (
                bound
                if isinstance(bound, RecycleForm)
                else RecycleForm(
                    initial={
                        **initial,
                        "recipient_siret": invoice.recipient.identifier,
                        "service_code": invoice.code_service,
                        "engagement": invoice.engagement,
                    }
                )
            )
        elif transition.operation == COMPLETE:
            complete_form = bound if isinstance(bound, CompleteForm) else CompleteForm(initial=initial)
        elif transition.operation == REJECT_MANDAT and reject_mandat_form is None:
            reject_mandat_form = (
                bound if isinstance(bound, MandatRejectionForm) else MandatRejectionForm(initial=initial)
            )
    events = list(invoice.events.select_related("actor").order_by("at", "id"))
    for event in events:
        event.code = lifecycle.lifecycle_code(event.to_status)
        event.reason_label = reasons.label(event.reason) if event.reason else ""
        event.status_label = InvoiceStatus(event.to_status).label
    show_original_inline = invoice.format in INLINE_FORMATS
    context = {
        "invoice": invoice,
        "roles": roles,
        "is_recipient": RECIPIENT in roles,
        "is_supplier": SUPPLIER in roles,
        "is_public_accountant": PUBLIC_ACCOUNTANT in roles,
        "status_label": InvoiceStatus(invoice.status).label,
        "code": lifecycle.lifecycle_code(invoice.status),
        "clock": lifecycle.payment_clock(invoice),
        "deadline_days": invoice.recipient.payment_deadline_days,
        "status_forms": status_forms,
        "reject_mandat_form": reject_mandat_form,
        "recycle_form": recycle_form,
        "complete_form": complete_form,
        "can_acknowledge": SUPPLIER in roles
        and invoice.status == InvoiceStatus.REJETEE
        and invoice.rejection_acknowledged_at is None,
        "events": events,
        "attachments": list(
            invoice.attachments.select_related("stored_file", "added_by").order_by("added_at")
        ),
        "data": rendering.invoice_context(invoice),
        "show_original_inline": show_original_inline,
        "is_final": invoice.status in lifecycle.FINAL_STATUSES,
        "last_rejection": next((e for e in reversed(events) if e.to_status == InvoiceStatus.REJETEE), None),
        "last_request": next((e for e in reversed(events) if e.to_status == invoice.status), None),
    }
    return render(request, "invoices/lifecycle/invoice_detail.html", context, status=status)


@require_GET
def invoice_detail(request, uuid):
    return _detail(request, get_invoice_for_user(request.user, uuid))


def _error_status(error: LifecycleError) -> int:
    return 409 if isinstance(error, VersionConflict | lifecycle.IllegalTransition) else 400


def _attach_error(form, error: LifecycleError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@require_POST
def invoice_status(request, uuid):
    invoice = get_invoice_for_user(request.user, uuid)
    target = request.POST.get("target", "")
    transition = next(
        (t for t in lifecycle.available_actions(invoice, request.user) if t.target == target), None
    )
    if transition is None or transition.operation != SET_STATUS:
        try:
            lifecycle.set_status(
                invoice,
                target,
                actor=request.user,
                expected_version=request.POST.get(f"{target}-version") or None,
            )
        except LifecycleError as error:
            messages.error(request, error.message)
            return _detail(request, invoice, status=_error_status(error))
        return redirect("invoices:invoice", uuid=invoice.uuid)
    form = StatusChangeForm(request.POST, transition=transition)
    if not form.is_valid():
        return _detail(request, invoice, bound=form, status=400)
    try:
        lifecycle.set_status(
            invoice,
            target,
            actor=request.user,
            reason=form.cleaned_data.get("reason", ""),
            comment=form.cleaned_data.get("comment", ""),
            expected_version=form.cleaned_data["version"],
            mandat=form.mandat(),
            service_done_on=form.service_done_on(),
        )
    except VersionConflict as error:
        # Show the invoice as it is now, with the conflict explained: nothing was saved.
        messages.error(request, error.message)
        return _detail(request, get_invoice_for_user(request.user, invoice.uuid), status=409)
    except LifecycleError as error:
        _attach_error(form, error)
        return _detail(request, invoice, bound=form, status=_error_status(error))
    messages.success(
        request,
        _("La facture %(n)s est maintenant « %(s)s ».")
        % {"n": invoice.number, "s": InvoiceStatus(target).label},
    )
    return redirect("invoices:invoice", uuid=invoice.uuid)


@require_POST
def invoice_recycle(request, uuid):
    invoice = get_invoice_for_user(request.user, uuid, right=DEPOSIT)
    form = RecycleForm(request.POST)
    if not form.is_valid():
        return _detail(request, invoice, bound=form, status=400)
    try:
        invoice = lifecycle.recycle_invoice(
            invoice,
            actor=request.user,
            buyer_siret=form.cleaned_data["recipient_siret"],
            code_service=form.cleaned_data["service_code"],
            engagement=form.cleaned_data["engagement"],
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
    except RoutingRefused as error:
        for finding in error.findings:
            field = finding.location if finding.location in form.fields else None
            form.add_error(field, finding.message_en if request.LANGUAGE_CODE == "en" else finding.message)
        return _detail(request, invoice, bound=form, status=400)
    except LifecycleError as error:
        _attach_error(form, error)
        return _detail(request, invoice, bound=form, status=_error_status(error))
    messages.success(
        request,
        _("Facture %(n)s corrigée et transmise à %(r)s.")
        % {"n": invoice.number, "r": invoice.recipient.name},
    )
    return redirect("invoices:invoice", uuid=invoice.uuid)


@require_POST
def invoice_complete(request, uuid):
    invoice = get_invoice_for_user(request.user, uuid, right=DEPOSIT)
    form = CompleteForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, invoice, bound=form, status=400)
    try:
        lifecycle.complete_invoice(
            invoice,
            actor=request.user,
            attachments=form.cleaned_data["attachments"],
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
    except LifecycleError as error:
        _attach_error(form, error)
        return _detail(request, invoice, bound=form, status=_error_status(error))
    messages.success(
        request, _("Facture %(n)s complétée et renvoyée à son destinataire.") % {"n": invoice.number}
    )
    return redirect("invoices:invoice", uuid=invoice.uuid)


@require_POST
def invoice_acknowledge(request, uuid):
    invoice = get_invoice_for_user(request.user, uuid, right=DEPOSIT)
    try:
        lifecycle.acknowledge_rejection(invoice, actor=request.user)
    except LifecycleError as error:
        messages.error(request, error.message)
        return _detail(request, invoice, status=400)
    messages.success(
        request, _("Vous avez pris connaissance du rejet de la facture %(n)s.") % {"n": invoice.number}
    )
    return redirect("invoices:invoice", uuid=invoice.uuid)


# --- Files -------------------------------------------------------------------------------------------------


def _file_response(handle, *, name: str, content_type: str, inline: bool):
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@xframe_options_sameorigin
def invoice_original(request, uuid):
    """The deposited file, byte for byte; PDFs may be shown inline (the page frames them)."""
    invoice = get_invoice_for_user(request.user, uuid)
    stored = invoice.original
    is_pdf = stored.content_type == "application/pdf" or invoice.format in INLINE_FORMATS
    inline = request.GET.get("inline") == "1" and is_pdf
    content_type = "application/pdf" if is_pdf else (stored.content_type or "application/octet-stream")
    if not inline and content_type not in ("application/pdf", "application/xml", "text/xml"):
        content_type = "application/octet-stream"
    return _file_response(
        stored.file.open("rb"), name=stored.original_name, content_type=content_type, inline=inline
    )


@require_GET
@xframe_options_sameorigin
def invoice_rendering(request, uuid):
    """A readable PDF made by the portal from the extracted data (for XML deposits)."""
    invoice = get_invoice_for_user(request.user, uuid)
    response = HttpResponse(rendering.render_invoice_pdf(invoice), content_type="application/pdf")
    disposition = "inline" if request.GET.get("inline") == "1" else "attachment"
    safe_number = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in invoice.number)
    response["Content-Disposition"] = f'{disposition}; filename="facture-{safe_number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def invoice_attachment(request, uuid, file_uuid):
    invoice = get_invoice_for_user(request.user, uuid)
    attachment = invoice.attachments.select_related("stored_file").filter(stored_file__uuid=file_uuid).first()
    if attachment is None:
        raise Http404("No such attachment")
    stored = attachment.stored_file
    return _file_response(
        stored.file.open("rb"),
        name=stored.original_name,
        content_type="application/octet-stream",
        inline=False,
    )


@require_GET
def invoice_history_export(request, uuid, fmt: str):
    """The history in the XP Z12-012 vocabulary (CSV or JSON)."""
    invoice = get_invoice_for_user(request.user, uuid)
    safe_number = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in invoice.number)
    if fmt == "json":
        response = HttpResponse(exports.history_json(invoice), content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(exports.history_csv(invoice), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="historique-{safe_number}.{fmt}"'
    return response


# --- Dashboard per structure -------------------------------------------------------------------------------

AGEING_BUCKETS = (
    ("recent", gettext_lazy("Moins de 20 jours"), 0, lifecycle.ORDONNATEUR_SHARE_DAYS),
    (
        "warn",
        gettext_lazy("De 20 à 30 jours"),
        lifecycle.ORDONNATEUR_SHARE_DAYS,
        lifecycle.PAYMENT_DEADLINE_DAYS,
    ),
    ("late", gettext_lazy("Plus de 30 jours"), lifecycle.PAYMENT_DEADLINE_DAYS, None),
)


def _bars(items, *, width: int = 100):
    """Rows of (key, label, count, bar length in %) for the SVG chart (attributes, so no inline style)."""
    peak = max([count for _key, _label, count in items] or [0]) or 1
    return [(key, label, count, round(count * width / peak, 1)) for key, label, count in items]


@require_GET
def structure_dashboard(request, structure_uuid):
    """Invoices of one structure by status, and their age against the 30-day payment deadline."""
    held = access.access_of(request.user)
    grant = held.grant_by_uuid(structure_uuid)
    if grant is None:
        raise Http404("No such structure")
    if not grant.has(TRIAGE):
        raise PermissionDenied
    structure = grant.structure
    # Read from the counters: the user's scope (their services, if limited) within this structure.
    scopes = [scope for scope in held.received_scopes(TRIAGE) if scope[0] == structure.pk]
    counts = counters.received_counts(scopes)
    by_status = [(value, label, counts.get(value, 0)) for value, label in InvoiceStatus.choices]
    today = timezone.localdate()
    buckets = [(low, high) for _key, _label, low, high in AGEING_BUCKETS]
    sizes = counters.running_by_age(scopes, buckets, today=today)
    ageing = [(key, label, n) for (key, label, _low, _high), n in zip(AGEING_BUCKETS, sizes, strict=True)]
    received_url = reverse("invoices:received") + "?" + urlencode({"structure": str(structure.uuid)})
    running_statuses = urlencode({"status": sorted(lifecycle.CLOCK_RUNNING), "sort": "received"}, doseq=True)
    ageing_urls = []
    for _key, _label, low, high in AGEING_BUCKETS:
        # The same invoices in the list: the day their clock started, between the bucket's bounds.
        first, last = counters.age_bounds(low, high, today)
        days = {k: day for k, day in (("delivered_from", first), ("delivered_to", last)) if day is not None}
        ageing_urls.append(f"{received_url}&{running_statuses}&{urlencode(days)}")
    status_bars = _bars([row for row in by_status if row[2]])
    return render(
        request,
        "invoices/lifecycle/dashboard.html",
        {
            "structure": structure,
            # Each bar links to the received list showing its invoices.
            "status_bars": [(*bar, f"{received_url}&{urlencode({'status': bar[0]})}") for bar in status_bars],
            "ageing_bars": [(*bar, url) for bar, url in zip(_bars(ageing), ageing_urls, strict=True)],
            "total": sum(counts.values()),
            "running": sum(count for _k, _l, count in ageing),
            "received_url": received_url,
            "deadline_days": lifecycle.PAYMENT_DEADLINE_DAYS,
            "share_days": lifecycle.ORDONNATEUR_SHARE_DAYS,
        },
    )


@login_required
def dashboard(request):
    """The home page past login: the user's structures and what awaits them."""
    memberships = request.user.memberships.filter(is_active=True).select_related("structure")
    return render(request, "dashboard.html", {"memberships": memberships})
