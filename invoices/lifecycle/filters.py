"""The filters of the invoice lists, shared by the pages, their exports and the API.

The choices offered (structures, services) are limited to what the user may see; the querysets filtered are
already tenant-scoped (`invoices.lifecycle.queries`), so a filter can narrow a list but never widen it.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import Service, Structure
from invoices.lifecycle.queries import DEFAULT_SORT, SORTS
from invoices.models import Invoice, InvoiceStatus

SORT_LABELS = {
    "-received": _("Réception (récentes d'abord)"),
    "received": _("Réception (anciennes d'abord)"),
    "-issue_date": _("Date d'émission (récentes d'abord)"),
    "issue_date": _("Date d'émission (anciennes d'abord)"),
    "-amount": _("Montant TTC (décroissant)"),
    "amount": _("Montant TTC (croissant)"),
    "number": _("Numéro"),
    "-number": _("Numéro (décroissant)"),
    "party": _("Fournisseur (A→Z)"),
    "-party": _("Fournisseur (Z→A)"),
    "-status_changed": _("Dernier changement de statut"),
}


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _filter_party(queryset, value: str, *, names: tuple[str, ...], identifiers: tuple[str, ...]):
    """A party by name (contains), or by SIRET/SIREN (starts with) when the text is 9 digits or more."""
    value = value.strip()
    if not value:
        return queryset
    condition = Q()
    for field in names:
        condition |= Q(**{f"{field}__icontains": value})
    digits = _digits(value)
    if len(digits) >= 9 and len(digits) == len(value.replace(" ", "")):
        for field in identifiers:
            condition |= Q(**{f"{field}__startswith": digits})
    return queryset.filter(condition)


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class InvoiceFilter(django_filters.FilterSet):
    """Filters common to received and sent invoices."""

    status = django_filters.MultipleChoiceFilter(
        label=_("Statut"), choices=InvoiceStatus.choices, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    number = django_filters.CharFilter(
        label=_("Numéro de facture"), field_name="number", lookup_expr="icontains"
    )
    issued_from = django_filters.DateFilter(
        label=_("Émise à partir du"), field_name="issue_date", lookup_expr="gte", widget=_DateInput()
    )
    issued_to = django_filters.DateFilter(
        label=_("Émise jusqu'au"), field_name="issue_date", lookup_expr="lte", widget=_DateInput()
    )
    received_from = django_filters.DateFilter(
        label=_("Déposée à partir du"), field_name="created_at", lookup_expr="date__gte", widget=_DateInput()
    )
    received_to = django_filters.DateFilter(
        label=_("Déposée jusqu'au"), field_name="created_at", lookup_expr="date__lte", widget=_DateInput()
    )
    amount_min = django_filters.NumberFilter(
        label=_("Montant TTC min."), field_name="total_with_vat", lookup_expr="gte"
    )
    amount_max = django_filters.NumberFilter(
        label=_("Montant TTC max."), field_name="total_with_vat", lookup_expr="lte"
    )

    class Meta:
        model = Invoice
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user


class ReceivedInvoiceFilter(InvoiceFilter):
    structure = django_filters.ModelChoiceFilter(
        label=_("Structure destinataire"),
        field_name="recipient",
        queryset=Structure.objects.none(),
        to_field_name="uuid",
    )
    service = django_filters.ModelChoiceFilter(
        label=_("Service"), field_name="service", queryset=Service.objects.none(), to_field_name="uuid"
    )
    code_service = django_filters.CharFilter(
        label=_("Code service"), field_name="code_service", lookup_expr="iexact"
    )
    supplier = django_filters.CharFilter(label=_("Fournisseur (nom ou SIRET)"), method="filter_supplier")

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        super().__init__(data, queryset, user=user, **kwargs)
        memberships = list(access.memberships_with_right(user, access.TRIAGE)) if user else []
        self.filters["structure"].queryset = Structure.objects.filter(
            pk__in=[m.structure_id for m in memberships]
        ).order_by("name")
        service_ids = set()
        for membership in memberships:
            service_ids.update(access.visible_services(membership).values_list("pk", flat=True))
        self.filters["service"].queryset = (
            Service.objects.filter(pk__in=service_ids)
            .select_related("structure")
            .order_by("structure__name", "code")
        )

    def filter_supplier(self, queryset, name, value):
        return _filter_party(
            queryset,
            value,
            names=("seller_name", "supplier__name"),
            identifiers=("seller_siret", "supplier__identifier"),
        )


class SentInvoiceFilter(InvoiceFilter):
    structure = django_filters.ModelChoiceFilter(
        label=_("Structure émettrice"),
        field_name="supplier",
        queryset=Structure.objects.none(),
        to_field_name="uuid",
    )
    recipient = django_filters.CharFilter(label=_("Destinataire (nom ou SIRET)"), method="filter_recipient")

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        super().__init__(data, queryset, user=user, **kwargs)
        self.filters["structure"].queryset = (
            access.user_structures(user, right=access.DEPOSIT) if user else Structure.objects.none()
        )

    def filter_recipient(self, queryset, name, value):
        return _filter_party(
            queryset,
            value,
            names=("buyer_name", "recipient__name"),
            identifiers=("buyer_identifier", "recipient__identifier"),
        )


class ApiInvoiceFilter(InvoiceFilter):
    """The API lists either side (`direction`); a supplier filter on sent invoices is harmless.

    Structure and service are ids that narrow the list: one the caller cannot see narrows it to nothing
    rather than being refused, since the list is tenant-scoped already and an empty answer tells no more.
    """

    structure = django_filters.UUIDFilter(label=_("Structure destinataire"), field_name="recipient__uuid")
    service = django_filters.UUIDFilter(label=_("Service"), field_name="service__uuid")
    code_service = django_filters.CharFilter(
        label=_("Code service"), field_name="code_service", lookup_expr="iexact"
    )
    supplier = django_filters.CharFilter(label=_("Fournisseur (nom ou SIRET)"), method="filter_supplier")
    recipient = django_filters.CharFilter(label=_("Destinataire (nom ou SIRET)"), method="filter_recipient")
    filter_supplier = ReceivedInvoiceFilter.filter_supplier
    filter_recipient = SentInvoiceFilter.filter_recipient


def sort_param(data) -> str:
    sort = (data or {}).get("sort") or DEFAULT_SORT
    return sort if sort in SORTS else DEFAULT_SORT


FILTER_PARAMS = (
    "status",
    "number",
    "issued_from",
    "issued_to",
    "received_from",
    "received_to",
    "amount_min",
    "amount_max",
    "structure",
    "service",
    "code_service",
    "supplier",
    "recipient",
    "sort",
)


def without_status(data):
    """The same filters without the status one: the per-status counts are counted on it."""
    copy = data.copy()
    copy.pop("status", None)
    return copy
