from django import forms
from django.utils.translation import gettext_lazy as _


class ConnectionForm(forms.Form):
    """The structure's access to Chorus Pro: its PISTE application and its Chorus Pro technical account."""

    client_id = forms.CharField(label=_("Identifiant client PISTE (client_id)"), max_length=200)
    client_secret = forms.CharField(
        label=_("Secret client PISTE (client_secret)"),
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
    )
    login = forms.CharField(label=_("Identifiant du compte technique Chorus Pro"), max_length=200)
    password = forms.CharField(
        label=_("Mot de passe du compte technique"),
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
    )
