"""Account e-mails (activation, e-mail change, security notices), sent after the transaction commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.site import site_url


def send_account_mail(to: str, template: str, subject: str, context: dict, *, language: str = "fr") -> None:
    """Render `emails/<template>.txt` in the recipient's language and send it once the data is committed.

    `subject` and lazy strings in `context` (gettext_lazy) are rendered in that language.
    """
    with translation.override(language):
        body = render_to_string(f"emails/{template}.txt", {"site_url": site_url(), **context})
        rendered_subject = str(subject)
    transaction.on_commit(
        lambda: send_mail(rendered_subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    )


def notify_security_change(user, what, *, to: str | None = None) -> None:
    """Tell the account owner that something sensitive changed, so a stolen session cannot act unseen.

    `what` is a lazy translatable string describing the change.
    """
    send_account_mail(
        to or user.email,
        "security_notice",
        _("Chorale : modification de la sécurité de votre compte"),
        {"user": user, "what": what, "at": timezone.localtime()},
        language=user.language,
    )
