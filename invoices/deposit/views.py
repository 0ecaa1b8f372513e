"""The deposit pages: deposit invoice files, the supplier's deposits, and a deposit's report."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.paginator import Paginator
from django.http import JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from accounts import access
from invoices.deposit.flows import flow_progress, start_flow
from invoices.deposit.forms import DepositForm, PlainPdfForm
from invoices.deposit.operations import (
    OversizedUpload,
    deposit_files,
    deposits_for_user,
    get_deposit_for_user,
)
from invoices.deposit.quota import QuotaExceeded
from invoices.deposit.report import readable_layers
from invoices.deposit.tasks import queue_flow
from invoices.deposit.validation import Limits, Size, guard_uploads, is_zip, request_length
from invoices.models import Deposit, DepositStatus

log = logging.getLogger(__name__)

PAGE_SIZE = 25
# Filled in here, and by static/js/flow.js as the flow goes.
COUNTED = gettext_lazy("Factures contrôlées : %(done)s sur %(total)s")


@csrf_exempt
@login_required
def deposit(request):
    """The deposit page. CSRF is checked in `_deposit_post`, once the upload guard is in place: Django's CSRF
    middleware would otherwise parse the whole body (spooling any size to disk) before this view runs."""
    suppliers = access.structures_with_right(request.user, access.DEPOSIT)
    limits = Limits.from_settings()
    if request.method != "POST":
        return _page(request, DepositForm(suppliers=suppliers), PlainPdfForm(), limits)
    length = request_length(request)
    if length > limits.max_request_bytes:
        log.warning("deposit refused before reading: %d bytes from user %s", length, request.user.pk)
        return _refused(request, suppliers, limits, 413, _too_large_message(length, limits))
    guard = guard_uploads(request, limits)
    try:
        request.POST, request.FILES  # noqa: B018 -- parse now, through the guard
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as exc:
        log.warning("deposit refused: %s", exc)
        message = _("Trop de fichiers ou de champs dans un même dépôt.")
        return _refused(request, suppliers, limits, 413, message)
    except (MultiPartParserError, UnreadablePostError) as exc:
        log.warning("deposit refused, unreadable upload: %s", exc)
        message = _("L'envoi est incomplet ou illisible : recommencez.")
        return _refused(request, suppliers, limits, 400, message)
    if guard is not None and guard.request_too_large:
        return _refused(request, suppliers, limits, 413, _too_large_message(length, limits))
    return _deposit_post(request, guard, suppliers, limits)


@csrf_protect
def _deposit_post(request, guard, suppliers, limits):
    form = DepositForm(request.POST, request.FILES, suppliers=suppliers)
    pdf_form = PlainPdfForm(request.POST)
    skipped = guard.oversized if guard is not None else []
    if not suppliers.exists():
        form.add_error(None, _("Votre compte n'a le droit de dépôt de factures dans aucune structure."))
    if not request.FILES.getlist("files") and not any(field == "files" for field, _name in skipped):
        form.add_error("files", _("Choisissez au moins un fichier de facture."))
    forms_valid = form.is_valid() & pdf_form.is_valid()
    if not forms_valid:
        if _wants_json(request):
            return JsonResponse({"errors": _messages_of(form, pdf_form)}, status=400)
        return _page(request, form, pdf_form, limits, status=400)
    files = form.cleaned_data["files"] + [
        OversizedUpload(name) for field, name in skipped if field == "files"
    ]
    attachments = form.cleaned_data["attachments"] + [
        OversizedUpload(name) for field, name in skipped if field == "attachments"
    ]
    try:
        if _several_invoices(files) and not attachments and pdf_form.routing_data() is None:
            # Several invoices are a flow: kept now, checked by the workers while the page shows progress.
            deposit = start_flow(
                request.user, files, supplier=form.cleaned_data.get("supplier"), channel=Deposit.Channel.WEB
            )
            queue_flow(deposit)
        else:
            deposit = deposit_files(
                request.user,
                files,
                supplier=form.cleaned_data.get("supplier"),
                attachments=attachments,
                routing_form=pdf_form.routing_data(),
                channel=Deposit.Channel.WEB,
            )
    except QuotaExceeded as exceeded:
        english = (get_language() or "fr").startswith("en")
        return _refused(request, suppliers, limits, 429, exceeded.message(english))
    url = reverse("invoices:deposit_detail", args=[deposit.uuid])
    if _wants_json(request):
        return JsonResponse({"redirect": url, "status": deposit.status})
    return redirect(url)


def _several_invoices(files) -> bool:
    """More than one file, or a ZIP (read from its first bytes)."""
    if len(files) != 1 or isinstance(files[0], OversizedUpload):
        return len(files) > 1
    head = files[0].read(4)
    files[0].seek(0)
    return is_zip(head)


def _page(request, form, pdf_form, limits, status=200, upload_error=""):
    context = {
        "form": form,
        "pdf_form": pdf_form,
        "limits": limits.for_display(),
        "upload_error": upload_error,
    }
    return render(request, "invoices/deposit/deposit.html", context, status=status)


def _refused(request, suppliers, limits, status, message):
    """The upload itself was refused before any file was read: nothing is recorded, the page says why."""
    if _wants_json(request):
        return JsonResponse({"errors": [message]}, status=status)
    return _page(request, DepositForm(suppliers=suppliers), PlainPdfForm(), limits, status, message)


def _too_large_message(length: int, limits: Limits) -> str:
    return _("Dépôt trop volumineux : %(size)s pour un maximum de %(limit)s par envoi.") % {
        "size": Size(length),
        "limit": Size(limits.max_invoice_bytes),
    }


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _messages_of(*forms) -> list[str]:
    messages = []
    for form in forms:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages += [
                # Translators: a form field's label and one of its errors (French spaces the colon).
                _("%(label)s : %(error)s") % {"label": label, "error": e} if label else str(e)
                for e in errors
            ]
    return messages


@require_GET
@login_required
def deposit_list(request):
    """The deposits of the user and of the supplier structures they deposit for, newest first."""
    page = Paginator(deposits_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "deposit": d,
            "files": [doc["file"] for doc in d.report.get("documents") or d.report.get("sources", [])][:5],
            "integrated": d.report.get("integrated", 0),
            "refused": d.report.get("refused", 0),
        }
        for d in page
    ]
    return render(request, "invoices/deposit/list.html", {"page": page, "rows": rows})


@require_GET
@login_required
def deposit_detail(request, uuid):
    """A deposit's report (compte rendu): every file, what became of it, and every finding."""
    deposit = get_deposit_for_user(request.user, uuid)
    english = (get_language() or "fr").startswith("en")
    report = deposit.report or {}
    done, total = flow_progress(deposit)
    shown_above = report.get("findings", [])
    context = {
        "deposit": deposit,
        "running": deposit.status == DepositStatus.EN_COURS,
        "done": done,
        "total": total,
        "counted": str(COUNTED) % {"done": done, "total": total},
        "counted_template": str(COUNTED),
        "report": readable_layers(None, shown_above, english),
        "documents": [_document(doc, english, shown_above) for doc in report.get("documents", [])],
        "attachments": [_document(doc, english, shown_above) for doc in report.get("attachments", [])],
        "archives": report.get("archives", []),
        "integrated": report.get("integrated", 0),
        "refused": report.get("refused", 0),
        "refused_kept_days": report.get("refused_kept_days", settings.CHORALE_REFUSED_RETENTION_DAYS),
    }
    return render(request, "invoices/deposit/detail.html", context)


def _document(doc: dict, english: bool, shown_above: list[dict]) -> dict:
    findings = doc.get("findings") or []
    return {
        **doc,
        "report": readable_layers(doc.get("layers"), findings, english, shown_above=shown_above),
        "attachments": [_document(a, english, shown_above) for a in doc.get("attachments", [])],
        "invoice_url": invoice_url(doc["invoice"]) if doc.get("invoice") else None,
    }


def invoice_url(uuid: str) -> str | None:
    """The invoice's page, once the invoice pages exist (they belong to the lifecycle views)."""
    try:
        return reverse("invoices:invoice", args=[uuid])
    except NoReverseMatch:
        return None


@require_GET
@login_required
def deposit_progress(request, uuid):
    """A flow's progress for the report page's polling script (404 to anyone else)."""
    deposit = get_deposit_for_user(request.user, uuid)
    done, total = flow_progress(deposit)
    return JsonResponse(
        {
            "status": deposit.status,
            "status_label": str(deposit.get_status_display()),
            "done": done,
            "total": total,
            "finished": deposit.status != DepositStatus.EN_COURS,
        }
    )
