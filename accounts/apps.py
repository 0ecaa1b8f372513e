from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_email.apps import DefaultConfig as EmailDefaultConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpDefaultConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes et structures")


def _name_model(config: AppConfig, model_name: str, singular, plural) -> None:
    """French names for a third-party model in the admin (django-otp names its devices in English only).

    `_meta` is changed, not the model's Meta: migrations read the declared options, so none is generated
    for a package we do not own."""
    meta = config.get_model(model_name)._meta
    meta.verbose_name, meta.verbose_name_plural = singular, plural


class TotpConfig(TotpDefaultConfig):
    verbose_name = _("Second facteur : applications d'authentification")

    def ready(self):
        _name_model(
            self, "TOTPDevice", _("application d'authentification"), _("applications d'authentification")
        )


class EmailCodeConfig(EmailDefaultConfig):
    verbose_name = _("Second facteur : codes par e-mail")

    def ready(self):
        _name_model(self, "EmailDevice", _("code par e-mail"), _("codes par e-mail"))
