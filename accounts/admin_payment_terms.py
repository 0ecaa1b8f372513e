"""Support changes a structure's payment category from the admin, with a reason, through the journaled
operation (`accounts.payment_category`): the structure's change form shows the category read-only."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_base import action_confirmation
from accounts.payment_category import PaymentCategoryError, change_payment_category
from accounts.payment_terms import PaymentCategory


class PaymentCategoryForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Catégorie pour le délai de paiement"), choices=PaymentCategory.choices
    )
    reason = forms.CharField(
        label=_("Motif"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire et journalisé : d'où vient la catégorie (statut juridique, texte…)."),
    )


@admin.action(description=_("Changer la catégorie de délai de paiement"), permissions=["change"])
def change_payment_terms(modeladmin, request, queryset):
    """An intermediate page asks for the category and the reason; the POST carrying `apply` performs it."""
    if queryset.count() != 1:
        modeladmin.message_user(request, gettext("Choisissez une seule structure."), messages.WARNING)
        return None
    structure = queryset.get()
    initial = {"category": structure.payment_category}
    form = PaymentCategoryForm(request.POST if "apply" in request.POST else None, initial=initial)
    if form.is_valid():
        try:
            changed = change_payment_category(
                structure,
                form.cleaned_data["category"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except PaymentCategoryError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            modeladmin.message_user(
                request,
                gettext("« %(structure)s » : délai de paiement de %(days)d jours.")
                % {"structure": changed.name, "days": changed.payment_deadline_days},
                messages.SUCCESS,
            )
            return None
    return action_confirmation(
        request,
        modeladmin,
        "accounts/structures/admin_payment_terms.html",
        action="change_payment_terms",
        title=gettext("Changer la catégorie de délai de paiement"),
        structure=structure,
        form=form,
    )
