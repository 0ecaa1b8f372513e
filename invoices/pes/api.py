"""PES export API: `POST /api/v1/pes-exports/`, `GET /api/v1/pes-exports/{id}/`, `GET .../{id}/file`.

Adapters only: structures and exports are found through `invoices.pes.scope` (404 to anyone without the
export right), the export itself is `pes_export.export_pes`. Downloads are journaled; a browser session must
also have passed its second factor recently, as on the pages (an API token is its own proof).
"""

from django.http import FileResponse, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import params
from accounts.api.authentication import VerifiedSessionAuthentication
from accounts.api.errors import ErrorSerializer, Refused, error_body
from accounts.api.fields import StrictSerializer
from accounts.models import Service
from accounts.twofactor import has_recent_otp
from invoices.models import PesExport
from invoices.pes import export as pes_export
from invoices.pes import report as pes_report
from invoices.pes import scope as pes_scope
from invoices.pes.acknowledgements import acknowledgements_of
from invoices.pes.api_acknowledgements import AcknowledgementSerializer, acknowledgement_data
from invoices.pes.core.pjlist import PJ_LIST_COLUMNS

TAGS = ["pes-exports"]


class FiltersSerializer(StrictSerializer):
    service = serializers.CharField(required=False, allow_blank=True, help_text="Code du service.")
    supplier = serializers.CharField(
        required=False, allow_blank=True, help_text="SIRET ou nom du fournisseur."
    )
    number = serializers.CharField(required=False, allow_blank=True)
    issued_from = serializers.DateField(required=False, allow_null=True)
    issued_to = serializers.DateField(required=False, allow_null=True)
    since = serializers.DateField(required=False, allow_null=True, help_text="Statut changé depuis ce jour.")
    status = serializers.ChoiceField(
        choices=[s.value for s in pes_scope.ACCEPTED_STATUSES], required=False, allow_blank=True
    )


class ExportRequestSerializer(StrictSerializer):
    structure = serializers.CharField(help_text="UUID ou SIRET de l'entité publique.")
    shape = serializers.ChoiceField(choices=PesExport.Shape.choices, default=PesExport.Shape.PJ_LIST)
    invoices = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        allow_empty=False,
        help_text="Sélection explicite (identifiants des factures) ; sinon celles qui suivent `filters`.",
    )
    filters = FiltersSerializer(required=False)
    reexport_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Obligatoire pour exporter de nouveau une facture.",
    )


class PesExportRefusalSerializer(ErrorSerializer):
    """The API's error body, with what an export refusal adds."""

    details = serializers.ListField(child=serializers.CharField(), required=False)
    missing_parameters = serializers.ListField(child=serializers.CharField(), required=False)


class PjListRowSerializer(serializers.Serializer):
    """One document of an export as its PJRef names it (`invoices.pes.core.pjlist.PJ_LIST_COLUMNS`)."""

    document_key = serializers.CharField()
    id_unique = serializers.CharField()
    nom_pj = serializers.CharField()
    type_pj = serializers.CharField()
    support = serializers.CharField()
    invoice_number = serializers.CharField()
    supplier_name = serializers.CharField()
    nom_fic = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    exercice = serializers.IntegerField(allow_null=True, help_text="Référence du mandat, s'il est connu.")
    id_pce = serializers.CharField(allow_null=True)
    id_ligne = serializers.CharField(allow_null=True)


class PesFileSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    nom_fic = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    url = serializers.CharField()


class PesExportSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    structure = serializers.SerializerMethodField()
    shape = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.SerializerMethodField()
    invoices = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()
    pj_list = serializers.SerializerMethodField()
    pj_list_csv_url = serializers.SerializerMethodField()
    acknowledgements = serializers.SerializerMethodField(help_text="Les acquittements Hélios importés.")

    def get_structure(self, export) -> dict:
        s = export.structure
        return {"id": str(s.uuid), "identifier": s.identifier, "name": s.name}

    def get_created_by(self, export) -> str | None:
        return export.created_by.email if export.created_by else None

    def get_invoices(self, export) -> list[dict]:
        return pes_report.export_invoice_rows(export)

    def _url(self, name, export, **kwargs):
        url = reverse(name, kwargs={"export": export.uuid, **kwargs})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_files(self, export) -> list[dict]:
        files = export.files.order_by("nom_fic", "pk")
        return [
            {
                "n": n,
                "nom_fic": f.nom_fic,
                "size": f.size,
                "sha256": f.sha256,
                "url": self._url("api-pes-export-file-n", export, n=n),
                "helios_status": f.helios_status,
                "acknowledged_at": f.acknowledged_at.isoformat() if f.acknowledged_at else None,
            }
            for n, f in enumerate(files, start=1)
        ]

    @extend_schema_field(AcknowledgementSerializer(many=True))
    def get_acknowledgements(self, export) -> list[dict]:
        return [acknowledgement_data(a) for a in acknowledgements_of(export)]

    def get_report(self, export) -> dict:
        report = export.report
        return {
            "lines": report.get("lines", []),
            "left_out": report.get("left_out", []),
            "reexport_reason": report.get("reexport_reason", ""),
            "validated": report.get("validated", False),
        }

    @extend_schema_field(PjListRowSerializer(many=True))
    def get_pj_list(self, export) -> list[dict]:
        return [{name: row.get(name) for name in PJ_LIST_COLUMNS} for row in export.pj_list]

    def get_pj_list_csv_url(self, export) -> str:
        return self._url("api-pes-export-pj-list-csv", export)


