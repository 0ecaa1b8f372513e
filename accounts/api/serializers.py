"""Serializers of the accounts API: public ids are UUIDs (exposed as `id`), rights are lists of names."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import access
from accounts.api.errors import ErrorSerializer  # noqa: F401  (this module's interface)
from accounts.api.fields import StrictSerializer
from accounts.models import AttachmentRequest, Membership, Service, Structure, User

RIGHT_CHOICES = list(access.RIGHTS)


def rights_of(membership: Membership) -> list[str]:
    """The rights a membership holds in effect (a manager holds them all)."""
    if membership.is_manager:
        return list(access.RIGHTS)
    return [right for right, field in access.RIGHT_FIELDS.items() if getattr(membership, field)]


class UserBriefSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "name", "kind"]
        read_only_fields = fields


class StructureBriefSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)

    class Meta:
        model = Structure
        fields = ["id", "name", "kind", "id_type", "identifier"]
        read_only_fields = fields


class MyMembershipSerializer(serializers.ModelSerializer):
    """The caller's own attachment: role and effective rights."""

    structure = StructureBriefSerializer(read_only=True)
    is_principal = serializers.BooleanField(read_only=True)
    rights = serializers.SerializerMethodField()
    services = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["structure", "role", "is_principal", "rights", "services"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=RIGHT_CHOICES)))
    def get_rights(self, membership):
        return rights_of(membership)

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_services(self, membership):
        """Codes of the services the member is limited to; null when they see the whole structure."""
        if access.sees_all_services(membership):
            return None
        return list(access.visible_services(membership).values_list("code", flat=True))


class MeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "kind", "language", "memberships"]
        read_only_fields = fields

    @extend_schema_field(MyMembershipSerializer(many=True))
    def get_memberships(self, user):
        return MyMembershipSerializer(
            access.active_memberships(user).order_by("structure__name"), many=True
        ).data


class StructureSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    siren = serializers.CharField(read_only=True)
    principal_manager = UserBriefSerializer(read_only=True)
    my_role = serializers.SerializerMethodField()
    my_rights = serializers.SerializerMethodField()

    class Meta:
        model = Structure
        fields = [
            "id",
            "name",
            "kind",
            "id_type",
            "identifier",
            "siren",
            "address",
            "country",
            "vat_number",
            "principal_manager",
            "code_service_obligatoire",
            "engagement_obligatoire",
            "service_ou_engagement_obligatoire",
            "gestion_mise_en_paiement",
            "ctc_rules_as_errors",
            "pes_id_post",
            "pes_cod_col",
            "pes_cod_bud",
            "pes_libelle_col_bud",
            "my_role",
            "my_rights",
        ]
        read_only_fields = fields

    def _membership(self, structure):
        membership = getattr(structure, "membership_of_user", None)
        if membership is None:
            membership = access.get_membership(self.context["request"].user, structure)
        return membership

    @extend_schema_field(serializers.ChoiceField(choices=["principal", *Membership.Role.values]))
    def get_my_role(self, structure):
        membership = self._membership(structure)
        return "principal" if membership.is_principal else membership.role

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=RIGHT_CHOICES)))
    def get_my_rights(self, structure):
        return rights_of(self._membership(structure))


class ServiceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)

    class Meta:
        model = Service
        fields = ["id", "code", "name", "is_active", "engagement_obligatoire"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    user = UserBriefSerializer(read_only=True)
    is_principal = serializers.BooleanField(read_only=True)
    rights = serializers.SerializerMethodField()
    services = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "is_principal", "is_active", "rights", "services", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=RIGHT_CHOICES)))
    def get_rights(self, membership):
        return rights_of(membership)


class AttachmentRequestSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    structure = StructureBriefSerializer(read_only=True)
    user = UserBriefSerializer(read_only=True)

    class Meta:
        model = AttachmentRequest
        fields = ["id", "structure", "user", "message", "status", "reason", "created_at", "decided_at"]
        read_only_fields = fields


class AttachmentRequestCreateSerializer(StrictSerializer):
    """The structure is named by its identifier: the requester is not attached to it yet."""

    id_type = serializers.ChoiceField(choices=Structure.IdType.choices, default=Structure.IdType.SIRET)
    identifier = serializers.CharField(max_length=40)
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AcceptSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.USER)
    rights = serializers.ListField(
        child=serializers.ChoiceField(choices=RIGHT_CHOICES),
        required=False,
        help_text=_("Par défaut : dépôt, et traitement pour une entité publique."),
    )
    services = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        help_text=_("Ids des services accessibles ; vide : tous les services."),
    )


class RefuseSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


class TransferAssignmentSerializer(StrictSerializer):
    structure = serializers.UUIDField(
        help_text=_("Id d'une structure dont vous êtes gestionnaire principal.")
    )
    user = serializers.UUIDField(help_text=_("Id d'un compte actif rattaché à cette structure."))


class TransferSerializer(StrictSerializer):
    """One assignment per structure: part of my structures, all of them, to one or several users."""

    assignments = TransferAssignmentSerializer(many=True, allow_empty=False)
    otp_code = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_(
            "Code à 6 chiffres de votre application d'authentification : obligatoire avec un jeton d'API "
            "ou si le second facteur de la session date de plus de 10 minutes."
        ),
    )


class TransferResultSerializer(serializers.Serializer):
    structures = StructureSerializer(many=True, read_only=True)


class TechnicalAccountSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True, help_text=_("Id du rattachement du compte."))
    user_id = serializers.UUIDField(source="user.uuid", read_only=True)
    name = serializers.CharField(source="user.first_name", read_only=True)
    rights = serializers.SerializerMethodField()
    last_used_at = serializers.DateTimeField(source="user.last_api_use", read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["id", "user_id", "name", "rights", "is_active", "created_at", "last_used_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=RIGHT_CHOICES)))
    def get_rights(self, membership):
        return rights_of(membership)


class TechnicalAccountCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    rights = serializers.ListField(child=serializers.ChoiceField(choices=RIGHT_CHOICES), default=list)


class TechnicalAccountCreatedSerializer(TechnicalAccountSerializer):
    token = serializers.CharField(read_only=True, help_text=_("Affiché une seule fois : conservez-le."))

    class Meta(TechnicalAccountSerializer.Meta):
        fields = [*TechnicalAccountSerializer.Meta.fields, "token"]
        read_only_fields = fields
