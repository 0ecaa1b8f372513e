"""API of Hélios's acknowledgements: `POST /api/v1/pes-acknowledgements/` (multipart `file`).

Adapter: the import is `acknowledgements.import_acknowledgement` (refusals answer 400 and store nothing);
the answered export is found among those the caller may make, as on the pages.
"""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from invoices.pes import core as pes_core
from invoices.pes import scope as pes_scope
from invoices.pes.acknowledgements import AcknowledgementRefused, import_acknowledgement

TAGS = ["pes-exports"]


class AcknowledgementUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="L'acquittement PES_ACQUIT renvoyé par Hélios (XML).")


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
        "(400) et rien n'est enregistré.",
        request={"multipart/form-data": AcknowledgementUploadSerializer},
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        if not pes_scope.exportable_structures(request.user).exists():
            raise NotFound()
        payload = AcknowledgementUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        if upload.size > pes_core.ACQUIT_MAX_BYTES:
            return Response(
                {
                    "detail": f"Fichier trop volumineux ({upload.size} octets, "
                    f"limite {pes_core.ACQUIT_MAX_BYTES})."
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            acknowledgement = import_acknowledgement(
                upload.read(pes_core.ACQUIT_MAX_BYTES + 1),
                actor=request.user,
                file_name=upload.name,
                request=request._request,
            )
        except AcknowledgementRefused as error:
            return Response(
                {"detail": error.message, "details": error.details}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(acknowledgement_data(acknowledgement), status=status.HTTP_201_CREATED)


urlpatterns = [
    path("pes-acknowledgements/", AcknowledgementUploadView.as_view(), name="api-pes-acknowledgements"),
]
