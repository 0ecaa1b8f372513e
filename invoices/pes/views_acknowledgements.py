"""Pages of Hélios's answers: importing an acknowledgement, and a structure's exports with what Hélios said
(read-only, for its exporters and its public accountant).

Adapters: the import is `acknowledgements.import_acknowledgement`; structures and exports are found through
`invoices.pes.scope` (404 to anyone who may not read them).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from invoices.models import PesAcknowledgement
from invoices.pes import scope as pes_scope
from invoices.pes.acknowledgements import AcknowledgementRefused, import_acknowledgement
from invoices.pes.forms import AcknowledgementUploadForm


@login_required
def acknowledgement_upload(request):
    """Import an acknowledgement Hélios returned; it finds its export file by NomFic."""
    if not pes_scope.exportable_structures(request.user).exists():
        raise Http404("No structure to import for")
    form = AcknowledgementUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                acknowledgement = import_acknowledgement(
                    form.cleaned_data["file"],
                    actor=request.user,
                    file_name=request.FILES["file"].name,
                    request=request,
                )
            except AcknowledgementRefused as exc:
                form.add_error("file", exc.message)
                for detail in exc.details[:5]:
                    form.add_error("file", detail)
            else:
                messages.success(
                    request,
                    _("Acquittement importé : le fichier %(nom_fic)s est « %(verdict)s ».")
                    % {
                        "nom_fic": acknowledgement.pes_file.nom_fic,
                        "verdict": acknowledgement.get_verdict_display(),
                    },
                )
                return redirect("invoices:pes_export", export=acknowledgement.pes_file.export.uuid)
    return render(request, "invoices/pes/acknowledgement_upload.html", {"form": form}, status=status)


@login_required
@require_GET
def structure_exports_readonly(request, structure):
    """A structure's exports, each file with Hélios's verdict, and the acknowledgements received."""
    structure = pes_scope.get_structure_for_reader(request.user, structure)
    exports = pes_scope.structure_exports(structure, actor=request.user)[:100]
    acknowledgements = (
        PesAcknowledgement.objects.filter(pes_file__export__in=[e.pk for e in exports])
        .select_related("pes_file__export", "imported_by")
        .order_by("-imported_at", "-pk")[:100]
    )
    context = {"structure": structure, "exports": exports, "acknowledgements": acknowledgements}
    return render(request, "invoices/pes/exports_readonly.html", context)
