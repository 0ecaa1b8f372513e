"""Credentials for the Chorus Pro-compatible API, and the identity a call proves with them.

A connector written for Chorus Pro (OCA, Tryton, Pastell…) proves two identities on every call: the
application's, with an OAuth2 access token got from `client_credentials`, and a technical account's, with the
`cpro-account` header (base64 of `login:password`). Both map onto one Chorale technical account of one
structure: its login is the account's e-mail; its password is set here and expires, as on Chorus Pro.
"""

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access, services
from accounts.journal import log_event
from accounts.models import Membership, SecurityEvent, Structure, User
from accounts.models_cpro import CproAccessToken, CproCredential

CLIENT_ID_PREFIX = "cpro_"
ACCESS_TOKEN_PREFIX = "cprot_"
CONNECTOR_ACCOUNT_NAME = "Connecteur Chorus Pro"


class CproAuthError(Exception):
    """Credentials refused; `description` is what the WWW-Authenticate header says (OCA shows it)."""

    def __init__(self, description: str):
        super().__init__(description)
        self.description = description


@dataclass(frozen=True)
class CproIdentity:
    """Who calls: the technical account named by `cpro-account`, its structure, and its credential."""

    user: User
    structure: Structure
    credential: CproCredential


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _same(raw: str, digest: str) -> bool:
    return hmac.compare_digest(_digest(raw), digest)


def password_lifetime() -> timedelta:
    return timedelta(days=settings.CHORALE_CPRO_PASSWORD_DAYS)


# --- Creating credentials ---------------------------------------------------------------------------------


def create_cpro_credentials(
    structure: Structure, *, actor: User | None, name: str, rights, request=None
) -> tuple[User, dict]:
    """A technical account of `structure` with its API token and its Chorus Pro credentials, shown once.

    Returns the account and what to hand to the software: `client_id`, `client_secret`, `login`,
    `password`, `password_expires_at` and the account's Chorale API token (`api_token`, for `/api/v1/`).
    `actor` is None when an operator provisions it from the command line.
    """
    with transaction.atomic():
        user, api_token = services.create_technical_account(structure, actor=actor, name=name, rights=rights)
        client_id = CLIENT_ID_PREFIX + secrets.token_hex(12)
        client_secret = secrets.token_urlsafe(32)
        password = secrets.token_urlsafe(24)
        credential = CproCredential.objects.create(
            user=user,
            client_id=client_id,
            client_secret_hash=_digest(client_secret),
            password_hash=_digest(password),
            password_expires_at=timezone.now() + password_lifetime(),
        )
        log_event(
            user,
            SecurityEvent.Kind.TOKEN_CREATED,
            request=request,
            detail=f"Identifiants API Chorus Pro ({client_id})",
            actor=actor,
        )
    return user, {
        "client_id": client_id,
        "client_secret": client_secret,
        "login": user.email,
        "password": password,
        "password_expires_at": timezone.localdate(credential.password_expires_at).isoformat(),
        "api_token": api_token,
    }


def renew_cpro_password(credential: CproCredential, *, actor: User, request=None) -> dict:
    """A new `cpro-account` password with a new expiry date (the old one stops working at once)."""
    structure = structure_of(credential.user)
    if structure is None or not access.is_manager(actor, structure):
        raise services.NotAllowed(_("Seul un gestionnaire de la structure renouvelle ce mot de passe."))
    password = secrets.token_urlsafe(24)
    credential.password_hash = _digest(password)
    credential.password_expires_at = timezone.now() + password_lifetime()
    credential.save(update_fields=["password_hash", "password_expires_at"])
    log_event(
        credential.user,
        SecurityEvent.Kind.TOKEN_CREATED,
        request=request,
        detail=f"Nouveau mot de passe API Chorus Pro ({credential.client_id})",
        actor=actor,
    )
    return {
        "login": credential.user.email,
        "password": password,
        "password_expires_at": timezone.localdate(credential.password_expires_at).isoformat(),
    }


def credentials_of(structure: Structure):
    """The Chorus Pro credentials of the structure's active technical accounts, newest first."""
    return (
        CproCredential.objects.select_related("user")
        .filter(
            user__memberships__structure=structure, user__memberships__is_active=True, user__is_active=True
        )
        .order_by("-created_at")
    )


