"""Forms of the login steps, sign-up, the security page and API tokens."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from accounts import twofactor
from accounts.models import User


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Si vous venez de créer votre compte, "
            "confirmez d'abord votre adresse avec le lien reçu par e-mail."
        ),
        "inactive": _("Ce compte est désactivé."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_technical:  # technical accounts use the API with a token, never the web login
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class CodeForm(forms.Form):
    """A six-digit code: from the app, or e-mailed. Anything else is refused before any device sees it."""

    code = forms.CharField(
        label=_("Code à 6 chiffres"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "pattern": r"[0-9 ]*",
                "size": 8,
            }
        ),
    )

    def clean_code(self):
        code = twofactor.normalize_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(_("Saisissez exactement 6 chiffres."), code="format")
        return code


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label=_("Code de secours"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )

    def clean_recovery_code(self):
        raw = self.cleaned_data["recovery_code"]
        if twofactor.normalize_recovery_code(raw) is None:
            raise forms.ValidationError(
                _("Un code de secours compte 24 caractères (lettres et chiffres 2 à 7)."), code="format"
            )
        return raw


class TotpConfirmForm(CodeForm):
    name = forms.CharField(
        label=_("Nom de l'application"),
        max_length=64,
        required=False,
        help_text=_("Pour la reconnaître : « Téléphone pro », « Bitwarden »…"),
    )
    field_order = ["name", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code affiché par l'application")
        self.fields["code"].widget.attrs.pop("autofocus", None)


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 12 caractères, pas uniquement des chiffres ni un mot de passe courant."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        if p1 and not self.has_error("password2"):
            candidate = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=_("Nouvelle adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Un lien de confirmation, valable 24 heures, sera envoyé à cette adresse."),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("À quoi il sert : « script de dépôt », « tableur »…"),
    )


class ChoralePasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Adresse e-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email):
        # Technical accounts have no password to reset.
        return (u for u in super().get_users(email) if not u.is_technical)
