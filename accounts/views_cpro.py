"""Managers give a software its Chorus Pro-compatible API credentials (fresh second factor; shown once)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts import access, cpro_identity, services
from accounts.forms_structures import TechnicalAccountForm, add_service_error
from accounts.twofactor import has_recent_otp, reverify_redirect


def _shown_once(response):
    response["Cache-Control"] = "no-store"
    return response


@login_required
def cpro_credentials_create(request, structure):
    """A technical account with its OAuth2 client and `cpro-account` login and password."""
    structure = access.get_structure_for_user(request.user, structure, right=access.MANAGE)
    if not has_recent_otp(request):  # after the lookup: an outsider gets 404, not a second-factor prompt
        return reverify_redirect(request)
    form = TechnicalAccountForm(request.POST or None, initial={"rights": [access.DEPOSIT]})
    credentials = None
    if request.method == "POST" and form.is_valid():
        try:
            _account, credentials = cpro_identity.create_cpro_credentials(
                structure, actor=request.user, request=request, **form.cleaned_data
            )
        except services.StructureError as error:
            add_service_error(form, error)
    response = render(
        request,
        "accounts/structures/cpro_credentials.html",
        {"structure": structure, "form": form, "credentials": credentials},
    )
    return _shown_once(response) if credentials else response


@login_required
def cpro_password_renew(request, structure, credential):
    """A new `cpro-account` password for one of the structure's technical accounts, with a new expiry."""
    structure = access.get_structure_for_user(request.user, structure, right=access.MANAGE)
    credential = cpro_identity.get_credential_for_manager(structure, credential)
    if not has_recent_otp(request):
        return reverify_redirect(request)
    renewed = None
    if request.method == "POST":
        renewed = cpro_identity.renew_cpro_password(credential, actor=request.user, request=request)
    response = render(
        request,
        "accounts/structures/cpro_password.html",
        {"structure": structure, "credential": credential, "renewed": renewed},
    )
    return _shown_once(response) if renewed else response
