"""Personal accounts: sign-up with e-mail confirmation, and changing the login e-mail.

Neither operation tells a visitor whether an address already has an account: the answer on screen is the
same, and the mailbox owner is the one told what happened.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.auth_mail import notify_security_change, send_account_mail
from accounts.journal import log_event
from accounts.models import PendingEmailChange, SecurityEvent, User
from accounts.site import site_url

ACTIVATION_SALT = "chorale.accounts.activation"


class AccountError(Exception):
    """An operation on the account was refused; the message is for the user."""


# --- Sign-up and activation ---


def _account_state(user) -> str:
    """Changes once the account is activated or used, so that an activation link works only once."""
    state = f"{user.pk}|{user.password}|{user.is_active}|{user.last_login}"
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def make_activation_token(user, *, issued_at: datetime | None = None) -> str:
    issued = int((issued_at or timezone.now()).timestamp())
    return signing.dumps({"u": str(user.uuid), "t": issued, "s": _account_state(user)}, salt=ACTIVATION_SALT)


def user_for_activation_token(token: str, *, now: datetime | None = None) -> User:
    """The account a valid activation link is for; AccountError if it is forged, expired or already used."""
    try:
        data = signing.loads(token, salt=ACTIVATION_SALT)
    except signing.BadSignature:
        raise AccountError(_("Ce lien d'activation n'est pas valable.")) from None
    age = (now or timezone.now()).timestamp() - data.get("t", 0)
    if not 0 <= age <= settings.ACCOUNT_ACTIVATION_MINUTES * 60:
        raise AccountError(
            _("Ce lien d'activation a expiré : inscrivez-vous à nouveau pour en recevoir un autre.")
        )
    user = User.objects.filter(uuid=data.get("u"), kind=User.Kind.PERSON).first()
    if user is None or user.is_active or user.last_login or data.get("s") != _account_state(user):
        raise AccountError(_("Ce lien d'activation a déjà servi ou n'est plus valable."))
    return user


def _send_activation(user) -> None:
    link = site_url() + reverse("accounts:activate", args=[make_activation_token(user)])
    send_account_mail(
        user.email,
        "activation",
        _("Chorale : confirmez votre adresse e-mail"),
        {"user": user, "link": link, "minutes": settings.ACCOUNT_ACTIVATION_MINUTES},
        language=user.language,
    )


def _awaiting_activation(user) -> bool:
    return not user.is_active and user.last_login is None


@transaction.atomic
def sign_up(*, email: str, password: str, first_name: str = "", last_name: str = "", language: str = "fr"):
    """Create an inactive personal account and e-mail its activation link (valid 60 minutes).

    If the address is taken, nothing is created: an account waiting for activation gets a new link, an
    active one gets a notice (its password is left alone). Returns the new user, or None.
    """
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        # Hashed and thrown away: the slow hash is most of a new account's cost, and a known address must
        # take as long as a new one, or the answer's delay tells which addresses have an account.
        make_password(password)
        if _awaiting_activation(existing):
            _send_activation(existing)
        else:
            send_account_mail(
                existing.email,
                "account_exists",
                _("Chorale : vous avez déjà un compte"),
                {"user": existing},
                language=existing.language,
            )
        return None
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                language=language,
                is_active=False,
            )
    except IntegrityError:  # the same address signed up a moment ago
        return None
    _send_activation(user)
    return user


@transaction.atomic
def activate_account(user, *, request=None) -> User:
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not _awaiting_activation(locked):
        raise AccountError(_("Ce lien d'activation a déjà servi ou n'est plus valable."))
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    log_event(locked, SecurityEvent.Kind.OTHER, request=request, detail="Compte activé (adresse confirmée)")
    return locked


# --- Changing the login e-mail ---


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def request_email_change(user, *, new_email: str, request=None) -> None:
    """Send a confirmation link to the new address; nothing changes until it is followed (within 24 hours).

    The old address is told, so that someone holding a stolen session cannot move the account silently.
    """
    new_email = User.objects.normalize_email(new_email).strip().lower()
    if new_email == user.email.lower():
        raise AccountError(_("C'est déjà votre adresse de connexion."))
    PendingEmailChange.objects.filter(user=user, confirmed_at__isnull=True).delete()
    log_event(user, SecurityEvent.Kind.EMAIL_CHANGE_REQUESTED, request=request, detail=new_email)
    notify_security_change(
        user,
        _("un changement de votre adresse de connexion vers %(email)s a été demandé") % {"email": new_email},
    )
    if User.objects.filter(email__iexact=new_email).exists():
        send_account_mail(
            new_email,
            "email_change_taken",
            _("Chorale : cette adresse a déjà un compte"),
            {"requested_by": user.email},
            language=user.language,
        )
        return
    raw = secrets.token_urlsafe(32)
    PendingEmailChange.objects.create(user=user, new_email=new_email, token_hash=_hash(raw))
    send_account_mail(
        new_email,
        "email_change_confirm",
        _("Chorale : confirmez votre nouvelle adresse e-mail"),
        {
            "user": user,
            "new_email": new_email,
            "link": site_url() + reverse("accounts:email_confirm", args=[raw]),
            "hours": settings.EMAIL_CHANGE_HOURS,
        },
        language=user.language,
    )


def pending_email_change(raw_token: str, *, now: datetime | None = None) -> PendingEmailChange:
    """The change a confirmation link stands for, if still usable; AccountError otherwise."""
    change = (
        PendingEmailChange.objects.select_related("user").filter(token_hash=_hash(raw_token or "")).first()
    )
    if change is None or change.confirmed_at is not None:
        raise AccountError(_("Ce lien de confirmation n'est pas valable ou a déjà servi."))
    if (now or timezone.now()) - change.created_at > timedelta(hours=settings.EMAIL_CHANGE_HOURS):
        raise AccountError(
            _("Ce lien de confirmation a expiré : demandez à nouveau le changement d'adresse.")
        )
    return change


def confirm_email_change(raw_token: str, *, request=None, now: datetime | None = None) -> User:
    """Make the new address the login e-mail; the old address is told."""
    try:
        with transaction.atomic():
            change = pending_email_change(raw_token, now=now)
            change = PendingEmailChange.objects.select_for_update().get(pk=change.pk)
            if change.confirmed_at is not None:
                raise AccountError(_("Ce lien de confirmation n'est pas valable ou a déjà servi."))
            user = User.objects.select_for_update().get(pk=change.user_id)
            if User.objects.filter(email__iexact=change.new_email).exclude(pk=user.pk).exists():
                raise AccountError(_("Cette adresse est désormais utilisée par un autre compte."))
            old_email = user.email
            user.email = change.new_email
            user.save(update_fields=["email"])
            change.confirmed_at = timezone.now()
            change.save(update_fields=["confirmed_at"])
            PendingEmailChange.objects.filter(user=user, confirmed_at__isnull=True).delete()
            log_event(
                user, SecurityEvent.Kind.EMAIL_CHANGED, request=request, detail=f"{old_email} → {user.email}"
            )
            notify_security_change(
                user,
                _("votre adresse de connexion est désormais %(email)s") % {"email": user.email},
                to=old_email,
            )
    except IntegrityError:  # another account took the address between the check and the write
        raise AccountError(_("Cette adresse est désormais utilisée par un autre compte.")) from None
    return user
