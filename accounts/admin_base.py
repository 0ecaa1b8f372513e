"""What the admins of both apps share: evidence shown read-only, whatever a user's model permissions say, and
the confirmation page of support's actions."""

from django.contrib import admin
from django.template.response import TemplateResponse


class NoWrites:
    """View permission only: no add, change or delete in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def action_confirmation(request, modeladmin, template: str, *, action: str, title: str, **context):
    """The page a support action asks its confirmation (and form) on, posted back to the same action."""
    opts = modeladmin.model._meta
    return TemplateResponse(
        request,
        template,
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "action": action,
            "opts": opts,
            "changelist": f"admin:{opts.app_label}_{opts.model_name}_changelist",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            **context,
        },
    )
