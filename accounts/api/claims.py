"""API for claims to the principal-manager role of a public structure: the claimant's side only.

A claim is visible to its author and to no one else (404); support decides in the admin. The structure is
named by its identifier, since the claimant is not attached to it.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts import claims, identifiers, services
from accounts.api.errors import ErrorSerializer, Refused, TooLarge
from accounts.api.serializers import StructureBriefSerializer
from accounts.api.views import _run
from accounts.models import PrincipalClaim, Structure

PUBLIC_ID_CHOICES = [c for c in Structure.IdType.choices if c[0] in services.PUBLIC_ID_TYPES]


class PrincipalClaimSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    structure = StructureBriefSerializer(read_only=True)

    class Meta:
        model = PrincipalClaim
        fields = [
            "id",
            "structure",
            "function",
            "message",
            "document_name",
            "document_size",
            "document_sha256",
            "status",
            "reason",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields


class PrincipalClaimCreateSerializer(serializers.Serializer):
    id_type = serializers.ChoiceField(choices=PUBLIC_ID_CHOICES, default=identifiers.SIRET)
    identifier = serializers.CharField(max_length=40)
    function = serializers.CharField(max_length=200, help_text=gettext_lazy("Par exemple : maire, DGS."))
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    # An empty file is refused by the operation, with the other files that are no PDF (422).
    document = serializers.FileField(
        help_text=gettext_lazy("La délégation ou l'arrêté de nomination, en PDF."),
        use_url=False,
        allow_empty_file=True,
    )


@extend_schema_view(
    list=extend_schema(summary="Mes revendications de structures publiques"),
    retrieve=extend_schema(summary="Une de mes revendications"),
    create=extend_schema(
        summary="Revendiquer le rôle de gestionnaire principal d'une structure publique",
        request={"multipart/form-data": PrincipalClaimCreateSerializer},
        responses={201: PrincipalClaimSerializer, 413: ErrorSerializer},
    ),
)
@extend_schema(tags=["principal-claims"])
class PrincipalClaimViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PrincipalClaimSerializer
    parser_classes = [MultiPartParser, FormParser]
    lookup_field = "uuid"
    lookup_url_kwarg = "principal_claim"
    lookup_value_converter = "uuid"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PrincipalClaim.objects.none()
        return claims.claims_of(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = PrincipalClaimCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        structure = claims.find_public_structure(data["id_type"], data["identifier"])
        if structure is None:
            raise Refused(_("Aucune entité publique active ne porte cet identifiant."), field="identifier")
        upload = data["document"]
        try:
            claims.check_size(upload.size)  # before anything is read into memory
        except services.StructureError as error:
            raise TooLarge(error.message, field="document") from error
        claim = _run(
            claims.submit_claim,
            request.user,
            structure,
            function=data["function"],
            message=data["message"],
            document_name=upload.name,
            document=upload.read(),
        )
        return Response(PrincipalClaimSerializer(claim).data, status=status.HTTP_201_CREATED)
