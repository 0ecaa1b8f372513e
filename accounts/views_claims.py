"""The page where a person claims the principal-manager role of a public structure and follows their claims.

A thin adapter over `accounts.claims`; support decides in the admin (`accounts.admin_claims`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import claims, services
from accounts.forms_claims import ClaimForm
from accounts.forms_structures import add_service_error


@login_required
def claim_page(request):
    initial = {key: request.GET[key] for key in ("id_type", "identifier") if key in request.GET}
    form = ClaimForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        structure = claims.find_public_structure(data["id_type"], data["identifier"])
        if structure is None:
            form.add_error(
                "identifier",
                _(
                    "Aucune entité publique active ne porte cet identifiant sur Chorale. Le support de "
                    "la plateforme inscrit les entités publiques à partir de l'annuaire : écrivez-lui si "
                    "la vôtre manque."
                ),
            )
        else:
            upload = data["document"]
            try:
                claims.submit_claim(
                    request.user,
                    structure,
                    function=data["function"],
                    message=data["message"],
                    document_name=upload.name,
                    document=upload.read(),
                )
            except services.StructureError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Revendication de « %(name)s » envoyée au support de la plateforme.")
                    % {"name": structure.name},
                )
                return redirect("accounts:claims")
    return render(
        request, "accounts/structures/claims.html", {"form": form, "claims": claims.claims_of(request.user)}
    )
