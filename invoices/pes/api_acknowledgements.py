"""API of Hélios's acknowledgements: `POST /api/v1/pes-acknowledgements/` (multipart `file`).

Adapter: the import is `acknowledgements.import_acknowledgement`; the answered export is found among those
the caller may make, as on the pages. Refusals store nothing: 413 past the size limit, 422 for a file that is
no acknowledgement, is hostile, answers none of the caller's files or was already imported (any bytes fit the
schema's `file`).
"""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.errors import ErrorSerializer, Refused, TooLarge
from invoices.pes import core as pes_core
from invoices.pes import scope as pes_scope
from invoices.pes.acknowledgements import AcknowledgementRefused, import_acknowledgement

TAGS = ["pes-exports"]


class AcknowledgementUploadSerializer(serializers.Serializer):
    # An empty file is no acknowledgement: refused with the others that cannot be read (422).
    file = serializers.FileField(
        help_text="L'acquittement PES_ACQUIT renvoyé par Hélios (XML).", allow_empty_file=True
    )


class AcknowledgementSerializer(serializers.Serializer):
    """An imported acknowledgement (`acknowledgement_data`)."""

    id = serializers.UUIDField()
    export = serializers.UUIDField(help_text="L'export dont il acquitte un fichier.")
    nom_fic = serializers.CharField(help_text="Le NomFic du fichier acquitté.")
    verdict = serializers.CharField(help_text="accepted ou rejected.")
    verdict_label = serializers.CharField()
    imported_at = serializers.DateTimeField()
    sha256 = serializers.CharField()
    elements = serializers.ListField(
        child=serializers.DictField(), help_text="Ce qu'Hélios répond pour chaque élément, avec ses erreurs."
    )
    reopened_invoices = serializers.ListField(
        child=serializers.DictField(),
        help_text="Les factures refusées, de nouveau exportables (id, number, revision).",
    )


class AcknowledgementRefusalSerializer(ErrorSerializer):
    """The API's error body, with what Hélios's file or its reading says is wrong."""

    details = serializers.ListField(child=serializers.CharField(), required=False)


def acknowledgement_data(acknowledgement) -> dict:
    pes_file = acknowledgement.pes_file
    return {
        "id": str(acknowledgement.uuid),
        "export": str(pes_file.export.uuid),
        "nom_fic": pes_file.nom_fic,
        "verdict": acknowledgement.verdict,
        "verdict_label": str(acknowledgement.get_verdict_display()),
        "imported_at": acknowledgement.imported_at.isoformat(),
        "sha256": acknowledgement.sha256,
        "elements": acknowledgement.content.get("elements", []),
        "reopened_invoices": acknowledgement.content.get("reopened", []),
    }


class AcknowledgementUploadView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=TAGS,
        operation_id="pes_acknowledgements_create",
        summary="Importer un acquittement Hélios (PES_ACQUIT)",
        description="Rapproché de l'export qu'il acquitte par son NomFic ; le fichier devient accepté ou "
        "rejeté avec les codes et messages d'Hélios, et les factures refusées redeviennent exportables sous "
        "un nouvel IdUnique. Un fichier hostile, étranger ou qui ne répond à aucun de vos exports est refusé "
        "(422) et rien n'est enregistré.",
        request={"multipart/form-data": AcknowledgementUploadSerializer},
        responses={
            201: AcknowledgementSerializer,
            413: OpenApiResponse(ErrorSerializer, description="Fichier plus gros qu'un acquittement."),
            422: OpenApiResponse(
                AcknowledgementRefusalSerializer,
                description="Pas un acquittement lisible, hostile, étranger à vos exports, ou déjà importé.",
            ),
        },
    )
    def post(self, request):
        if not pes_scope.exportable_structures(request.user).exists():
            raise NotFound()
        payload = AcknowledgementUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        if upload.size > pes_core.ACQUIT_MAX_BYTES:
            raise TooLarge(
                _("Fichier trop volumineux pour un acquittement PES (%(size)d octets, limite %(limit)d).")
                % {"size": upload.size, "limit": pes_core.ACQUIT_MAX_BYTES},
                field="file",
            )
        try:
            acknowledgement = import_acknowledgement(
                upload.read(pes_core.ACQUIT_MAX_BYTES + 1),
                actor=request.user,
                file_name=upload.name,
                request=request._request,
            )
        except AcknowledgementRefused as error:
            raise Refused(error.message, field="file", details=error.details) from error
        return Response(acknowledgement_data(acknowledgement), status=status.HTTP_201_CREATED)


urlpatterns = [
    path("pes-acknowledgements/", AcknowledgementUploadView.as_view(), name="api-pes-acknowledgements"),
]
