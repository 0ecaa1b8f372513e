"""The supplier's directory of recipients: find a public structure, see its services and what they require."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts import public_directory


@login_required
def directory(request):
    query = request.GET.get("q", "").strip()[:200]
    results = public_directory.search_public_structures(query) if query else []
    return render(
        request,
        "accounts/directory/search.html",
        {"query": query, "results": results, "limit": public_directory.SEARCH_LIMIT},
    )


@login_required
def directory_detail(request, entity):
    """A public structure of the directory: public information, open to every user (not a tenant's page)."""
    structure = public_directory.get_public_structure(entity)
    services = [
        {"service": s, "requires": public_directory.requirements(structure, s)}
        for s in structure.active_services
    ]
    return render(
        request,
        "accounts/directory/detail.html",
        {
            "structure": structure,
            "requires": public_directory.requirements(structure),
            "services": services,
            "query": request.GET.get("q", "")[:200],
        },
    )
