"""The invoices API: lists with the workspace's filters and keyset cursors, details with history, status
changes one by one or in bulk (the public body's financial software), and the supplier's answers.

Adapters only: invoices are found through `invoices.lifecycle.queries` (404 to outsiders, whatever the
method), every change is an operation of `invoices.lifecycle`; its domain errors become 400, 409 or 422.
"""

from django.http import FileResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.utils.urls import replace_query_param

from accounts.api import params
from accounts.api import schema as _schema  # noqa: F401  (registers the auth schemes)
from accounts.api.openapi import decimal_pattern
from invoices import lifecycle
from invoices.deposit.api import CREATE_INVOICE_SCHEMA, DepositUploadGuardMixin, create_invoice_from_request
from invoices.lifecycle import IllegalTransition, LifecycleError, RoutingRefused, VersionConflict, exports
from invoices.lifecycle import serializers as s
from invoices.lifecycle.bulk import StatusChange, change_statuses
from invoices.lifecycle.filters import ApiInvoiceFilter, sort_param
from invoices.lifecycle.queries import (
    DEPOSIT,
    SORTS,
    get_invoice_for_user,
    keyset_page,
    partitions,
    received_invoices_for,
    received_scopes,
    sent_invoices_for,
    sent_scopes,
    visible_invoices_for,
)
from invoices.models import InvoiceStatus

TAGS = ["invoices"]
UUID_REGEX = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class KeysetPagination(BasePagination):
    """Cursor pages that never use OFFSET: `next` and `previous` carry a signed position."""

    page_size = 50
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = params.integer(
            request.query_params, "page_size", default=self.page_size, minimum=1, maximum=self.max_page_size
        )
        params.choice(request.query_params, "sort", SORTS)
        self.page = keyset_page(
            queryset,
            sort=sort_param(request.query_params),
            cursor=request.query_params.get("cursor", ""),
            size=size,
            parts=getattr(view, "keyset_parts", None),
        )
        return self.page.items

    def _link(self, cursor):
        if not cursor:
            return None
        return replace_query_param(self.request.build_absolute_uri(), "cursor", cursor)

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
                "description": "Position opaque renvoyée dans `next` / `previous`.",
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
                "description": f"Factures par page ({self.page_size} par défaut).",
            },
        ]


def _error(error: LifecycleError) -> Response:
    """409 when the invoice's state forbids the change, 422 for any other refusal of a well-formed request."""
    body = {"error": error.code, "detail": error.message, "field": error.field}
    if isinstance(error, IllegalTransition):
        body.update(status=error.current, allowed=error.allowed)
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(error, VersionConflict):
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(error, RoutingRefused):
        language = "en" if (get_language() or "fr").startswith("en") else "fr"
        body["findings"] = [f.to_dict(language) for f in error.findings]
    return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY)


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _set_status(invoice, data: dict, *, actor):
    """One status change as the API asks for it, one by one or in bulk."""
    return lifecycle.set_status(
        invoice,
        data["status"],
        actor=actor,
        reason=data.get("reason", ""),
        comment=data.get("comment", ""),
        expected_version=data.get("version"),
        mandat=s.mandat_from(data),
        service_done_on=data.get("service_done_on"),
    )


