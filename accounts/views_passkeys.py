"""Passkey pages (list, enrolment, rename, removal) and the JSON steps of both WebAuthn ceremonies.

The browser side is static/js/passkeys.js: it asks for options, hands them to the authenticator, and posts its
answer back. A refused step answers {"detail": message} with a 4xx; a passed one {"redirect": url}.
"""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import passkeys, twofactor
from accounts.forms_passkeys import PasskeyNameForm, PasskeyRenameForm
from accounts.views_auth import _next

MAX_BODY_BYTES = 64 * 1024  # an attestation is a few kB; Django's own cap (2 MB) is far above that


def _refused(message, status=400, **extra) -> JsonResponse:
    return JsonResponse({"detail": str(message), **extra}, status=status)


def _json_body(request) -> dict:
    if len(request.body) > MAX_BODY_BYTES:
        raise passkeys.PasskeyError(_("La réponse de la clé est trop longue."))
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise passkeys.PasskeyError(_("La réponse de la clé est illisible : recommencez."))
    return data


def _stale(request) -> JsonResponse:
    """Enrolling a key is a change of second factor: it needs one given in the last minutes."""
    url = f"{reverse('accounts:reverify')}?{urlencode({'next': reverse('accounts:passkey_add')})}"
    return _refused(_("Confirmez d'abord votre identité avec votre second facteur."), 403, reverify=url)


# --- Pages past the second factor ---


@never_cache
def passkeys_view(request):
    keys = [
        (key, PasskeyRenameForm(initial={"name": key.name}, prefix=key.credential_id_sha256[:12]))
        for key in passkeys.passkeys_for(request.user)
    ]
    return render(request, "accounts/auth/passkeys.html", {"keys": keys})


@never_cache
@twofactor.require_recent_otp
def passkey_add_view(request):
    form = PasskeyNameForm(request.POST or None)
    status = 200
    if request.method == "POST":  # the page's script posts elsewhere: this is a browser without JavaScript
        form.add_error(None, _("L'enregistrement d'une clé demande JavaScript : activez-le."))
        status = 400
    return render(request, "accounts/auth/passkey_add.html", {"form": form}, status=status)


@require_POST
@never_cache
def passkey_registration_options_view(request):
    if not twofactor.has_recent_otp(request):
        return _stale(request)
    try:
        return JsonResponse(passkeys.begin_registration(request))
    except passkeys.PasskeyError as error:
        return _refused(error)


@require_POST
@never_cache
def passkey_register_view(request):
    if not twofactor.has_recent_otp(request):
        return _stale(request)
    try:
        data = _json_body(request)
        form = PasskeyNameForm({"name": data.get("name") if isinstance(data.get("name"), str) else ""})
        if not form.is_valid():
            return _refused(" ".join(form.errors["name"]))
        device = passkeys.complete_registration(
            request, credential=data.get("credential"), name=form.cleaned_data["name"]
        )
    except passkeys.PasskeyError as error:
        return _refused(error)
    messages.success(request, _("La clé « %(name)s » est enregistrée.") % {"name": device.name})
    return JsonResponse({"redirect": reverse("accounts:passkeys")})


@require_POST
def passkey_rename_view(request, key_id):
    device = passkeys.get_passkey_for_user(request.user, key_id)
    form = PasskeyRenameForm(request.POST, prefix=key_id[:12])
    if form.is_valid():
        try:
            passkeys.rename_passkey(device, name=form.cleaned_data["name"], request=request)
        except passkeys.PasskeyError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("La clé s'appelle désormais « %(name)s ».") % {"name": device.name})
    else:
        messages.error(request, _("Nom refusé : %(errors)s") % {"errors": " ".join(form.errors["name"])})
    return redirect("accounts:passkeys")


def passkey_remove_view(request, key_id):
    device = passkeys.get_passkey_for_user(request.user, key_id)  # 404 first: a stale session learns nothing
    if not twofactor.has_recent_otp(request):
        return twofactor.reverify_redirect(request)
    if request.method == "POST":
        try:
            passkeys.remove_passkey(device, request=request)
        except passkeys.PasskeyError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("La clé « %(name)s » est retirée.") % {"name": device.name})
        return redirect("accounts:passkeys")
    return render(request, "accounts/auth/passkey_remove.html", {"key": device})


# --- The key as the second step of login, or to confirm a sensitive action ---


def _password_given(request) -> bool:
    return request.user.is_authenticated


@require_POST
@never_cache
def passkey_login_options_view(request):
    if not _password_given(request):
        return _refused(_("Connectez-vous d'abord avec votre mot de passe."), 403)
    try:
        return JsonResponse(passkeys.begin_authentication(request))
    except passkeys.PasskeyError as error:
        return _refused(error)


@require_POST
@never_cache
def passkey_login_view(request):
    if not _password_given(request):
        return _refused(_("Connectez-vous d'abord avec votre mot de passe."), 403)
    default = reverse("accounts:security") if request.user.is_verified() else "/"
    try:
        passkeys.complete_authentication(request, credential=_json_body(request).get("credential"))
    except passkeys.PasskeyError as error:
        return _refused(error)
    return JsonResponse({"redirect": _next(request, default=default)})
