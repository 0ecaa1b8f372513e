"""API of the payment chain: the mandat rejection (`POST invoices/{id}/reject-mandat`) and a structure's
late-payment report (`GET late-payments/{structure}/`).

Adapters: invoices and structures are found through tenant-scoped helpers (404 to outsiders), the rejection
is `lifecycle.reject_mandat`; its domain errors become 400 or 409 as on the invoices API.
"""

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from invoices import lifecycle
from invoices.lifecycle import LifecycleError, late_payments
from invoices.lifecycle import serializers as s
from invoices.lifecycle.api import ERRORS, TAGS, _error, _validated
from invoices.lifecycle.queries import get_invoice_for_user


class RejectMandatView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="invoices_reject_mandat",
        summary="Rejeter le mandat (comptable public) : retour au statut service_fait",
        description="La facture revient au statut service_fait avec son historique et passe à la révision "
        "suivante : les pièces renvoyées à Hélios avec le nouveau mandat auront un nouvel IdUnique.",
        request=s.MandatRejectionSerializer,
        responses={200: s.InvoiceDetailSerializer, **ERRORS},
    )
    def post(self, request, invoice):
        found = get_invoice_for_user(request.user, invoice)
        data = _validated(s.MandatRejectionSerializer, request.data)
        try:
            rejected = lifecycle.reject_mandat(
                found,
                actor=request.user,
                reason=data["reason"],
                comment=data["comment"],
                expected_version=data.get("version"),
            )
        except LifecycleError as error:
            return _error(error)
        rejected = get_invoice_for_user(request.user, rejected.uuid)
        return Response(s.InvoiceDetailSerializer(rejected, context={"request": request}).data)


class LatePaymentRowSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()
    supplier = serializers.CharField()
    supplier_siret = serializers.CharField()
    status = serializers.CharField()
    amount_due = serializers.DecimalField(max_digits=19, decimal_places=2, allow_null=True)
    clock_state = serializers.CharField()
    started_on = serializers.DateField()
    period_days = serializers.IntegerField()
    due_on = serializers.DateField()
    days_late = serializers.IntegerField()
    interest_from = serializers.DateField(allow_null=True)
    ecb_rate = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True)
    interest_rate = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True)
    interest = serializers.DecimalField(max_digits=19, decimal_places=2, allow_null=True)
    indemnity = serializers.DecimalField(max_digits=19, decimal_places=2, allow_null=True)
    missing_rate_semester = serializers.DateField(allow_null=True)


class LatePaymentReportSerializer(serializers.Serializer):
    structure = inline_serializer(
        "LatePaymentStructure",
        {
            "id": serializers.UUIDField(),
            "identifier": serializers.CharField(),
            "name": serializers.CharField(),
        },
    )
    deadline_days = serializers.IntegerField()
    totals = inline_serializer(
        "LatePaymentTotals",
        {
            "count": serializers.IntegerField(),
            "interest": serializers.DecimalField(max_digits=19, decimal_places=2),
            "indemnity": serializers.DecimalField(max_digits=19, decimal_places=2),
            "total": serializers.DecimalField(max_digits=19, decimal_places=2),
            "missing_rate_semesters": serializers.ListField(
                child=serializers.DateField(), help_text="Semestres dont le taux BCE manque."
            ),
        },
    )
    results = LatePaymentRowSerializer(many=True)


def _number(value):
    return None if value is None else str(value)


class LatePaymentsView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="late_payments_retrieve",
        summary="Factures en retard de paiement d'une structure, avec les intérêts et l'indemnité dus",
        responses={
            200: LatePaymentReportSerializer,
            404: ERRORS[404],
        },
    )
    def get(self, request, structure):
        found, invoices = late_payments.structure_for_report(request.user, structure)
        rows = late_payments.late_invoices(invoices)
        totals = late_payments.totals(rows)
        results = []
        for row in rows:
            record = late_payments.as_record(row)
            for key in ("amount_due", "ecb_rate", "interest_rate", "interest", "indemnity"):
                record[key] = _number(record[key])
            results.append(record)
        return Response(
            {
                "structure": {"id": str(found.uuid), "identifier": found.identifier, "name": found.name},
                "deadline_days": found.payment_deadline_days,
                "totals": {
                    "count": totals["count"],
                    "interest": str(totals["interest"]),
                    "indemnity": str(totals["indemnity"]),
                    "total": str(totals["total"]),
                    "missing_rate_semesters": [d.isoformat() for d in totals["missing_semesters"]],
                },
                "results": results,
            }
        )


urlpatterns = [
    path(
        "invoices/<uuid:invoice>/reject-mandat", RejectMandatView.as_view(), name="api-invoice-reject-mandat"
    ),
    path("late-payments/<uuid:structure>/", LatePaymentsView.as_view(), name="api-late-payments"),
]
