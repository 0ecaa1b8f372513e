"""The one field a person types about a passkey: its name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.passkeys import NAME_MAX_LENGTH, clean_name


class PasskeyNameForm(forms.Form):
    name = forms.CharField(
        label=_("Nom de la clé"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("Pour la reconnaître : « Téléphone pro », « YubiKey bleue », « Ordinateur du bureau »…"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_name(self):
        return clean_name(self.cleaned_data["name"])


class PasskeyRenameForm(PasskeyNameForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["name"].help_text = ""
