"""Login in two steps (password, then second factor), sign-up, password reset, and the security pages.

The second factor is enforced for every other page by `accounts.middleware`; these views implement the
steps themselves and the user's own security settings.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from accounts import lockout, passkeys, registration, tokens, twofactor
from accounts.auth_mail import notify_security_change
from accounts.forms_auth import (
    ApiTokenForm,
    ChoralePasswordResetForm,
    CodeForm,
    EmailChangeForm,
    LoginForm,
    RecoveryCodeForm,
    SignupForm,
    TotpConfirmForm,
)
from accounts.journal import events_for_user, log_event
from accounts.models import SecurityEvent, User
from accounts.redirects import safe_next
from accounts.site import site_url

# Rates as django-ratelimit spells them; each can be overridden by a setting of the same name.
_RATES = {
    "CHORALE_LOGIN_RATE_IP": "100/5m",  # offices share one address behind NAT
    "CHORALE_SIGNUP_RATE_IP": "20/h",
    "CHORALE_PASSWORD_RESET_RATE_IP": "20/h",
}


def _rate(name):
    return getattr(settings, name, _RATES[name])


_LOGIN_STEPS = ("/comptes/connexion", "/comptes/second-facteur", "/comptes/deconnexion")


def _next(request, default="/"):
    return safe_next(request, default, refused_prefixes=_LOGIN_STEPS)


def _with_next(url_name, target):
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': target})}" if target and target != "/" else url


def _posted_email(request) -> str:
    return request.POST.get("username", "").strip().lower()[:254]


def _user_by_email(email):
    return User.objects.filter(email__iexact=email).first() if email else None


# --- Password step ---


def _login_rate_limited(request) -> bool:
    """Per address only: per account, failures slow down the next attempts instead (accounts.lockout)."""
    return is_ratelimited(
        request,
        group="chorale.login.ip",
        key="ip",
        rate=_rate("CHORALE_LOGIN_RATE_IP"),
        method="POST",
        increment=True,
    )


def _too_many(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return _("Trop de tentatives de connexion. Réessayez dans %(minutes)s min.") % {"minutes": minutes}


@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(_next(request))
    form = LoginForm(request, data=request.POST or None)
    status, refused = 200, ""
    if request.method == "POST":
        email = _posted_email(request)
        wait = lockout.password_wait(email)
        if _login_rate_limited(request) or wait:
            # The password is not even checked, so that guessing gains nothing while the limit holds, and
            # the attempt is not counted, so that it does not lengthen the wait.
            status, form = 429, LoginForm(request, initial={"username": email})
            refused = _too_many(wait or 5 * 60)
            if user := _user_by_email(email):
                log_event(user, SecurityEvent.Kind.LOGIN_FAILED, request=request, detail="trop de tentatives")
        elif form.is_valid():
            lockout.password_succeeded(email)
            auth.login(request, form.get_user())  # rotates the session key
            return redirect(_with_next("accounts:otp", _next(request)))
        else:
            if user := _user_by_email(email):
                log_event(
                    user, SecurityEvent.Kind.LOGIN_FAILED, request=request, detail="mot de passe refusé"
                )
            lockout.password_failed(email, user=user, request=request)
    context = {"form": form, "next": _next(request), "refused": refused}
    return render(request, "accounts/auth/login.html", context, status=status)


# --- Second-factor step (login) and re-verification (sensitive actions) ---


def _factor_step(request, *, template, on_success, success_url):
    """Ask for the code of the user's app (or a recovery code), or for a code e-mailed to them."""
    user = request.user
    totp = twofactor.totp_device_for(user)
    recovery = twofactor.recovery_device_for(user)
    has_passkey = passkeys.has_passkey(user)
    code_form, recovery_form = CodeForm(), RecoveryCodeForm()
    action = request.POST.get("action", "code")
    status = 200
    if request.method == "POST" and action == "resend" and totp is None:
        sent, message = twofactor.send_email_code(user, request=request, force=True)
        (messages.success if sent else messages.warning)(request, message)
        return redirect(request.get_full_path())
    if request.method == "POST" and action in ("code", "recovery"):
        form = RecoveryCodeForm(request.POST) if action == "recovery" else CodeForm(request.POST)
        field = "recovery_code" if action == "recovery" else "code"
        device = recovery if action == "recovery" else (totp or twofactor.email_device_for(user))
        if action == "recovery":
            recovery_form = form
        else:
            code_form = form
        if not form.is_valid():
            pass
        elif device is None:
            form.add_error(field, _("Aucun code de secours n'est disponible pour ce compte."))
        else:
            try:
                verified = twofactor.check_code(request, user, device, form.cleaned_data[field])
            except twofactor.Throttled as error:
                form.add_error(field, str(error))
                status = 429
            except twofactor.SecondFactorError as error:
                form.add_error(field, str(error))
            else:
                on_success(request, verified)
                return redirect(success_url)
    elif totp is None and not has_passkey:  # with a passkey, a code is e-mailed only when asked for
        sent, message = twofactor.send_email_code(user, request=request)
        if message:
            messages.info(request, message)
    context = {
        "code_form": code_form,
        "recovery_form": recovery_form,
        "uses_app": totp is not None,
        "has_passkey": has_passkey,
        "has_recovery": recovery is not None and recovery.remaining > 0,
        "app_name": totp.name if totp else "",
        "email": user.email,
        "minutes": settings.OTP_EMAIL_TOKEN_VALIDITY // 60,
        "next": _next(request),
    }
    return render(request, template, context, status=status)


