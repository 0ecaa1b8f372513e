"""The filters of the invoice lists, shared by the pages, their exports and the API.

The choices offered (structures, services) are limited to what the user may see; the querysets filtered are
already tenant-scoped (`invoices.lifecycle.queries`), so a filter can narrow a list but never widen it.

Each filter is written so that an index can serve it at millions of rows: several statuses are one `IN`
list (no DISTINCT), dates of receipt are timestamp ranges from local midnight (never a conversion of each
row to a date), and a supplier or recipient typed by name or SIRET is first resolved to the structures it
matches (a bounded lookup in the structures), then filtered by their ids.
"""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import Service, Structure
from invoices.lifecycle.queries import DEFAULT_SORT, SORTS
from invoices.models import Invoice, InvoiceStatus

# A name matching more structures than this is not selective: it is then filtered by a subquery.
MAX_MATCHED_PARTIES = 200

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


def party_condition(value: str) -> Q:
    """The structures a typed party names: by name (contains), or by SIRET/SIREN (starts with) when the text
    is 9 digits or more."""
    condition = Q(name__icontains=value)
    digits = _digits(value)
    if len(digits) >= 9 and len(digits) == len(value.replace(" ", "")):
        condition |= Q(identifier__startswith=digits)
    return condition


def matching_structures(value: str) -> list[int] | None:
    """The ids of the structures a typed party names, at most MAX_MATCHED_PARTIES; None when more match."""
    found = Structure.objects.filter(party_condition(value)).values_list("pk", flat=True)
    ids = list(found[: MAX_MATCHED_PARTIES + 1])
    return ids if len(ids) <= MAX_MATCHED_PARTIES else None


def _local_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class InvoiceFilter(django_filters.FilterSet):
    """Filters common to received and sent invoices."""

    status = django_filters.MultipleChoiceFilter(
        label=_("Statut"),
        choices=InvoiceStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_status",
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
        label=_("Déposée à partir du"), method="filter_received_from", widget=_DateInput()
    )
    received_to = django_filters.DateFilter(
        label=_("Déposée jusqu'au"), method="filter_received_to", widget=_DateInput()
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

    # Filters the per-status counters cannot follow (they count per structure and service only).
    NARROWING = (
        "number",
        "issued_from",
        "issued_to",
        "received_from",
        "received_to",
        "amount_min",
        "amount_max",
        "code_service",
        "supplier",
        "recipient",
    )

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.access = access.access_of(user)
        self.statuses: list[str] = []
        self.party_ids: list[int] | None = None
        self.structure_id: int | None = None
        self.service: Service | None = None

    def filter_status(self, queryset, name, value):
        self.statuses = list(value)
        return queryset.filter(status__in=self.statuses) if self.statuses else queryset

    def filter_received_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_local_midnight(value))

    def filter_received_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_local_midnight(value + timedelta(days=1)))

    def _filter_party(self, queryset, value: str, field: str):
        value = value.strip()
        if not value:
            return queryset
        ids = matching_structures(value)
        if ids is None:
            matching = Structure.objects.filter(party_condition(value)).values("pk")
            return queryset.filter(**{f"{field}_id__in": matching})
        self.party_ids = ids
        return queryset.filter(**{f"{field}_id__in": ids})

    def filter_recipient(self, queryset, name, value):
        return self._filter_party(queryset, value, "recipient")

    def _choose_structure(self, queryset, value, field: str):
        structure = self._structures.get(value)
        if structure is None:
            return queryset.none()
        self.structure_id = structure.pk
        return queryset.filter(**{f"{field}_id": structure.pk})

    def narrowed(self) -> bool:
        """Whether a filter the per-status counters cannot follow is in use."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return any(data.get(name) not in (None, "", []) for name in self.NARROWING if name in self.filters)

    def partition_dimensions(self) -> list[list[Q]]:
        """Statuses and matched parties asked for: the page reads one index range per value."""
        dimensions = [[Q(status=s) for s in self.statuses]]
        if self.party_ids:
            field = "supplier_id" if "supplier" in self.filters else "recipient_id"
            dimensions.append([Q(**{field: pk}) for pk in self.party_ids])
        return dimensions


def _structure_choices(structures) -> list[tuple[str, str]]:
    return [(str(s.uuid), s.name) for s in structures]


class ReceivedInvoiceFilter(InvoiceFilter):
    structure = django_filters.ChoiceFilter(label=_("Structure destinataire"), method="filter_structure")
    service = django_filters.ChoiceFilter(label=_("Service"), method="filter_service")
    code_service = django_filters.CharFilter(
        label=_("Code service"), field_name="code_service", lookup_expr="iexact"
    )
    supplier = django_filters.CharFilter(label=_("Fournisseur (nom ou SIRET)"), method="filter_supplier")
    # The day the payment clock started (delivery, or completion): the dashboard's ageing bars link here.
    delivered_from = django_filters.DateFilter(
        label=_("Mise à disposition à partir du"),
        field_name="delivered_at",
        lookup_expr="date__gte",
        widget=_DateInput(),
    )
    delivered_to = django_filters.DateFilter(
        label=_("Mise à disposition jusqu'au"),
        field_name="delivered_at",
        lookup_expr="date__lte",
        widget=_DateInput(),
    )

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        super().__init__(data, queryset, user=user, **kwargs)
        structures = self.access.structures(access.TRIAGE)
        self._structures = {str(s.uuid): s for s in structures}
        self.filters["structure"].extra["choices"] = _structure_choices(structures)
        services = self.access.visible_services(access.TRIAGE)
        self._services = {str(s.uuid): s for s in services}
        self.filters["service"].extra["choices"] = [(str(s.uuid), str(s)) for s in services]

    def filter_structure(self, queryset, name, value):
        return self._choose_structure(queryset, value, "recipient")

    def filter_service(self, queryset, name, value):
        self.service = self._services.get(value)
        if self.service is None:
            return queryset.none()
        return queryset.filter(service_id=self.service.pk)

    def filter_supplier(self, queryset, name, value):
        return self._filter_party(queryset, value, "supplier")

    def counted_scopes(self) -> list[tuple[int, frozenset[int] | None]]:
        """The (structure, services) whose counters the per-status counts add up, under these filters."""
        scopes = self.access.received_scopes(access.TRIAGE)
        if self.structure_id is not None:
            scopes = [scope for scope in scopes if scope[0] == self.structure_id]
        if self.service is not None:
            service = self.service
            scopes = [
                (structure, frozenset({service.pk}))
                for structure, services in scopes
                if structure == service.structure_id and (services is None or service.pk in services)
            ]
        return scopes


class SentInvoiceFilter(InvoiceFilter):
    structure = django_filters.ChoiceFilter(label=_("Structure émettrice"), method="filter_structure")
    recipient = django_filters.CharFilter(label=_("Destinataire (nom ou SIRET)"), method="filter_recipient")

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        super().__init__(data, queryset, user=user, **kwargs)
        structures = self.access.structures(access.DEPOSIT)
        self._structures = {str(s.uuid): s for s in structures}
        self.filters["structure"].extra["choices"] = _structure_choices(structures)

    def filter_structure(self, queryset, name, value):
        return self._choose_structure(queryset, value, "supplier")

    def counted_structures(self) -> list[int]:
        """The supplier structures whose counters the per-status counts add up, under these filters."""
        if self.structure_id is not None:
            return [self.structure_id]
        return self.access.structure_ids(access.DEPOSIT)


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
    "delivered_from",
    "delivered_to",
    "amount_min",
    "amount_max",
    "structure",
    "service",
    "code_service",
    "supplier",
    "recipient",
    "sort",
)