def get_credential_for_manager(structure: Structure, credential_uuid) -> CproCredential:
    """A credential of one of the structure's technical accounts; the caller checked the manager."""
    credential = (
        CproCredential.objects.select_related("user")
        .filter(uuid=credential_uuid, user__memberships__structure=structure, user__is_active=True)
        .first()
    )
    if credential is None:
        raise Http404("No such credential")
    return credential


def create_connector_account(structure: Structure, *, name: str = CONNECTOR_ACCOUNT_NAME) -> User:
    """The technical account a connector acts as: no password, no token, no rights of its own.

    It records who deposited the invoices pulled from Chorus Pro and who pushed their statuses; it appears on
    the structure's technical-accounts page, where deactivating it stops the connector.
    """
    with transaction.atomic():
        user = User(
            email=f"connecteur-{secrets.token_hex(8)}@{services.TECHNICAL_EMAIL_DOMAIN}",
            first_name=name[:150],
            kind=User.Kind.TECHNICAL,
        )
        user.set_unusable_password()
        user.save()
        Membership.objects.create(
            user=user,
            structure=structure,
            role=Membership.Role.USER,
            can_deposit=False,
            can_triage=False,
            can_export_pes=False,
            can_admin=False,
        )
    return user


# --- The token endpoint ------------------------------------------------------------------------------------


def authenticate_client(client_id: str, client_secret: str) -> CproCredential | None:
    """The credential of an active technical account with this client id and secret, else None."""
    credential = (
        CproCredential.objects.select_related("user")
        .filter(client_id=(client_id or "")[:64], user__is_active=True)
        .first()
    )
    # Compare even when the id is unknown, so that timing does not tell which client ids exist.
    digest = credential.client_secret_hash if credential else _digest(secrets.token_hex(16))
    if not _same(client_secret or "", digest) or credential is None:
        return None
    if structure_of(credential.user) is None:
        return None
    return credential


def issue_access_token(credential: CproCredential) -> tuple[str, int]:
    """A new access token and its lifetime in seconds; the credential's expired tokens are forgotten."""
    now = timezone.now()
    lifetime = settings.CHORALE_CPRO_TOKEN_SECONDS
    raw = ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(32)
    CproAccessToken.objects.filter(credential=credential, expires_at__lte=now).delete()
    CproAccessToken.objects.create(
        credential=credential, key_hash=_digest(raw), expires_at=now + timedelta(seconds=lifetime)
    )
    return raw, lifetime


# --- Every /cpro/ call --------------------------------------------------------------------------------------


def structure_of(user: User) -> Structure | None:
    """The one structure a technical account is actively attached to."""
    membership = access.active_memberships(user).first()
    return membership.structure if membership else None


def identify(bearer: str, account_header: str) -> CproIdentity:
    """The technical account a call acts as, from its access token and its `cpro-account` header.

    Both must be valid and belong to the same structure: the application's token alone does nothing, and a
    technical account's password is no use without a token of its structure's applications.
    """
    now = timezone.now()
    token = (
        CproAccessToken.objects.select_related("credential__user")
        .filter(key_hash=_digest(bearer or ""), expires_at__gt=now, credential__user__is_active=True)
        .first()
    )
    if token is None:
        raise CproAuthError("access token invalid or expired")
    login, password = _decode_account(account_header)
    credential = (
        CproCredential.objects.select_related("user")
        .filter(user__email__iexact=login, user__kind=User.Kind.TECHNICAL, user__is_active=True)
        .first()
    )
    digest = credential.password_hash if credential else _digest(secrets.token_hex(16))
    if not _same(password, digest) or credential is None:
        raise CproAuthError("login or password incorrect")
    if credential.password_expires_at <= now:
        raise CproAuthError("password expired")
    structure = structure_of(credential.user)
    if structure is None or structure_of(token.credential.user) != structure:
        raise CproAuthError("technical account not allowed for this application")
    CproCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
    User.objects.filter(pk=credential.user_id).update(last_api_use=now)
    return CproIdentity(user=credential.user, structure=structure, credential=credential)


def _decode_account(header: str) -> tuple[str, str]:
    if not header:
        raise CproAuthError("cpro-account header missing")
    try:
        decoded = base64.b64decode(header.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise CproAuthError("cpro-account header is not base64 of login:password") from None
    login, sep, password = decoded.partition(":")
    if not sep or not login:
        raise CproAuthError("cpro-account header is not base64 of login:password")
    return login, password
