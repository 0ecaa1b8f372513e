"""Pages of the PES export (/factures/pes/): exportable invoices, preview, export, past exports, downloads.

Every page finds its structure or export through the tenant-scoped helpers of `invoices.pes.scope`, which
answer 404 to anyone without the export right there. Downloads ask for a fresh second factor and are
journaled.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import access
from accounts.downloads import require_recent_otp_download
from accounts.twofactor import require_recent_otp
from invoices.models import PesExport
from invoices.pes import export as pes_export
from invoices.pes import report as pes_report
from invoices.pes import scope as pes_scope
from invoices.pes import selection as pes_selection
from invoices.pes import signing as pes_signing
from invoices.pes.acknowledgements import acknowledgements_of
from invoices.pes.forms import ExportFilterForm, ExportSelectionForm, ReexportForm, SigningCertificateForm

LIST_LIMIT = 500


@login_required
@require_GET
def pes_home(request):
    """The structures the user may export for; straight to the structure when there is only one."""
    structures = list(pes_scope.exportable_structures(request.user))
    readable = [s for s in pes_scope.readable_structures(request.user) if s not in structures]
    if len(structures) == 1 and not readable:
        return redirect("invoices:pes_structure", structure=structures[0].uuid)
    return render(request, "invoices/pes/home.html", {"structures": structures, "readable": readable})


def _structure_context(request, structure):
    membership = structure.membership_of_user
    filter_form = ExportFilterForm(request.GET or None, membership=membership)
    filters = filter_form.filters()
    counts = {
        value: pes_scope.exportable_invoices(
            structure, actor=request.user, filters=filters, shape=value
        ).count()
        for value in (PesExport.Shape.PJ_LIST, PesExport.Shape.REF_COMPTA)  # a tie keeps the first
    }
    # Unless a shape was asked for, open on the one holding the invoices there are to export.
    shape = filter_form.shape_value() if request.GET.get("shape") else max(counts, key=counts.get)
    filter_form.show_shape(shape, counts)
    invoices = pes_scope.exportable_invoices(structure, actor=request.user, filters=filters, shape=shape)
    total = counts[shape]
    return {
        "structure": structure,
        "filter_form": filter_form,
        "shape": shape,
        "shape_label": PesExport.Shape(shape).label,
        "invoices": invoices[:LIST_LIMIT],
        "total": total,
        "truncated": total > LIST_LIMIT,
        "exports": pes_scope.structure_exports(structure, actor=request.user)[:50],
        "parameter_errors": [
            {"label": pes_scope.PARAMETER_LABELS.get(e.field, e.field), "message": e.message_fr}
            for e in pes_scope.pes_parameter_errors(structure)
        ],
        "can_admin": access.has_right(request.user, structure, access.ADMIN),
        "certificate": pes_signing.signing_certificate_for(request.user, structure),
    }


@login_required
@require_GET
def pes_structure(request, structure):
    """The exportable invoices of one structure (with filters), and its past exports."""
    structure = pes_scope.get_structure_for_exporter(request.user, structure)
    return render(request, "invoices/pes/structure.html", _structure_context(request, structure))


def _selection(request, structure):
    return ExportSelectionForm(request.POST, structure=structure, user=request.user)


def _back_to_structure(request, structure, form):
    """An invalid selection: its errors as messages, back on the list of exportable invoices."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("invoices:pes_structure", structure=structure.uuid)


def _render_preview(request, structure, form, *, errors=(), details=(), status=200):
    selected = list(form.cleaned_data["invoices"]) if form.is_valid() else []
    shape = (
        form.cleaned_data.get("shape", PesExport.Shape.PJ_LIST)
        if form.is_valid()
        else PesExport.Shape.PJ_LIST
    )
    context = {
        "structure": structure,
        "form": form,
        "shape": shape,
        "shape_label": PesExport.Shape(shape).label,
        "preview": pes_report.preview(structure, selected, shape=shape),
        "problems": list(errors) or pes_selection.export_problems(structure, selected, shape=shape),
        "details": details,
    }
    return render(request, "invoices/pes/preview.html", context, status=status)


@login_required
@require_POST
def pes_preview(request, structure):
    """What the file will hold: per invoice, its documents with their NomPJ and IdUnique."""
    structure = pes_scope.get_structure_for_exporter(request.user, structure)
    form = _selection(request, structure)
    if not form.is_valid():
        return _back_to_structure(request, structure, form)
    return _render_preview(request, structure, form)


