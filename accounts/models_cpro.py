"""Credentials of a technical account for the Chorus Pro-compatible API: an OAuth2 client and a login.

Chorus Pro asks two identities of every call: the application's (a PISTE OAuth2 client, `client_credentials`)
and the technical account's (`cpro-account: base64(login:password)`). Both belong here to one technical
account of one structure. Secrets are random (256 and 192 bits), so a SHA-256 is enough to keep them: nothing
in the database lets anyone call the API.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CproCredential(models.Model):
    """The OAuth2 client and the `cpro-account` password of a technical account (its login is its e-mail)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cpro_credential"
    )
    client_id = models.CharField(max_length=64, unique=True)
    client_secret_hash = models.CharField(max_length=64)
    password_hash = models.CharField(max_length=64)
    password_expires_at = models.DateTimeField(
        _("expiration du mot de passe"),
        help_text=_("Renvoyée par structures/v1/consulter (dateExpirationMotPasseCompteTech)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("identifiants API Chorus Pro")
        verbose_name_plural = _("identifiants API Chorus Pro")

    def __str__(self):
        return self.client_id


class CproAccessToken(models.Model):
    """An OAuth2 access token handed out by /api/oauth/token; only its SHA-256 is kept."""

    credential = models.ForeignKey(CproCredential, on_delete=models.CASCADE, related_name="access_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("jeton d'accès OAuth2")
        verbose_name_plural = _("jetons d'accès OAuth2")

    def __str__(self):
        return f"{self.credential} → {self.expires_at:%Y-%m-%d %H:%M}"
