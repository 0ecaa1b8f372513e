"""API views for people, structures, attachment requests, technical accounts and the principal-manager role.

Adapters only: every structure is found through `accounts.access` (404 to outsiders, 403 to members whose
role is insufficient), every change goes through `accounts.services`.
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access, identifiers, services
from accounts.api import params
from accounts.api import schema as _schema  # noqa: F401  (registers the auth schemes)
from accounts.api import serializers as s
from accounts.api.errors import Refused
from accounts.models import AttachmentRequest, Service, Structure, User

STRUCTURE_TAG = ["structures"]


def _run(operation, *args, **kwargs):
    """Call a service; its refusals become 403 (role) or 422 (a well-formed request refused on its merits)."""
    try:
        return operation(*args, **kwargs)
    except services.NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except services.StructureError as error:
        raise Refused(error.message, field=error.field) from error


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema(tags=["me"])
class MeView(APIView):
    """The caller: identity and attachments with their effective rights."""

    @extend_schema(responses=s.MeSerializer, operation_id="me_retrieve")
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


@extend_schema_view(
    list=extend_schema(summary="Mes structures", tags=STRUCTURE_TAG),
    retrieve=extend_schema(summary="Une de mes structures", tags=STRUCTURE_TAG),
)
class StructureViewSet(viewsets.ReadOnlyModelViewSet):
    """The structures the caller is actively attached to; anything else does not exist for them."""

    serializer_class = s.StructureSerializer
    lookup_field = "uuid"
    lookup_url_kwarg = "structure"
    lookup_value_converter = "uuid"

    def get_queryset(self):
        return access.user_structures(self.request.user).select_related("principal_manager")

    def list(self, request, *args, **kwargs):
        memberships = {m.structure_id: m for m in access.active_memberships(request.user)}
        structures = list(self.get_queryset())
        for structure in structures:
            structure.membership_of_user = memberships[structure.pk]
        return Response(self.get_serializer(structures, many=True).data)

    def _structure(self, right=None) -> Structure:
        return access.get_structure_for_user(self.request.user, self.kwargs["structure"], right=right)

    def get_object(self):
        return self._structure()

    @extend_schema(
        summary="Services visibles de la structure",
        tags=STRUCTURE_TAG,
        responses=s.ServiceSerializer(many=True),
    )
    @action(detail=True, methods=["get"], serializer_class=s.ServiceSerializer)
    def services(self, request, structure=None):
        membership = self._structure().membership_of_user
        return Response(s.ServiceSerializer(access.visible_services(membership), many=True).data)

    @extend_schema(
        summary="Utilisateurs de la structure (gestionnaires)",
        tags=STRUCTURE_TAG,
        responses=s.MemberSerializer(many=True),
    )
    @action(detail=True, methods=["get"], serializer_class=s.MemberSerializer)
    def members(self, request, structure=None):
        structure = self._structure(access.MANAGE)
        members = (
            structure.memberships.filter(user__kind=User.Kind.PERSON)
            .select_related("user", "structure")
            .prefetch_related("services")
            .order_by("user__email")
        )
        return Response(s.MemberSerializer(members, many=True).data)

    @extend_schema(
        summary="Demandes de rattachement à la structure (gestionnaires)",
        tags=["attachment-requests"],
        parameters=[OpenApiParameter("status", enum=AttachmentRequest.Status.values, required=False)],
        responses=s.AttachmentRequestSerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="attachment-requests",
        serializer_class=s.AttachmentRequestSerializer,
    )
    def attachment_requests(self, request, structure=None):
        structure = self._structure(access.MANAGE)
        requests = structure.attachment_requests.select_related("user", "structure").order_by("-created_at")
        wanted = params.choice(request.query_params, "status", AttachmentRequest.Status.values)
        if wanted:
            requests = requests.filter(status=wanted)
        return Response(s.AttachmentRequestSerializer(requests, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="Comptes techniques de la structure",
        tags=["technical-accounts"],
        responses=s.TechnicalAccountSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Créer un compte technique (le jeton n'est affiché qu'une fois)",
        tags=["technical-accounts"],
        request=s.TechnicalAccountCreateSerializer,
        responses={201: s.TechnicalAccountCreatedSerializer, 400: s.ErrorSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="technical-accounts",
        serializer_class=s.TechnicalAccountSerializer,
    )
    def technical_accounts(self, request, structure=None):
        structure = self._structure(access.MANAGE)
        if request.method == "GET":
            accounts = services.technical_accounts(structure)
            return Response(s.TechnicalAccountSerializer(accounts, many=True).data)
        data = _validated(s.TechnicalAccountCreateSerializer, request.data)
        user, token = _run(
            services.create_technical_account,
            structure,
            actor=request.user,
            name=data["name"],
            rights=data["rights"],
        )
        membership = user.memberships.select_related("user", "structure").get(structure=structure)
        membership.token = token
        response = Response(
            s.TechnicalAccountCreatedSerializer(membership).data, status=status.HTTP_201_CREATED
        )
        response["Cache-Control"] = "no-store"
        return response


@extend_schema_view(
    list=extend_schema(
        summary="Mes demandes et celles des structures que je gère",
        parameters=[
            OpenApiParameter("status", enum=AttachmentRequest.Status.values, required=False),
            OpenApiParameter(
                "structure", OpenApiTypes.UUID, required=False, description="Id d'une structure"
            ),
        ],
    ),
    retrieve=extend_schema(summary="Une demande de rattachement"),
    create=extend_schema(
        summary="Demander un rattachement à une structure existante",
        request=s.AttachmentRequestCreateSerializer,
        responses={201: s.AttachmentRequestSerializer, 400: s.ErrorSerializer},
    ),
)
@extend_schema(tags=["attachment-requests"])
class AttachmentRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A request is visible to its author and to the managers of its structure, to no one else."""

    serializer_class = s.AttachmentRequestSerializer
    lookup_field = "uuid"
    lookup_url_kwarg = "attachment_request"
    lookup_value_converter = "uuid"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AttachmentRequest.objects.none()
        managed = access.user_structures(self.request.user, right=access.MANAGE)
        queryset = (
            AttachmentRequest.objects.filter(Q(user=self.request.user) | Q(structure__in=managed))
            .select_related("user", "structure")
            .order_by("-created_at")
        )
        if self.action == "list":
            query = self.request.query_params
            wanted = params.choice(query, "status", AttachmentRequest.Status.values)
            if wanted:
                queryset = queryset.filter(status=wanted)
            structure = params.uuid_param(query, "structure")
            if structure:
                queryset = queryset.filter(structure__uuid=structure)
        return queryset

    def create(self, request, *args, **kwargs):
        data = _validated(s.AttachmentRequestCreateSerializer, request.data)
        error = identifiers.check(data["id_type"], data["identifier"])
        if error:  # a malformed identifier names its fault rather than "no such structure"
            raise Refused(_(error), field="identifier")
        structure = services.find_structure(data["id_type"], data["identifier"])
        if structure is None:
            raise Refused(_("Aucune structure active ne porte cet identifiant."), field="identifier")
        created = _run(services.request_attachment, request.user, structure, message=data["message"])
        return Response(s.AttachmentRequestSerializer(created).data, status=status.HTTP_201_CREATED)

    def _for_manager(self) -> AttachmentRequest:
        """The request (404 unless visible), then 403 unless the caller manages its structure."""
        attachment_request = self.get_object()
        if not access.is_manager(self.request.user, attachment_request.structure):
            raise PermissionDenied(_("Seuls les gestionnaires de la structure traitent cette demande."))
        return attachment_request

    @extend_schema(
        summary="Accepter la demande (gestionnaires)",
        request=s.AcceptSerializer,
        responses={200: s.MemberSerializer, 400: s.ErrorSerializer},
    )
    @action(detail=True, methods=["post"], serializer_class=s.AcceptSerializer)
    def accept(self, request, attachment_request=None):
        pending = self._for_manager()
        data = _validated(s.AcceptSerializer, request.data)
        chosen = data["services"]
        found = list(Service.objects.filter(structure=pending.structure, uuid__in=chosen))
        if len(found) != len(set(chosen)):
            raise Refused(_("Ce service n'appartient pas à la structure."), field="services")
        membership = _run(
            services.accept_attachment,
            pending,
            actor=request.user,
            role=data["role"],
            rights=data.get("rights"),
            services=found,
        )
        return Response(s.MemberSerializer(membership).data)

    @extend_schema(
        summary="Refuser la demande avec un motif (gestionnaires)",
        request=s.RefuseSerializer,
        responses={200: s.AttachmentRequestSerializer, 400: s.ErrorSerializer},
    )
    @action(detail=True, methods=["post"], serializer_class=s.RefuseSerializer)
    def refuse(self, request, attachment_request=None):
        pending = self._for_manager()
        data = _validated(s.RefuseSerializer, request.data)
        refused = _run(services.refuse_attachment, pending, actor=request.user, reason=data["reason"])
        return Response(s.AttachmentRequestSerializer(refused).data)


