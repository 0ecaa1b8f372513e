"""Forms of the invoice workspace: status changes with their reasons, the supplier's answers, bulk actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from invoices.lifecycle import reasons
from invoices.lifecycle.mandat_reference import reference_errors
from invoices.lifecycle.transitions import Transition
from invoices.models import InvoiceStatus

BULK_TARGETS = (InvoiceStatus.PRISE_EN_COMPTE, InvoiceStatus.SERVICE_FAIT)


class StatusChangeForm(forms.Form):
    """One action of the invoice page: move to `transition.target`, with a reason when it takes one."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    target = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, transition: Transition, **kwargs):
        kwargs.setdefault("prefix", transition.target)
        super().__init__(*args, **kwargs)
        self.transition = transition
        target = transition.target
        self.fields["target"].initial = target
        choices = reasons.reason_choices(target)
        if choices:
            self.fields["reason"] = forms.ChoiceField(
                label=_("Motif"),
                choices=[("", _("— Choisissez un motif —")), *choices],
                required=transition.reason_required,
            )
            self.fields["reason"].widget.attrs["data-reason-select"] = target
        self.fields["comment"] = forms.CharField(
            label=_("Commentaire"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Visible par le fournisseur.") if choices else "",
        )
        if transition.needs_mandat:
            self.fields["mandat_exercice"] = forms.CharField(label=_("Exercice"), max_length=4)
            self.fields["mandat_bordereau"] = forms.CharField(label=_("N° de bordereau"), max_length=20)
            self.fields["mandat_numero"] = forms.CharField(label=_("N° de mandat"), max_length=20)
            self.fields["mandat_ligne"] = forms.CharField(label=_("Ligne"), max_length=20, required=False)
        if target == InvoiceStatus.SERVICE_FAIT:
            self.fields["service_done_on"] = forms.DateField(
                label=_("Prestations exécutées le"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                help_text=_(
                    "Si elles l'ont été après la réception, le délai de paiement court de cette date."
                ),
            )
        if target == InvoiceStatus.REJETEE:
            self.fields["confirm"] = forms.BooleanField(
                label=_("Je confirme le rejet définitif malgré l'avertissement"), required=False
            )

    def clean(self):
        data = super().clean()
        if self.transition.needs_mandat and not any(f.startswith("mandat_") for f in self.errors):
            for field, message in reference_errors(self.mandat()).items():
                self.add_error(field, message)
        reason = data.get("reason")
        if self.transition.target == InvoiceStatus.REJETEE and reason and not data.get("confirm"):
            better = reasons.better_answer(reason)
            if better:
                self.rejection_warning = better_answer_warning(reason, better)
                raise forms.ValidationError(self.rejection_warning, code="better_answer")
        return data

    def mandat(self) -> dict | None:
        if not self.transition.needs_mandat:
            return None
        return {
            name: self.cleaned_data.get(f"mandat_{name}")
            for name in ("exercice", "bordereau", "numero", "ligne")
        }

    def service_done_on(self):
        return self.cleaned_data.get("service_done_on") if "service_done_on" in self.fields else None

    def reason_help(self) -> list[tuple[str, str, str]]:
        """(code, help, warning when a gentler answer fits) of each reason, for the page."""
        rows = []
        for reason in reasons.reasons_for(self.transition.target):
            better = (
                reasons.better_answer(reason.code)
                if self.transition.target == InvoiceStatus.REJETEE
                else None
            )
            rows.append(
                (reason.code, str(reason.help), better_answer_warning(reason.code, better) if better else "")
            )
        return rows


def better_answer_warning(reason: str, better: str) -> str:
    return str(
        _(
            "Un rejet est définitif et oblige le fournisseur à émettre une nouvelle facture. Pour le motif "
            "« %(reason)s », le statut « %(better)s » conviendrait sans doute mieux : le fournisseur "
            "pourrait corriger et renvoyer la même facture. Cochez la case de confirmation pour rejeter "
            "malgré tout."
        )
        % {"reason": reasons.label(reason), "better": InvoiceStatus(better).label}
    )


class MandatRejectionForm(forms.Form):
    """The public accountant rejects the mandat: a reason of his list, spelt out when it asks."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Motif du rejet"))
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible par l'ordonnateur et le fournisseur."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "reject")
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [
            ("", _("— Choisissez un motif —")),
            *reasons.mandat_rejection_choices(),
        ]


class RecycleForm(forms.Form):
    """The supplier corrects the routing data (the field names are those the routing checks report on)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    recipient_siret = forms.CharField(label=_("SIRET du destinataire"), max_length=20)
    service_code = forms.CharField(label=_("Code service"), max_length=100, required=False)
    engagement = forms.CharField(label=_("Numéro d'engagement"), max_length=100, required=False)
    comment = forms.CharField(
        label=_("Commentaire"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "recycle")
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class CompleteForm(forms.Form):
    """The supplier adds the missing documents to a suspended invoice."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    attachments = MultipleFileField(label=_("Pièces jointes"))
    comment = forms.CharField(
        label=_("Commentaire"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "complete")
        super().__init__(*args, **kwargs)


class BulkStatusForm(forms.Form):
    """A status applied to a selection of received invoices (steps that need no reason)."""

    target = forms.ChoiceField(
        label=_("Action sur la sélection"),
        choices=[(s.value, s.label) for s in BULK_TARGETS],
    )
    invoices = forms.TypedMultipleChoiceField(
        label=_("Factures"),
        coerce=str,
        choices=(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Sélectionnez au moins une facture : cochez-la dans la liste.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are checked again by the tenant guard, one invoice at a time.
        submitted = self.data.getlist("invoices") if hasattr(self.data, "getlist") else []
        self.fields["invoices"].choices = [(v, v) for v in submitted]

    def clean_invoices(self):
        import uuid

        values = []
        for value in self.cleaned_data["invoices"]:
            try:
                values.append(uuid.UUID(value))
            except ValueError as exc:
                raise forms.ValidationError(_("Sélection invalide.")) from exc
        if not values:
            raise forms.ValidationError(_("Sélectionnez au moins une facture."))
        if len(values) > 500:
            raise forms.ValidationError(_("500 factures au plus par action groupée."))
        return values
