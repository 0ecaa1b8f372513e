"""Forms of the PES export pages: filters, selection, re-export."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import Service, Structure
from invoices.models import Invoice, InvoiceStatus, PesExport
from invoices.pes import core as pes_core
from invoices.pes import scope as pes_scope


class DateInput(forms.DateInput):
    input_type = "date"


def _service_choices(membership):
    return access.visible_services(membership).order_by("code") if membership else Service.objects.none()


class ExportFilterForm(forms.Form):
    """The GET form narrowing the exportable invoices; the shape decides which invoices suit the export."""

    shape = forms.ChoiceField(
        label=_("Forme de l'export"),
        choices=PesExport.Shape.choices,
        initial=PesExport.Shape.PJ_LIST,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "RefCompta : factures mandatées (référence du mandat connue). Liste : factures pas encore "
            "mandatées, avec la liste IdUnique/NomPJ pour les PJRef du logiciel financier."
        ),
    )
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), required=False, empty_label=_("Tous")
    )
    supplier = forms.CharField(label=_("Fournisseur (nom ou SIRET)"), max_length=200, required=False)
    number = forms.CharField(label=_("Numéro de facture"), max_length=100, required=False)
    issued_from = forms.DateField(label=_("Émise à partir du"), required=False, widget=DateInput)
    issued_to = forms.DateField(label=_("Émise jusqu'au"), required=False, widget=DateInput)
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous les statuts acceptés"))]
        + [(s.value, s.label) for s in InvoiceStatus if s in pes_scope.ACCEPTED_STATUSES],
    )

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = _service_choices(membership)

    def show_shape(self, shape: str, counts: dict[str, int]) -> None:
        """Check `shape` (the one shown) and give each shape its number of exportable invoices."""
        self.fields["shape"].choices = [
            (value, f"{label} — {counts.get(value, 0)}") for value, label in PesExport.Shape.choices
        ]
        self.initial["shape"] = shape
        if self.is_bound and not self.data.get("shape"):
            self.data = self.data.copy()
            self.data["shape"] = shape

    def shape_value(self) -> str:
        if self.is_valid() and self.cleaned_data.get("shape"):
            return self.cleaned_data["shape"]
        return PesExport.Shape.PJ_LIST

    def filters(self) -> pes_scope.ExportFilters:
        if not self.is_valid():
            return pes_scope.ExportFilters()
        data = self.cleaned_data
        return pes_scope.ExportFilters(
            service=data.get("service"),
            supplier=data.get("supplier") or "",
            number=data.get("number") or "",
            issued_from=data.get("issued_from"),
            issued_to=data.get("issued_to"),
            status=data.get("status") or "",
        )


class ExportSelectionForm(forms.Form):
    """The invoices ticked for the preview and the export (among the exportable ones)."""

    shape = forms.ChoiceField(choices=PesExport.Shape.choices, widget=forms.HiddenInput)
    invoices = forms.ModelMultipleChoiceField(
        label=_("Factures"),
        queryset=Invoice.objects.none(),
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une facture à exporter.")},
    )

    def __init__(self, *args, structure, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoices"].queryset = pes_scope.exportable_invoices(structure, actor=user)


class ReexportForm(forms.Form):
    """Exporting invoices again: the reason is required and journaled."""

    invoices = forms.ModelMultipleChoiceField(
        label=_("Factures à réexporter"),
        queryset=Invoice.objects.none(),
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une facture à réexporter.")},
    )
    reason = forms.CharField(
        label=_("Motif du réexport"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire : il est journalisé. Les pièces gardent le même IdUnique."),
    )

    def __init__(self, *args, export: PesExport, user, **kwargs):
        super().__init__(*args, **kwargs)
        in_scope = pes_scope.invoices_in_scope(export.structure, actor=user)
        self.fields["invoices"].queryset = (
            in_scope.filter(pes_items__export=export).distinct().order_by("number")
        )
        self.fields["invoices"].label_from_instance = lambda i: f"{i.number} — {i.seller_name}"

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("Indiquez le motif du réexport."))
        return reason


class SigningCertificateForm(forms.Form):
    """A person's own PKCS#12, for the structures where they export."""

    MAX_BYTES = 64 * 1024

    label = forms.CharField(label=_("Nom du certificat"), max_length=200, required=False)
    pkcs12 = forms.FileField(label=_("Certificat (PKCS#12 : .p12 ou .pfx)"))
    password = forms.CharField(
        label=_("Mot de passe du certificat"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    structures = forms.ModelMultipleChoiceField(
        label=_("Structures pour lesquelles vous signez"),
        queryset=Structure.objects.none(),
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structures"].queryset = pes_scope.exportable_structures(user)

    def clean_pkcs12(self):
        upload = self.cleaned_data["pkcs12"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                _("Un certificat PKCS#12 pèse quelques kilo-octets : fichier refusé.")
            )
        return upload.read()


class AcknowledgementUploadForm(forms.Form):
    """An acknowledgement file (PES_ACQUIT) Hélios returned; read and checked by the import operation."""

    file = forms.FileField(
        label=_("Acquittement Hélios (PES_ACQUIT, XML)"),
        help_text=_("Le fichier est rapproché de l'export qu'il acquitte par son NomFic."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > pes_core.ACQUIT_MAX_BYTES:
            raise forms.ValidationError(
                _("Fichier trop volumineux pour un acquittement PES (%(size)d octets, limite %(limit)d).")
                % {"size": upload.size, "limit": pes_core.ACQUIT_MAX_BYTES}
            )
        return upload.read(pes_core.ACQUIT_MAX_BYTES + 1)
