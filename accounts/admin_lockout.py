"""Support lifts the login waits of an account (accounts.lockout), from the user list of the admin."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import lockout


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
