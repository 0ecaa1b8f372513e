"""The yearly archive pages: which structures and years the user may take, and the download itself.

The download asks for a fresh second factor and is journaled: it hands out a whole year of a structure's
invoices. Another structure's archive answers 404, as every other lookup does.
"""

import os

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.downloads import reverify_then_back
from accounts.journal import log_event
from accounts.models import SecurityEvent
from accounts.twofactor import has_recent_otp
from invoices.storage.archive import archive_structures, archive_years, build_yearly_archive


@require_GET
@login_required
def archives(request):
    structures = [(s, archive_years(s)) for s in archive_structures(request.user)]
    return render(request, "invoices/storage/archives.html", {"structures": structures})


@require_GET
@login_required
def archive_download(request, structure_uuid, year: int):
    structure = archive_structures(request.user).filter(uuid=structure_uuid).first()
    if structure is None:
        raise Http404("No such structure")  # before the second-factor check: an outsider learns nothing
    if not has_recent_otp(request):
        return reverify_then_back(request, reverse("invoices:archives"))
    archive = build_yearly_archive(structure, year)
    log_event(
        request.user,
        SecurityEvent.Kind.EXPORT_DOWNLOAD,
        request,
        detail=f"Archive {year} de {structure.name} ({structure.identifier}) : "
        f"{archive.invoices} facture(s), {archive.files} fichier(s)",
    )
    handle = open(archive.path, "rb")  # noqa: SIM115  (FileResponse closes it)
    os.unlink(archive.path)  # the open handle keeps the bytes readable; nothing is left behind on disk
    return FileResponse(handle, as_attachment=True, filename=archive.filename, content_type="application/zip")