def _filters(structure, data) -> pes_scope.ExportFilters | None:
    if not data:
        return None
    service = None
    if data.get("service"):
        service = Service.objects.filter(structure=structure, code=data["service"]).first()
        if service is None:
            raise Refused(_("Service inconnu."), field="filters.service")
    return pes_scope.ExportFilters(
        service=service,
        supplier=data.get("supplier") or "",
        number=data.get("number") or "",
        issued_from=data.get("issued_from"),
        issued_to=data.get("issued_to"),
        since=data.get("since"),
        status=data.get("status") or "",
    )


def _refusal(error: pes_scope.PesExportError) -> Response:
    """A well-formed request the export refuses (nothing to export, parameters missing…): 422."""
    body = error_body(error.message, error="refused", details=error.details)
    if isinstance(error, pes_scope.MissingPesParameters):
        body["missing_parameters"] = error.fields
    return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY)


class PesExportCreateView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="pes_exports_create",
        summary="Exporter des factures acceptées en PES V2",
        request=ExportRequestSerializer,
        responses={201: PesExportSerializer, 422: PesExportRefusalSerializer},
    )
    def post(self, request):
        payload = ExportRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if data.get("invoices") and data.get("filters"):
            raise Refused(
                _("Donnez une sélection de factures ou des filtres, pas les deux."), field="invoices"
            )
        structure = pes_scope.get_structure_for_exporter(request.user, data["structure"])
        try:
            export = pes_export.export_pes(
                structure,
                actor=request.user,
                invoices=data.get("invoices"),
                filters=_filters(structure, data.get("filters")),
                shape=data["shape"],
                reexport_reason=data.get("reexport_reason") or None,
            )
        except pes_scope.PesExportError as error:
            return _refusal(error)
        return Response(PesExportSerializer(export, context={"request": request}).data, status=201)


class PesExportDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="pes_exports_retrieve",
        summary="Un export PES et son compte rendu",
        responses=PesExportSerializer,
    )
    def get(self, request, export):
        export = pes_scope.get_export_for_user(request.user, export, read=True)
        return Response(PesExportSerializer(export, context={"request": request}).data)


def _check_fresh_second_factor(request) -> None:
    if isinstance(request.successful_authenticator, VerifiedSessionAuthentication) and not has_recent_otp(
        request._request
    ):
        raise PermissionDenied(_("Téléchargement : validez de nouveau votre second facteur sur le portail."))


def _send_file(request, export_uuid, n) -> FileResponse:
    export = pes_scope.get_export_for_user(request.user, export_uuid, read=True)
    pes_file = pes_scope.get_pes_file(export, n)
    _check_fresh_second_factor(request)
    pes_report.record_download(pes_file, actor=request.user, request=request._request, channel="api")
    return pes_report.pes_file_response(pes_file)


FILE_RESPONSE = {(200, "application/xml"): OpenApiTypes.BINARY}
MAX_FILES = 9999  # far above any split export: a number past the last file is a 404


class PesExportFileView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="pes_exports_file",
        summary="Télécharger un fichier PES_Aller de l'export",
        parameters=[
            OpenApiParameter(
                "n",
                {"type": "integer", "minimum": 1, "maximum": MAX_FILES},
                description="Numéro du fichier (export découpé), 1 par défaut.",
            )
        ],
        responses=FILE_RESPONSE,
    )
    def get(self, request, export):
        n = params.integer(request.query_params, "n", default=1, minimum=1, maximum=MAX_FILES)
        return _send_file(request, export, n)


class PesExportNthFileView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="pes_exports_files_n",
        summary="Télécharger le n-ième fichier PES_Aller de l'export",
        responses=FILE_RESPONSE,
    )
    def get(self, request, export, n):
        return _send_file(request, export, n)


class PesExportPjListView(APIView):
    fmt = "csv"

    def get(self, request, export):
        export = pes_scope.get_export_for_user(request.user, export)
        _check_fresh_second_factor(request)
        pes_report.record_download_list(export, actor=request.user, request=request._request, fmt=self.fmt)
        if self.fmt == "csv":
            return HttpResponse(pes_report.pj_list_csv(export), content_type="text/csv; charset=utf-8")
        return HttpResponse(pes_report.pj_list_json(export), content_type="application/json")


def _pj_list_schema(fmt: str, media_type: str, body):
    return extend_schema_view(
        get=extend_schema(
            tags=TAGS,
            operation_id=f"pes_exports_pj_list_{fmt}",
            summary=f"Liste IdUnique/NomPJ/TypePJ pour les PJRef ({fmt.upper()})",
            responses={(200, media_type): body},
        )
    )


@_pj_list_schema("csv", "text/csv", OpenApiTypes.STR)
class PesExportPjListCsvView(PesExportPjListView):
    fmt = "csv"


@_pj_list_schema("json", "application/json", PjListRowSerializer(many=True))
class PesExportPjListJsonView(PesExportPjListView):
    fmt = "json"


urlpatterns = [
    path("pes-exports/", PesExportCreateView.as_view(), name="api-pes-exports"),
    path("pes-exports/<uuid:export>/", PesExportDetailView.as_view(), name="api-pes-export"),
    path("pes-exports/<uuid:export>/file", PesExportFileView.as_view(), name="api-pes-export-file"),
    path(
        "pes-exports/<uuid:export>/files/<int:n>",
        PesExportNthFileView.as_view(),
        name="api-pes-export-file-n",
    ),
    path(
        "pes-exports/<uuid:export>/pj-list.csv",
        PesExportPjListCsvView.as_view(),
        name="api-pes-export-pj-list-csv",
    ),
    path(
        "pes-exports/<uuid:export>/pj-list.json",
        PesExportPjListJsonView.as_view(),
        name="api-pes-export-pj-list-json",
    ),
]
