"""Support reassigns the principal manager of a structure whose principal left without transferring the role.

The structure admin (`accounts.admin`) shows the principal manager read-only on the change form, so the
only way to change it from the admin is this action, which goes through
`services.reassign_principal_manager` (journaled, both people told by e-mail).
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.admin_base import action_confirmation
from accounts.models import User


class ReassignPrincipalForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail du nouveau gestionnaire principal"),
        help_text=_(
            "Une personne dont le compte est actif ; elle sera rattachée comme gestionnaire si besoin."
        ),
    )
    deactivate_former = forms.BooleanField(
        label=_("Désactiver le rattachement de l'ancien gestionnaire principal"), required=False
    )

    def clean_email(self):
        user = User.objects.filter(email__iexact=self.cleaned_data["email"], kind=User.Kind.PERSON).first()
        if user is None:
            raise forms.ValidationError(gettext("Aucune personne n'a ce compte."))
        return user


@admin.action(description=_("Réaffecter le gestionnaire principal"), permissions=["change"])
def reassign_principal(modeladmin, request, queryset):
    """An intermediate page asks for the new principal; the POST that carries `apply` performs it."""
    if queryset.count() != 1:
        modeladmin.message_user(request, gettext("Choisissez une seule structure."), messages.WARNING)
        return None
    structure = queryset.get()
    form = ReassignPrincipalForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        try:
            services.reassign_principal_manager(
                structure,
                form.cleaned_data["email"],
                actor=request.user,
                deactivate_former=form.cleaned_data["deactivate_former"],
            )
        except services.StructureError as error:
            form.add_error(None, error.message)
        else:
            modeladmin.message_user(
                request,
                gettext("%(user)s est désormais gestionnaire principal de « %(structure)s ».")
                % {"user": form.cleaned_data["email"].email, "structure": structure.name},
                messages.SUCCESS,
            )
            return None
    return action_confirmation(
        request,
        modeladmin,
        "accounts/structures/admin_reassign_principal.html",
        action="reassign_principal",
        title=gettext("Réaffecter le gestionnaire principal"),
        structure=structure,
        form=form,
    )
