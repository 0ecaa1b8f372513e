"""The deposit form, and the data a supplier types in for a plain PDF (also the API's routing fields)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.identifiers import normalise


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; empty files pass, so that the deposit report says why they are refused."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class DepositForm(forms.Form):
    """The files of a deposit and, for a user who deposits for several suppliers, which one."""

    supplier = forms.ModelChoiceField(
        label=_("Fournisseur"),
        queryset=None,
        required=False,
        empty_label=_("Celui indiqué dans la facture"),
        help_text=_("La structure pour laquelle vous déposez ; elle doit être l'émettrice des factures."),
    )
    files = MultipleFileField(
        label=_("Factures"),
        required=False,
        help_text=_(
            "Factur-X (PDF), CII ou UBL (XML), un PDF simple avec le formulaire ci-dessous, ou "
            "un ZIP de factures. Plusieurs fichiers possibles."
        ),
    )
    attachments = MultipleFileField(
        label=_("Pièces jointes"),
        required=False,
        help_text=_("Jointes à la facture déposée (une seule facture dans ce cas)."),
    )

    def __init__(self, *args, suppliers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers
        if suppliers.count() <= 1:
            # One structure (or none): nothing to choose, the routing rules find it in the invoice.
            del self.fields["supplier"]


TYPE_CHOICES = [
    ("380", _("Facture")),
    ("381", _("Avoir")),
    ("384", _("Facture rectificative")),
    ("386", _("Facture d'acompte")),
]
# The fields that make a deposit a "plain PDF with data entry"; the others have defaults.
DATA_FIELDS = (
    "recipient_siret",
    "service_code",
    "engagement",
    "number",
    "issue_date",
    "due_date",
    "preceding_invoice",
    "total_without_vat",
    "total_vat",
    "total_with_vat",
)
REQUIRED_FIELDS = (
    "recipient_siret",
    "number",
    "issue_date",
    "total_without_vat",
    "total_vat",
    "total_with_vat",
)


class PlainPdfForm(forms.Form):
    """What Chorus Pro asks for when a supplier deposits a PDF without structured data.

    Every field is optional on its own; as soon as one is filled in, the form is a plain-PDF entry and the
    routing data and amounts become required.
    """

    # The code of the errors `clean()` adds (an entry incomplete or inconsistent), apart from a value that
    # cannot be read at all: the API answers the first 422 and the second 400.
    ENTRY_ERROR = "entry"

    recipient_siret = forms.CharField(label=_("SIRET du destinataire"), max_length=20, required=False)
    service_code = forms.CharField(label=_("Code service"), max_length=100, required=False)
    engagement = forms.CharField(label=_("Numéro d'engagement"), max_length=100, required=False)
    number = forms.CharField(label=_("Numéro de facture"), max_length=100, required=False)
    type_code = forms.ChoiceField(label=_("Type"), choices=TYPE_CHOICES, initial="380", required=False)
    issue_date = forms.DateField(
        label=_("Date de facture"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    due_date = forms.DateField(
        label=_("Date d'échéance"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    preceding_invoice = forms.CharField(
        label=_("Facture corrigée (pour un avoir)"), max_length=100, required=False
    )
    currency = forms.CharField(label=_("Devise"), max_length=3, initial="EUR", required=False)
    total_without_vat = forms.DecimalField(
        label=_("Montant HT"), max_digits=19, decimal_places=2, required=False, localize=True
    )
    total_vat = forms.DecimalField(
        label=_("Montant TVA"), max_digits=19, decimal_places=2, required=False, localize=True
    )
    total_with_vat = forms.DecimalField(
        label=_("Montant TTC"), max_digits=19, decimal_places=2, required=False, localize=True
    )

    def clean(self):
        data = super().clean()
        if not self.is_entry(data):
            return data
        for name in REQUIRED_FIELDS:
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, self._entry_error(_("Obligatoire pour déposer un PDF simple.")))
        siret = normalise("siret", data.get("recipient_siret") or "")
        if siret and "recipient_siret" not in self.errors:
            # Only the shape: whether it names a public structure is a routing rule, reported with the rest.
            if not (siret.isdigit() and len(siret) == 14):
                self.add_error("recipient_siret", self._entry_error(_("Un SIRET compte 14 chiffres.")))
            data["recipient_siret"] = siret
        data["currency"] = (data.get("currency") or "EUR").upper()
        data["type_code"] = data.get("type_code") or "380"
        amounts = [data.get(n) for n in ("total_without_vat", "total_vat", "total_with_vat")]
        if None not in amounts and amounts[0] + amounts[1] != amounts[2]:
            message = _("Le montant TTC doit être la somme du HT et de la TVA.")
            self.add_error("total_with_vat", self._entry_error(message))
        return data

    @classmethod
    def _entry_error(cls, message) -> forms.ValidationError:
        return forms.ValidationError(message, code=cls.ENTRY_ERROR)

    @staticmethod
    def is_entry(data: dict) -> bool:
        return any(data.get(name) not in (None, "") for name in DATA_FIELDS)

    def routing_data(self) -> dict | None:
        """The typed-in data for the deposit service, or None when the supplier typed nothing."""
        return dict(self.cleaned_data) if self.is_entry(self.cleaned_data) else None
