from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import admin_claims  # noqa: F401  (registers the claims' review)
from accounts.admin_base import NoWrites
from accounts.admin_lockout import clear_lockouts, reset_second_factor
from accounts.admin_payment_terms import change_payment_terms
from accounts.admin_principal import reassign_principal
from accounts.admin_public import PublicStructureAdminMixin
from accounts.models import (
    ApiToken,
    AttachmentRequest,
    Membership,
    SecurityEvent,
    Service,
    Structure,
    User,
)


class SecurityEventInline(NoWrites, admin.TabularInline):
    model = SecurityEvent
    fk_name = "user"
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "ip", "user_agent", "detail", "actor"]
    ordering = ["-at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "kind", "is_active", "is_staff"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "kind"]}),
        (_("Identité"), {"fields": ["first_name", "last_name", "phone", "language"]}),
        (_("Droits"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined", "last_api_use"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    inlines = [SecurityEventInline]
    actions = [clear_lockouts, reset_second_factor]


# django-otp's device admins show the secrets of people's apps and let staff add, change or delete them
# unjournaled; support resets a lost factor with the journaled action above instead.
for device_model in (TOTPDevice, EmailDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


@admin.register(SecurityEvent)
class SecurityEventAdmin(NoWrites, admin.ModelAdmin):
    """The journal is evidence: no entry is removed, and so no account that has entries is deleted from here
    (the admin refuses a deletion that would cascade to objects the user may not delete)."""

    list_display = ["at", "user", "kind", "ip", "detail"]
    list_filter = ["kind"]
    search_fields = ["user__email", "detail"]
    readonly_fields = ["user", "kind", "at", "ip", "user_agent", "detail", "actor"]


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    can_delete = False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    filter_horizontal = ["services"]


@admin.register(Structure)
class StructureAdmin(PublicStructureAdminMixin, admin.ModelAdmin):
    list_display = ["name", "identifier", "kind", "principal_manager", "is_active"]
    list_filter = ["kind", "id_type", "is_active", *PublicStructureAdminMixin.extra_filters]
    search_fields = ["name", "identifier"]
    raw_id_fields = ["principal_manager"]
    inlines = [ServiceInline, MembershipInline]
    add_inlines = [ServiceInline]
    actions = [reassign_principal, change_payment_terms]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # The principal manager and the payment category change only through their journaled actions; public
        # or private decides who may hold the structure: chosen at creation, never edited.
        return [*readonly, "principal_manager", "payment_category", "kind"] if obj is not None else readonly


@admin.register(AttachmentRequest)
class AttachmentRequestAdmin(NoWrites, admin.ModelAdmin):
    """Read-only: a request is accepted or refused by the structure's managers, through their pages."""

    list_display = ["created_at", "user", "structure", "status", "decided_by"]
    list_filter = ["status"]
    search_fields = ["user__email", "structure__name", "structure__identifier"]


admin.site.register(ApiToken)
