"""Support's actions on accounts, from the user list of the admin: lift the login waits (accounts.lockout),
reset a lost second factor (accounts.factor_reset). Each is journaled by its operation, account by account."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts import factor_reset, lockout


def _on_each(modeladmin, request, queryset, operation, done) -> None:
    users = list(queryset)
    for user in users:
        operation(user, actor=request.user, request=request)
    modeladmin.message_user(request, done % {"count": len(users)}, messages.SUCCESS)


@admin.action(description=_("Lever les blocages de connexion"), permissions=["change"])
def clear_lockouts(modeladmin, request, queryset):
    _on_each(
        modeladmin,
        request,
        queryset,
        lockout.clear_lockouts,
        ngettext_lazy(
            "Blocages levés pour %(count)d compte (inscrit au journal).",
            "Blocages levés pour %(count)d comptes (inscrit au journal).",
            "count",
        ),
    )


@admin.action(description=_("Réinitialiser le second facteur"), permissions=["change"])
def reset_second_factor(modeladmin, request, queryset):
    """A lost phone: remove apps, keys and recovery codes (journaled, tokens revoked, the person told)."""
    _on_each(
        modeladmin,
        request,
        queryset,
        factor_reset.reset_second_factor,
        ngettext_lazy(
            "Second facteur réinitialisé pour %(count)d compte (inscrit au journal).",
            "Second facteur réinitialisé pour %(count)d comptes (inscrit au journal).",
            "count",
        ),
    )