class PrincipalTransferView(APIView):
    """Transfer the principal-manager role of some or all of my structures, to one or several users."""

    @extend_schema(
        tags=["principal-transfer"],
        operation_id="principal_transfer_create",
        summary="Transférer le rôle de gestionnaire principal",
        request=s.TransferSerializer,
        responses={200: s.TransferResultSerializer, 400: s.ErrorSerializer, 403: s.ErrorSerializer},
    )
    def post(self, request):
        data = _validated(s.TransferSerializer, request.data)
        _require_fresh_second_factor(request, data.get("otp_code", ""))
        assignments = {}
        for item in data["assignments"]:
            structure = access.get_structure_for_user(request.user, item["structure"])
            # Looked up among the structure's members: an error never reveals anyone else's e-mail.
            target = User.objects.filter(
                uuid=item["user"], memberships__structure=structure, memberships__is_active=True
            ).first()
            if target is None:
                raise Refused(
                    _("Le compte %(user)s n'a pas de rattachement actif à « %(structure)s ».")
                    % {"user": item["user"], "structure": structure.name},
                    field="assignments",
                )
            if structure in assignments:
                raise Refused(_("Une structure ne peut figurer qu'une fois."), field="assignments")
            assignments[structure] = target
        moved = _run(services.transfer_principal_manager, request.user, assignments)
        for structure in moved:
            structure.membership_of_user = access.get_membership(request.user, structure)
        return Response(s.TransferResultSerializer({"structures": moved}, context={"request": request}).data)


def _require_fresh_second_factor(request, code: str) -> None:
    """A sensitive action: a browser session verified < 10 min ago, or a current code from the app."""
    from accounts import twofactor

    if request.auth is None and twofactor.has_recent_otp(request._request):
        return
    if not code:
        raise PermissionDenied(
            _("Confirmez avec le code à 6 chiffres de votre application (champ otp_code).")
        )
    device = twofactor.totp_device_for(request.user)
    normalized = twofactor.normalize_code(code)
    if device is None or normalized is None:
        raise PermissionDenied(_("Code de second facteur refusé."))
    try:
        twofactor.check_code(request._request, request.user, device, normalized)
    except twofactor.SecondFactorError as error:
        raise PermissionDenied(str(error)) from error