ERRORS = {
    404: OpenApiResponse(description="Facture inconnue ou invisible pour l'appelant."),
    409: OpenApiResponse(
        s.InvoiceErrorSerializer, description="Transition interdite, ou facture modifiée entre-temps."
    ),
    422: OpenApiResponse(
        s.InvoiceErrorSerializer,
        description="Demande refusée sur le fond : motif ou mandat manquant, acheminement refusé…",
    ),
}
# What an original is served as: the media type sniffed from its bytes when it was kept.
ORIGINAL_MEDIA_TYPES = ("application/pdf", "application/xml", "application/octet-stream")
AMOUNT = {"type": "string", "format": "decimal", "pattern": decimal_pattern(19, 2)}
FILTER_PARAMETERS = [
    OpenApiParameter("direction", str, enum=["received", "sent"], description="Factures reçues ou émises."),
    OpenApiParameter("status", str, many=True, enum=list(InvoiceStatus.values)),
    OpenApiParameter("structure", OpenApiTypes.UUID, description="Structure destinataire (reçues)."),
    OpenApiParameter("service", OpenApiTypes.UUID, description="Service destinataire."),
    OpenApiParameter("code_service", str),
    OpenApiParameter("supplier", str, description="Fournisseur : nom ou SIRET."),
    OpenApiParameter("recipient", str, description="Destinataire : nom ou SIRET."),
    OpenApiParameter("number", str),
    OpenApiParameter("issued_from", OpenApiTypes.DATE),
    OpenApiParameter("issued_to", OpenApiTypes.DATE),
    OpenApiParameter("received_from", OpenApiTypes.DATE),
    OpenApiParameter("received_to", OpenApiTypes.DATE),
    OpenApiParameter("amount_min", AMOUNT, description="Montant TTC minimal."),
    OpenApiParameter("amount_max", AMOUNT, description="Montant TTC maximal."),
    OpenApiParameter("sort", str, enum=list(SORTS)),
]
# Filters whose empty value is no value of their type: refused rather than skipped.
TYPED_FILTERS = [p.name for p in FILTER_PARAMETERS if p.type is not str or p.enum]