@login_required
@require_POST
def pes_run(request, structure):
    structure = pes_scope.get_structure_for_exporter(request.user, structure)
    form = _selection(request, structure)
    if not form.is_valid():
        return _back_to_structure(request, structure, form)
    try:
        export = pes_export.export_pes(
            structure,
            actor=request.user,
            invoices=form.cleaned_data["invoices"],
            shape=form.cleaned_data["shape"],
        )
    except pes_scope.PesExportError as exc:
        return _render_preview(
            request, structure, form, errors=[exc.message], details=exc.details, status=400
        )
    messages.success(
        request,
        _("Export PES écrit : %(files)d fichier(s), %(invoices)d facture(s).")
        % {
            "files": export.files.count(),
            "invoices": export.report.get("invoice_count", 0),
        },
    )
    return redirect("invoices:pes_export", export=export.uuid)


def _detail_context(request, export, reexport_form=None):
    files = list(export.files.order_by("nom_fic", "pk"))
    can_export = pes_scope.export_memberships(request.user).filter(structure=export.structure).exists()
    return {
        "export": export,
        "structure": export.structure,
        "files": [{"n": n, "file": f} for n, f in enumerate(files, start=1)],
        "invoices": pes_report.export_invoice_rows(export),
        "left_out": export.report.get("left_out", []),
        "lines": pes_report.report_lines(export, get_language()),
        "can_export": can_export,
        "reexport_form": (reexport_form or ReexportForm(export=export, user=request.user))
        if can_export
        else None,
        "acknowledgements": acknowledgements_of(export),
    }


@login_required
@require_GET
def pes_export_detail(request, export):
    """One past export: who, when, which invoices, its files (name, size, SHA-256) and its report."""
    export = pes_scope.get_export_for_user(request.user, export, read=True)
    return render(request, "invoices/pes/export.html", _detail_context(request, export))


@login_required
@require_POST
def pes_reexport(request, export):
    """Export again some invoices of a past export, with a reason (journaled); same IdUnique."""
    export = pes_scope.get_export_for_user(request.user, export)
    form = ReexportForm(request.POST, export=export, user=request.user)
    if form.is_valid():
        try:
            new = pes_export.export_pes(
                export.structure,
                actor=request.user,
                invoices=form.cleaned_data["invoices"],
                shape=export.shape,
                reexport_reason=form.cleaned_data["reason"],
            )
        except pes_scope.PesExportError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Réexport écrit ; le motif a été journalisé."))
            return redirect("invoices:pes_export", export=new.uuid)
    return render(request, "invoices/pes/export.html", _detail_context(request, export, form), status=400)


def _export_page(export) -> str:
    return reverse("invoices:pes_export", args=[export.uuid])


@login_required
@require_GET
def pes_file_download(request, export, n):
    # Access first (404 to outsiders), then the fresh second factor: an outsider never reaches the 2FA prompt.
    export = pes_scope.get_export_for_user(request.user, export, read=True)
    pes_file = pes_scope.get_pes_file(export, n)

    @require_recent_otp_download(lambda request: _export_page(export))
    def send(request):
        pes_report.record_download(pes_file, actor=request.user, request=request)
        return pes_report.pes_file_response(pes_file)

    return send(request)


@login_required
@require_GET
def pes_pj_list(request, export, fmt):
    """The IdUnique/NomPJ/TypePJ list the financial software needs for its PJRef (CSV or JSON)."""
    export = pes_scope.get_export_for_user(request.user, export)

    @require_recent_otp_download(lambda request: _export_page(export))
    def send(request):
        pes_report.record_download_list(export, actor=request.user, request=request, fmt=fmt)
        if fmt == "csv":
            body, content_type = pes_report.pj_list_csv(export), "text/csv; charset=utf-8"
        else:
            body, content_type = pes_report.pj_list_json(export), "application/json"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="pj-{export.uuid}.{fmt}"'
        return response

    return send(request)


@login_required
@require_recent_otp
def pes_certificates(request):
    """The user's own signing certificates; adding one is a sensitive action (fresh second factor)."""
    form = SigningCertificateForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            pes_signing.add_signing_certificate(
                request.user,
                pkcs12_bytes=form.cleaned_data["pkcs12"],
                password=form.cleaned_data["password"],
                label=form.cleaned_data["label"],
                structures=form.cleaned_data["structures"],
            )
        except pes_signing.CertificateError as exc:
            form.add_error("pkcs12", exc.message)
        else:
            messages.success(
                request, _("Certificat enregistré : vos exports pour ces structures seront signés.")
            )
            return redirect("invoices:pes_certificates")
    context = {"form": form, "certificates": pes_signing.user_certificates(request.user)}
    return render(request, "invoices/pes/certificates.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
@require_recent_otp
def pes_certificate_revoke(request, certificate):
    certificate = pes_signing.get_certificate_for_user(request.user, certificate)
    pes_signing.revoke_signing_certificate(certificate, actor=request.user)
    messages.success(request, _("Certificat retiré : il ne signera plus vos exports."))
    return redirect("invoices:pes_certificates")