@never_cache
def otp_view(request):
    if not request.user.is_authenticated:
        return redirect(_with_next("accounts:login", _next(request)))
    if request.user.is_verified():
        return redirect(_next(request))
    return _factor_step(
        request,
        template="accounts/auth/otp.html",
        on_success=twofactor.complete_login,
        success_url=_next(request),
    )


@never_cache
def reverify_view(request):
    """Give the second factor again before a sensitive action (see twofactor.require_recent_otp)."""
    return _factor_step(
        request,
        template="accounts/auth/reverify.html",
        on_success=twofactor.mark_verified,
        success_url=_next(request, default=reverse("accounts:security")),
    )


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        log_event(request.user, SecurityEvent.Kind.LOGOUT, request=request)
    auth.logout(request)  # flushes the session: its key and data are gone
    messages.info(request, _("Déconnexion effectuée."))
    return redirect("accounts:login")


# --- Sign-up and activation ---


@sensitive_post_parameters("password1", "password2")
@never_cache
def signup_view(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limited = is_ratelimited(
            request,
            group="chorale.signup.ip",
            key="ip",
            rate=_rate("CHORALE_SIGNUP_RATE_IP"),
            method="POST",
            increment=True,
        )
        if limited:
            form.add_error(None, _("Trop d'inscriptions depuis cette adresse. Réessayez plus tard."))
            return render(request, "accounts/auth/signup.html", {"form": form}, status=429)
        registration.sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            language=get_language() or "fr",
        )
        request.session["signup_email"] = form.cleaned_data["email"]
        return redirect("accounts:signup_done")
    return render(request, "accounts/auth/signup.html", {"form": form})


def signup_done_view(request):
    return render(
        request,
        "accounts/auth/signup_done.html",
        {"email": request.session.get("signup_email", ""), "minutes": settings.ACCOUNT_ACTIVATION_MINUTES},
    )


@never_cache
def activate_view(request, token):
    """GET shows a button, POST activates: mail scanners that follow links must not activate accounts."""
    try:
        user = registration.user_for_activation_token(token)
        if request.method == "POST":
            registration.activate_account(user, request=request)
            messages.success(request, _("Votre adresse est confirmée. Vous pouvez vous connecter."))
            return redirect("accounts:login")
    except registration.AccountError as error:
        return render(request, "accounts/auth/activate.html", {"error": str(error)}, status=400)
    return render(request, "accounts/auth/activate.html", {"account": user})


# --- Password reset (Django's views, our templates, rate-limited and journaled) ---


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/auth/password_reset_form.html"
    email_template_name = "emails/password_reset.txt"
    subject_template_name = "emails/password_reset_subject.txt"
    form_class = ChoralePasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        # The links point at the host serving this request unless SITE_URL is set (accounts/site.py).
        self.extra_email_context = {"site_url": site_url()}
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        limited = is_ratelimited(
            self.request,
            group="chorale.reset.ip",
            key="ip",
            rate=_rate("CHORALE_PASSWORD_RESET_RATE_IP"),
            method="POST",
            increment=True,
        )
        if limited:  # same answer as a success: the page must not reveal anything
            return redirect(self.success_url)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/auth/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/auth/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        log_event(
            form.user, SecurityEvent.Kind.PASSWORD_CHANGED, request=self.request, detail="réinitialisation"
        )
        notify_security_change(form.user, gettext_lazy("votre mot de passe a été réinitialisé"))
        # Whoever knew the old password may have made tokens; the owner, who proved the mailbox, may log in.
        tokens.revoke_personal_tokens(form.user, reason="mot de passe réinitialisé", request=self.request)
        lockout.password_succeeded(form.user.email)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/auth/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/auth/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session, ends the others
        log_event(self.request.user, SecurityEvent.Kind.PASSWORD_CHANGED, request=self.request)
        notify_security_change(self.request.user, gettext_lazy("votre mot de passe a été modifié"))
        messages.success(self.request, _("Votre mot de passe a été modifié."))
        return response


# --- Changing the login e-mail ---


