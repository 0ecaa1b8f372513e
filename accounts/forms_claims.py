"""The form a person fills in to claim the principal-manager role of a public structure."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import claims, identifiers
from accounts.forms_structures import IdentifierMixin
from accounts.models import Structure

PUBLIC_ID_CHOICES = [
    (value, label)
    for value, label in Structure.IdType.choices
    if value in (identifiers.SIRET, identifiers.RIDET, identifiers.TAHITI)
]


class ClaimForm(IdentifierMixin, forms.Form):
    id_type = forms.ChoiceField(
        label=_("Type d'identifiant"), choices=PUBLIC_ID_CHOICES, initial=identifiers.SIRET
    )
    identifier = forms.CharField(
        label=_("Identifiant de l'entité publique"),
        max_length=40,
        help_text=_("Pour un SIRET : 14 chiffres, espaces admis."),
    )
    function = forms.CharField(
        label=_("Votre fonction"),
        max_length=200,
        help_text=_("Par exemple : maire, directrice générale des services, président du syndicat."),
    )
    document = forms.FileField(
        label=_("Pièce justificative (PDF)"),
        help_text=_("Une délégation signée ou l'arrêté vous nommant ; elle est conservée telle quelle."),
    )
    message = forms.CharField(
        label=_("Message au support"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_document(self):
        document = self.cleaned_data["document"]
        try:  # on the announced size, before anything is read into memory
            claims.check_size(document.size)
        except claims.StructureError as error:
            raise forms.ValidationError(error.message) from error
        return document
