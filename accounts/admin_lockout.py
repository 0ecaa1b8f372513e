"""Support's actions on accounts, from the user list of the admin: lift the login waits (accounts.lockout),
reset a lost second factor (accounts.factor_reset)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import factor_reset, lockout


@admin.action(description=_("Lever les blocages de connexion"), permissions=["change"])
def clear_lockouts(modeladmin, request, queryset):
    users = list(queryset)
    for user in users:
        lockout.clear_lockouts(user, actor=request.user, request=request)
    modeladmin.message_user(
        request,
        ngettext(
            "Blocages levés pour %(count)d compte (inscrit au journal).",
            "Blocages levés pour %(count)d comptes (inscrit au journal).",
            len(users),
        )
        % {"count": len(users)},
        messages.SUCCESS,
    )


@admin.action(description=_("Réinitialiser le second facteur"), permissions=["change"])
def reset_second_factor(modeladmin, request, queryset):
    """A lost phone: remove apps, keys and recovery codes (journaled, tokens revoked, the person told)."""
    users = list(queryset)
    for user in users:
        factor_reset.reset_second_factor(user, actor=request.user, request=request)
    modeladmin.message_user(
        request,
        ngettext(
            "Second facteur réinitialisé pour %(count)d compte (inscrit au journal).",
            "Second facteur réinitialisé pour %(count)d comptes (inscrit au journal).",
            len(users),
        )
        % {"count": len(users)},
        messages.SUCCESS,
    )
