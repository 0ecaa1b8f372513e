"""Support reviews claims to the principal-manager role of public structures.

Claims are evidence: nothing in them is added, changed or deleted from the admin. Support's two real
actions, approving and refusing, are admin actions that go through `accounts.claims` (journaled, the
claimant told by e-mail); the supporting document is downloaded as it was deposited.
"""

from django import forms
from django.contrib import admin, messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import claims, public_structures, services
from accounts.admin_base import action_confirmation
from accounts.models import PrincipalClaim


class RefuseClaimForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Le demandeur le recevra par e-mail."),
    )


def _decide(modeladmin, request, queryset, *, approve: bool):
    """An intermediate page shows the claim; the POST that carries `apply` performs the decision."""
    if queryset.count() != 1:
        modeladmin.message_user(request, gettext("Choisissez une seule revendication."), messages.WARNING)
        return None
    claim = queryset.select_related("structure__principal_manager", "claimant").get()
    form = None if approve else RefuseClaimForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and (approve or form.is_valid()):
        try:
            if approve:
                claims.approve_claim(claim, actor=request.user)
            else:
                claims.refuse_claim(claim, actor=request.user, reason=form.cleaned_data["reason"])
        except services.StructureError as error:
            modeladmin.message_user(request, error.message, messages.ERROR)
            return None
        message = (
            gettext("%(user)s est désormais gestionnaire principal de « %(structure)s ».")
            if approve
            else gettext("Revendication de %(user)s sur « %(structure)s » refusée.")
        )
        modeladmin.message_user(
            request,
            message % {"user": claim.claimant.email, "structure": claim.structure.name},
            messages.SUCCESS,
        )
        return None
    return action_confirmation(
        request,
        modeladmin,
        "accounts/structures/admin_claim_decide.html",
        action="approve_claim" if approve else "refuse_claim",
        title=gettext("Approuver la revendication") if approve else gettext("Refuser la revendication"),
        claim=claim,
        approve=approve,
        form=form,
        awaiting_claim=public_structures.is_awaiting_claim(claim.structure),
        document_url=reverse("admin:accounts_principalclaim_document", args=[claim.pk]),
    )


@admin.action(description=_("Approuver la revendication"), permissions=["review"])
def approve_claim(modeladmin, request, queryset):
    return _decide(modeladmin, request, queryset, approve=True)


@admin.action(description=_("Refuser la revendication"), permissions=["review"])
def refuse_claim(modeladmin, request, queryset):
    return _decide(modeladmin, request, queryset, approve=False)


@admin.register(PrincipalClaim)
class PrincipalClaimAdmin(admin.ModelAdmin):
    list_display = ["created_at", "structure", "claimant", "function", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["structure__name", "structure__identifier", "claimant__email"]
    list_select_related = ["structure", "claimant", "decided_by"]
    ordering = ["-created_at"]
    actions = [approve_claim, refuse_claim]
    fields = [
        "uuid",
        "structure",
        "current_principal",
        "claimant",
        "function",
        "message",
        "document_link",
        "document_size",
        "document_sha256",
        "created_at",
        "status",
        "decided_by",
        "decided_at",
        "reason",
    ]
    readonly_fields = fields

    @admin.display(description=_("pièce justificative"))
    def document_link(self, obj):
        url = reverse("admin:accounts_principalclaim_document", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.document_name)

    @admin.display(description=_("gestionnaire principal actuel"))
    def current_principal(self, obj):
        principal = obj.structure.principal_manager
        label = gettext("support") if principal.is_staff else gettext("personne de l'entité")
        return f"{principal.email} ({label})"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        return public_structures.is_support(request.user)

    def get_urls(self):
        document = path(
            "<int:pk>/document/",
            self.admin_site.admin_view(self.document_view),
            name="accounts_principalclaim_document",
        )
        return [document, *super().get_urls()]

    def document_view(self, request, pk):
        """The supporting document byte-for-byte, as a download (never rendered inline by the portal)."""
        if not self.has_view_permission(request):
            raise Http404
        claim = get_object_or_404(PrincipalClaim, pk=pk)
        response = FileResponse(
            claim.document.open("rb"),
            as_attachment=True,
            filename=claim.document_name,
            content_type="application/pdf",
        )
        response["Cache-Control"] = "no-store"
        return response