@extend_schema_view(
    list=extend_schema(summary="Factures reçues ou émises", tags=TAGS, parameters=FILTER_PARAMETERS),
    retrieve=extend_schema(
        summary="Une facture, avec son historique",
        tags=TAGS,
        responses={200: s.InvoiceDetailSerializer, 404: ERRORS[404]},
    ),
)
class InvoiceViewSet(
    DepositUploadGuardMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.InvoiceSerializer
    pagination_class = KeysetPagination
    filter_backends = []
    lookup_field = "uuid"
    lookup_url_kwarg = "id"
    lookup_value_regex = UUID_REGEX

    def _direction(self) -> str:
        direction = self.request.query_params.get("direction", "")
        if direction not in ("", "received", "sent"):
            raise ValidationError({"direction": _("received ou sent.")})
        return direction

    def get_queryset(self):
        direction, user = self._direction(), self.request.user
        if direction == "received":
            return received_invoices_for(user)
        if direction == "sent":
            return sent_invoices_for(user)
        return visible_invoices_for(user)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params.refuse_empty(self.request.query_params, TYPED_FILTERS)
        filterset = ApiInvoiceFilter(self.request.query_params, queryset=queryset, user=self.request.user)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        filtered = filterset.qs
        direction, user = self._direction(), self.request.user
        scopes = {
            "received": received_scopes(user),
            "sent": sent_scopes(user),
            "": received_scopes(user) + sent_scopes(user),
        }[direction]
        self.keyset_parts = partitions(scopes, *filterset.partition_dimensions())
        return filtered

    def get_object(self, right=None):
        kwargs = {"right": right} if right else {}
        return get_invoice_for_user(self.request.user, self.kwargs["id"], **kwargs)

    def get_serializer_class(self):
        return s.InvoiceDetailSerializer if self.action == "retrieve" else s.InvoiceSerializer

    def _detail(self, invoice, code=status.HTTP_200_OK):
        invoice = get_invoice_for_user(self.request.user, invoice.uuid)
        return Response(
            s.InvoiceDetailSerializer(invoice, context={"request": self.request}).data, status=code
        )

    def _answer(self, operation):
        """Run one lifecycle operation: the invoice's detail, or its domain error as a 4xx."""
        try:
            invoice = operation()
        except LifecycleError as error:
            return _error(error)
        return self._detail(invoice)

    @extend_schema(tags=TAGS, **CREATE_INVOICE_SCHEMA)
    def create(self, request, *args, **kwargs):
        """`POST /api/v1/invoices/`: the deposit (issue 5's `create_invoice_from_request`)."""
        return create_invoice_from_request(request)

    @extend_schema(
        summary="Le fichier déposé",
        tags=TAGS,
        description="Le fichier tel qu'il a été déposé : PDF (Factur-X ou PDF simple) ou XML (CII, UBL).",
        responses={
            **{(200, media_type): OpenApiTypes.BINARY for media_type in ORIGINAL_MEDIA_TYPES},
            404: ERRORS[404],
        },
    )
    @action(detail=True, methods=["get"])
    def original(self, request, id=None):
        invoice = self.get_object()
        stored = invoice.original
        response = FileResponse(
            stored.file.open("rb"),
            as_attachment=True,
            filename=stored.original_name,
            content_type=stored.content_type or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(
        summary="Historique au format du cycle de vie XP Z12-012",
        tags=TAGS,
        responses={200: OpenApiTypes.OBJECT, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"])
    def history(self, request, id=None):
        import json

        return Response(json.loads(exports.history_json(self.get_object())))

    @extend_schema(
        summary="Changer le statut",
        description="Motif obligatoire pour a_recycler, suspendue, rejetee ; référence du mandat pour "
        "mandatee. Avec `version`, la demande est refusée (409) si la facture a changé depuis cette version.",
        tags=TAGS,
        request=s.StatusChangeSerializer,
        responses={200: s.InvoiceDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def change_status(self, request, id=None):
        invoice = self.get_object()
        data = _validated(s.StatusChangeSerializer, request.data)
        return self._answer(lambda: _set_status(invoice, data, actor=request.user))

    @extend_schema(
        summary="Changer le statut de plusieurs factures",
        description="Un résultat par facture, dans l'ordre de la demande ; chaque changement est "
        "indépendant. Conçu pour le logiciel financier (compte technique) : service fait, mandat, mise en "
        "paiement.",
        tags=TAGS,
        request=s.BulkStatusSerializer,
        responses={200: s.BulkResponseSerializer},
    )
    @action(detail=False, methods=["post"], url_path="statuses", url_name="statuses")
    def bulk_statuses(self, request):
        changes = _validated(s.BulkStatusSerializer, request.data)["changes"]
        report = change_statuses(
            [
                StatusChange(
                    item["id"],
                    item["status"],
                    reason=item.get("reason", ""),
                    comment=item.get("comment", ""),
                    version=item.get("version"),
                    mandat=s.mandat_from(item),
                )
                for item in changes
            ],
            actor=request.user,
            among=visible_invoices_for(request.user),
        )
        results = [
            {"id": r.id, "ok": True, "status": r.status, "version": r.version}
            if r.ok
            else {"id": r.id, "ok": False, "error": r.error, "detail": r.detail}
            for r in report
        ]
        return Response({"results": results})

    @extend_schema(
        summary="Corriger l'acheminement d'une facture à recycler et la renvoyer",
        tags=TAGS,
        request=s.RecycleSerializer,
        responses={200: s.InvoiceDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def recycle(self, request, id=None):
        invoice = self.get_object(right=DEPOSIT)
        data = _validated(s.RecycleSerializer, request.data)
        return self._answer(
            lambda: lifecycle.recycle_invoice(
                invoice,
                actor=request.user,
                buyer_siret=data["recipient_siret"],
                code_service=data["service_code"],
                engagement=data["engagement"],
                comment=data["comment"],
                expected_version=data.get("version"),
            )
        )

    @extend_schema(
        summary="Compléter une facture suspendue (pièces jointes)",
        tags=TAGS,
        request={"multipart/form-data": s.CompleteSerializer},
        responses={200: s.InvoiceDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def complete(self, request, id=None):
        invoice = self.get_object(right=DEPOSIT)
        payload = {
            "attachments": request.FILES.getlist("attachments"),
            "comment": request.data.get("comment", ""),
        }
        if request.data.get("version"):  # a form has no null: the field is absent or empty
            payload["version"] = request.data["version"]
        data = _validated(s.CompleteSerializer, payload)
        return self._answer(
            lambda: lifecycle.complete_invoice(
                invoice,
                actor=request.user,
                attachments=data["attachments"],
                comment=data["comment"],
                expected_version=data.get("version"),
            )
        )

    @extend_schema(
        summary="Accuser réception d'un rejet",
        tags=TAGS,
        request=None,
        responses={200: s.InvoiceDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, id=None):
        invoice = self.get_object(right=DEPOSIT)
        return self._answer(lambda: lifecycle.acknowledge_rejection(invoice, actor=request.user))


# `…/original` and `…/status` are documented without a trailing slash; both spellings are served.
router = SimpleRouter()
router.trailing_slash = "/?"
router.register("invoices", InvoiceViewSet, basename="invoice")
urlpatterns = router.urls