@twofactor.require_recent_otp
def email_change_view(request):
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration.request_email_change(
                request.user, new_email=form.cleaned_data["new_email"], request=request
            )
        except registration.AccountError as error:
            form.add_error("new_email", str(error))
        else:
            messages.success(
                request,
                _(
                    "Un lien de confirmation a été envoyé à %(email)s. "
                    "Votre adresse changera quand vous l'aurez suivi."
                )
                % {"email": form.cleaned_data["new_email"]},
            )
            return redirect("accounts:security")
    return render(request, "accounts/auth/email_change.html", {"form": form})


@never_cache
def email_confirm_view(request, token):
    """Reached from the mailbox of the new address, logged in or not. POST confirms (see activate_view)."""
    try:
        change = registration.pending_email_change(token)
        if request.method == "POST":
            registration.confirm_email_change(token, request=request)
            messages.success(
                request,
                _("Votre adresse de connexion est désormais %(email)s.") % {"email": change.new_email},
            )
            return redirect("dashboard" if request.user.is_authenticated else "accounts:login")
    except registration.AccountError as error:
        return render(request, "accounts/auth/email_confirm.html", {"error": str(error)}, status=400)
    return render(request, "accounts/auth/email_confirm.html", {"change": change})


# --- Security pages ---


def security_view(request):
    user = request.user
    recovery = twofactor.recovery_device_for(user)
    return render(
        request,
        "accounts/auth/security.html",
        {
            "totp": twofactor.totp_device_for(user),
            "passkeys": passkeys.passkeys_for(user),
            "recovery_remaining": recovery.remaining if recovery else None,
            "tokens_count": tokens.personal_tokens(user).count(),
            "events": events_for_user(user)[:5],
            "pending_email": user.email_changes.filter(confirmed_at__isnull=True)
            .order_by("-created_at")
            .first(),
        },
    )


def totp_enrol_view(request):
    """Enrol the authenticator app; replacing an enrolled one first asks for a current code."""
    user = request.user
    replacing = twofactor.totp_device_for(user) is not None
    if replacing and not twofactor.has_recent_otp(request):
        return twofactor.reverify_redirect(request)
    device = twofactor.pending_totp_device(user)
    form = TotpConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_totp_device(
                user, device, code=form.cleaned_data["code"], name=form.cleaned_data["name"], request=request
            )
        except twofactor.Throttled as error:
            form.add_error("code", str(error))
            status = 429
        except twofactor.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, _("L'application d'authentification est enregistrée."))
            if codes:
                return _show_recovery_codes(request, codes)
            return redirect("accounts:security")
    context = {"form": form, "replacing": replacing, **twofactor.totp_provisioning(device)}
    response = render(request, "accounts/auth/totp_enrol.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@twofactor.require_recent_otp
def totp_remove_view(request):
    if request.method == "POST":
        try:
            twofactor.remove_totp_device(request.user, request=request)
        except twofactor.SecondFactorError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("L'application est retirée : les codes vous seront envoyés par e-mail.")
            )
        return redirect("accounts:security")
    return render(
        request, "accounts/auth/totp_remove.html", {"totp": twofactor.totp_device_for(request.user)}
    )


@twofactor.require_recent_otp
def recovery_codes_view(request):
    if request.method == "POST":
        return _show_recovery_codes(
            request, twofactor.regenerate_recovery_codes(request.user, request=request)
        )
    recovery = twofactor.recovery_device_for(request.user)
    return render(
        request,
        "accounts/auth/recovery_regenerate.html",
        {"remaining": recovery.remaining if recovery else 0},
    )


def _show_recovery_codes(request, codes):
    """Shown once, straight in the response to the POST that created them: never stored in clear."""
    response = render(request, "accounts/auth/recovery_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


def journal_view(request):
    page = Paginator(events_for_user(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/auth/journal.html", {"page": page})


@never_cache
def api_tokens_view(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST":
        if not twofactor.has_recent_otp(request):  # a long-lived credential: ask for the second factor again
            return twofactor.reverify_redirect(request)
        if form.is_valid():
            token, raw = tokens.create_api_token(
                request.user, name=form.cleaned_data["name"], request=request
            )
            response = render(
                request,
                "accounts/auth/api_tokens.html",
                {
                    "form": ApiTokenForm(),
                    "tokens": tokens.personal_tokens(request.user),
                    "new_token": token,
                    "raw": raw,
                    "days": settings.CHORALE_API_TOKEN_DAYS,
                },
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "accounts/auth/api_tokens.html",
        {
            "form": form,
            "tokens": tokens.personal_tokens(request.user),
            "days": settings.CHORALE_API_TOKEN_DAYS,
        },
    )


@require_POST
def api_token_revoke_view(request, token_uuid):
    token = tokens.get_api_token_for_user(request.user, token_uuid)
    try:
        tokens.revoke_api_token(token, actor=request.user, request=request)
    except tokens.ApiTokenError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("accounts:api_tokens")
