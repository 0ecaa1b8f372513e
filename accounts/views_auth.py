"""Login in two steps: password, then second factor. (First version: the 2FA engineer grows it.)"""

from django.contrib import auth
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


def login_view(request):
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        auth.login(request, form.get_user())
        return redirect(f"/comptes/second-facteur/?next={_next(request)}")
    return render(request, "accounts/auth/login.html", {"form": form, "next": _next(request)})


def otp_view(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    error = None
    if request.method == "POST":
        device = match_token(request.user, request.POST.get("code", "").replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        error = "Code invalide."
    return render(
        request,
        "accounts/auth/otp.html",
        {"error": error, "next": _next(request), "has_device": user_has_device(request.user)},
    )


@require_POST
def logout_view(request):
    auth.logout(request)
    return redirect("accounts:login")
