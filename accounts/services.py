"""Operations on structures, services, attachments, technical accounts and the principal-manager role.

Each operation checks the actor's role and the current state, changes what it owns in one transaction,
and sends its e-mails only after commit. Views and API views call these and nothing else.
"""

import secrets
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access, emails, identifiers, service_codes
from accounts.models import ApiToken, AttachmentRequest, Membership, Service, Structure, User

ALL_RIGHTS = dict.fromkeys(access.RIGHT_FIELDS.values(), True)
ROUTING_FIELDS = (
    "code_service_obligatoire",
    "engagement_obligatoire",
    "service_ou_engagement_obligatoire",
    "gestion_mise_en_paiement",
    "ctc_rules_as_errors",
)
PUBLIC_ID_TYPES = (identifiers.SIRET, identifiers.RIDET, identifiers.TAHITI)
TECHNICAL_EMAIL_DOMAIN = "comptes-techniques.chorale.invalid"


class StructureError(Exception):
    """An operation refused for a reason the user can act on; `field` names the form field concerned."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(StructureError):
    """The actor is attached to the structure but their role does not allow the operation (403)."""


def _require(actor, structure: Structure, right: str) -> None:
    if not access.has_right(actor, structure, right):
        raise NotAllowed(
            _("Votre rôle dans « %(structure)s » ne permet pas cette opération.")
            % {"structure": structure.name}
        )


def _require_person(user: User) -> None:
    if user.is_technical:
        raise NotAllowed(_("Un compte technique ne peut pas faire cette opération."))


def _rights(rights: Iterable[str] | Mapping[str, bool]) -> dict[str, bool]:
    """Membership fields from a list of right names (or a mapping right → bool)."""
    if isinstance(rights, Mapping):
        granted = {name for name, on in rights.items() if on}
        unknown = set(rights) - set(access.RIGHTS)
    else:
        granted = set(rights)
        unknown = granted - set(access.RIGHTS)
    if unknown:
        raise StructureError(_("Droit inconnu : %(rights)s.") % {"rights": ", ".join(sorted(unknown))})
    return {field: name in granted for name, field in access.RIGHT_FIELDS.items()}


# Structures ---------------------------------------------------------------------------------------


def public_body_refusal() -> str:
    """What a person who tries to create a public structure is told instead."""
    return _(
        "Une entité publique ne se crée pas depuis un compte : le support de la plateforme inscrit les "
        "entités publiques à partir de l'annuaire officiel. Si vous représentez une entité publique, "
        "revendiquez le rôle de gestionnaire principal de sa structure (Structures › « Revendiquer une "
        "entité publique ») en joignant votre délégation ou votre arrêté de nomination ; si elle n'est pas "
        "encore inscrite, écrivez au support."
    )


def find_structure(id_type: str, identifier: str) -> Structure | None:
    """The active structure with this identifier (for an attachment request), or None."""
    return Structure.objects.filter(
        id_type=id_type, identifier=identifiers.normalise(id_type, identifier), is_active=True
    ).first()


def _country_for(id_type: str, identifier: str, country: str) -> str:
    if id_type == identifiers.SIRET:
        return "FR"
    if id_type == identifiers.RIDET:
        return "NC"
    if id_type == identifiers.TAHITI:
        return "PF"
    if id_type == identifiers.EU_VAT:
        return identifiers.vat_country(identifier)
    return (country or "").upper()


def create_structure(
    user: User,
    *,
    kind: str,
    id_type: str,
    identifier: str,
    name: str,
    address: str = "",
    country: str = "",
    vat_number: str = "",
) -> Structure:
    """Create a structure whose creator becomes the principal manager (and a manager with every right).

    Private structures only: a public one comes from the directory through support
    (`accounts.public_structures`) and is claimed with a supporting document (`accounts.claims`), or anyone
    could receive a commune's invoices.
    """
    _require_person(user)
    if kind != Structure.Kind.PRIVATE:
        raise StructureError(public_body_refusal(), field="kind")
    identifier = identifiers.normalise(id_type, identifier)
    error = identifiers.check(id_type, identifier, country=country)
    if error:
        raise StructureError(_(error), field="identifier")
    country = _country_for(id_type, identifier, country)
    if id_type == identifiers.NON_EU and (len(country) != 2 or country == "FR"):
        raise StructureError(_("Indiquez le pays (code ISO à deux lettres, hors France)."), field="country")
    if not name.strip():
        raise StructureError(_("La raison sociale est obligatoire."), field="name")
    if Structure.objects.filter(id_type=id_type, identifier=identifier).exists():
        raise StructureError(
            _("Cette structure existe déjà sur Chorale : demandez-y un rattachement."), field="identifier"
        )
    try:
        with transaction.atomic():
            structure = Structure.objects.create(
                kind=kind,
                id_type=id_type,
                identifier=identifier,
                name=name.strip(),
                address=address.strip(),
                country=country or "FR",
                vat_number=vat_number.strip(),
                principal_manager=user,
            )
            Membership.objects.create(
                user=user, structure=structure, role=Membership.Role.MANAGER, **ALL_RIGHTS
            )
    except IntegrityError as exc:  # created by someone else between the check and the insert
        raise StructureError(
            _("Cette structure existe déjà sur Chorale : demandez-y un rattachement."), field="identifier"
        ) from exc
    return structure


def update_structure_details(
    structure: Structure, *, actor: User, name: str, address: str, postal_code: str = "", town: str = ""
) -> Structure:
    _require(actor, structure, access.ADMIN)
    if not name.strip():
        raise StructureError(_("La raison sociale est obligatoire."), field="name")
    structure.name = name.strip()
    structure.address = address.strip()
    structure.postal_code = " ".join(postal_code.split())
    structure.town = " ".join(town.split())
    structure.save(update_fields=["name", "address", "postal_code", "town"])
    return structure


def update_routing_parameters(structure: Structure, *, actor: User, **flags: bool) -> Structure:
    """The parameters deposit checks against (public structures only)."""
    _require(actor, structure, access.ADMIN)
    if not structure.is_public:
        raise StructureError(_("Seule une entité publique a des paramètres de réception."))
    unknown = set(flags) - set(ROUTING_FIELDS)
    if unknown:
        raise ValueError(f"Unknown routing parameters: {sorted(unknown)}")
    if flags.get("code_service_obligatoire") and not structure.services.filter(is_active=True).exists():
        raise StructureError(
            _("Créez au moins un service actif avant de rendre le code service obligatoire."),
            field="code_service_obligatoire",
        )
    for field, value in flags.items():
        setattr(structure, field, bool(value))
    structure.save(update_fields=list(flags))
    return structure


def update_pes_parameters(
    structure: Structure, *, actor: User, id_post: str, cod_col: str, cod_bud: str, libelle_col_bud: str
) -> Structure:
    """Hélios parameters; the shapes are checked loosely here, strictly when a PES file is written."""
    _require(actor, structure, access.ADMIN)
    if not structure.is_public:
        raise StructureError(_("Seule une entité publique exporte en PES."))
    id_post, cod_col, cod_bud = id_post.strip(), cod_col.strip().upper(), cod_bud.strip().upper()
    if id_post and not (id_post.isdigit() and len(id_post) == 6):
        raise StructureError(_("Le poste comptable (IdPost) compte 6 chiffres."), field="id_post")
    if cod_col and not (cod_col.isalnum() and len(cod_col) <= 3):
        raise StructureError(_("Le code collectivité (CodCol) compte 3 caractères au plus."), field="cod_col")
    if cod_bud and not (cod_bud.isalnum() and len(cod_bud) <= 2):
        raise StructureError(_("Le code budget (CodBud) compte 2 caractères au plus."), field="cod_bud")
    structure.pes_id_post = id_post
    structure.pes_cod_col = cod_col
    structure.pes_cod_bud = cod_bud
    structure.pes_libelle_col_bud = libelle_col_bud.strip()[:100]
    structure.save(update_fields=["pes_id_post", "pes_cod_col", "pes_cod_bud", "pes_libelle_col_bud"])
    return structure


# Services -----------------------------------------------------------------------------------------


def create_service(
    structure: Structure, *, actor: User, code: str, name: str, engagement_obligatoire: bool = False
) -> Service:
    _require(actor, structure, access.ADMIN)
    code = service_codes.normalise(code)
    problem = service_codes.problem(code)
    if problem:
        message, params = problem
        raise StructureError(_(message) % params, field="code")
    if structure.services.filter(code__iexact=code).exists():
        raise StructureError(_("Ce code service existe déjà dans la structure."), field="code")
    return Service.objects.create(
        structure=structure,
        code=code,
        name=name.strip() or code,
        engagement_obligatoire=engagement_obligatoire,
    )


def update_service(
    service: Service, *, actor: User, name: str, is_active: bool, engagement_obligatoire: bool
) -> Service:
    """Rename, (de)activate or change a service; its code is fixed because invoices carry it."""
    structure = service.structure
    _require(actor, structure, access.ADMIN)
    with transaction.atomic():
        service = Service.objects.select_for_update().get(pk=service.pk)
        if (
            not is_active
            and structure.code_service_obligatoire
            and not structure.services.filter(is_active=True).exclude(pk=service.pk).exists()
        ):
            raise StructureError(
                _("Le code service est obligatoire : gardez au moins un service actif."), field="is_active"
            )
        service.name = name.strip() or service.code
        service.is_active = is_active
        service.engagement_obligatoire = engagement_obligatoire
        service.save(update_fields=["name", "is_active", "engagement_obligatoire"])
    return service


# Attachment requests ------------------------------------------------------------------------------


def request_attachment(user: User, structure: Structure, *, message: str = "") -> AttachmentRequest:
    """Ask to be attached to an existing structure; its managers are told by e-mail."""
    _require_person(user)
    if not structure.is_active:
        raise StructureError(_("Cette structure n'est plus active."))
    if Membership.objects.filter(user=user, structure=structure, is_active=True).exists():
        raise StructureError(
            _("Votre compte est déjà rattaché à « %(structure)s ».") % {"structure": structure.name}
        )
    try:
        with transaction.atomic():
            request = AttachmentRequest.objects.create(
                user=user, structure=structure, message=message.strip()
            )
    except IntegrityError as exc:  # the partial unique constraint: one pending request per user and structure
        raise StructureError(
            _("Une demande de rattachement à « %(structure)s » est déjà en attente.")
            % {"structure": structure.name}
        ) from exc
    transaction.on_commit(lambda: emails.attachment_requested(request))
    return request


def _pending_request_locked(request: AttachmentRequest) -> AttachmentRequest:
    locked = (
        AttachmentRequest.objects.select_for_update().select_related("user", "structure").get(pk=request.pk)
    )
    if locked.status != AttachmentRequest.Status.PENDING:
        raise StructureError(_("Cette demande a déjà été traitée."))
    return locked


def accept_attachment(
    request: AttachmentRequest,
    *,
    actor: User,
    role: str = Membership.Role.USER,
    rights: Iterable[str] | Mapping[str, bool] | None = None,
    services: Iterable[Service] = (),
) -> Membership:
    """Attach the requester with the role and rights chosen by a manager; the requester is told by e-mail."""
    _require(actor, request.structure, access.MANAGE)
    if rights is None:
        rights = [access.DEPOSIT] + ([access.TRIAGE] if request.structure.is_public else [])
    fields = _rights(rights)
    services = _services_of(request.structure, services)
    with transaction.atomic():
        request = _pending_request_locked(request)
        membership, _created = Membership.objects.update_or_create(
            user=request.user,
            structure=request.structure,
            defaults={"role": role, "is_active": True, **fields},
        )
        membership.services.set(services)
        request.status = AttachmentRequest.Status.ACCEPTED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
    transaction.on_commit(lambda: emails.attachment_decided(request))
    return membership


def refuse_attachment(request: AttachmentRequest, *, actor: User, reason: str) -> AttachmentRequest:
    """Refuse with a reason, which the requester receives by e-mail."""
    _require(actor, request.structure, access.MANAGE)
    reason = (reason or "").strip()
    if not reason:
        raise StructureError(_("Indiquez le motif du refus."), field="reason")
    with transaction.atomic():
        request = _pending_request_locked(request)
        request.status = AttachmentRequest.Status.REFUSED
        request.reason = reason
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    transaction.on_commit(lambda: emails.attachment_decided(request))
    return request


# Memberships --------------------------------------------------------------------------------------


def _services_of(structure: Structure, services: Iterable[Service]) -> list[Service]:
    services = list(services or ())
    if not services:
        return []
    if not structure.is_public:
        raise StructureError(_("Seule une entité publique limite l'accès par service."), field="services")
    if any(service.structure_id != structure.pk for service in services):
        raise StructureError(_("Ce service n'appartient pas à la structure."), field="services")
    return services


def update_membership(
    membership: Membership,
    *,
    actor: User,
    role: str,
    rights: Iterable[str] | Mapping[str, bool],
    services: Iterable[Service] = (),
) -> Membership:
    """Change a member's role, rights and services (an empty set of services means all of them)."""
    structure = membership.structure
    _require(actor, structure, access.MANAGE)
    fields = _rights(rights)
    services = _services_of(structure, services)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().select_related("user", "structure").get(pk=membership.pk)
        )
        if membership.is_principal and role != Membership.Role.MANAGER:
            raise StructureError(
                _("Le gestionnaire principal reste gestionnaire : transférez d'abord ce rôle."), field="role"
            )
        if membership.user.is_technical and role == Membership.Role.MANAGER:
            raise StructureError(_("Un compte technique ne peut pas être gestionnaire."), field="role")
        membership.role = role
        for field, value in fields.items():
            setattr(membership, field, value)
        membership.save(update_fields=["role", *fields])
        membership.services.set(services)
    return membership


def deactivate_membership(membership: Membership, *, actor: User) -> Membership:
    """End a member's access; never the principal manager's. A technical account also loses its tokens."""
    _require(actor, membership.structure, access.MANAGE)
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=membership.structure_id)
        membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        if structure.principal_manager_id == membership.user_id:
            raise StructureError(
                _(
                    "Le rattachement du gestionnaire principal ne peut pas être désactivé : "
                    "transférez d'abord ce rôle."
                )
            )
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        if membership.user.is_technical:
            _retire_technical_account(membership.user)
    return membership


def reactivate_membership(membership: Membership, *, actor: User) -> Membership:
    _require(actor, membership.structure, access.MANAGE)
    if membership.user.is_technical:
        raise StructureError(_("Un compte technique désactivé ne se réactive pas : créez-en un nouveau."))
    if not membership.user.is_active:
        raise StructureError(_("Ce compte utilisateur est fermé."))
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    return membership


# Technical accounts -------------------------------------------------------------------------------


def create_technical_account(
    structure: Structure, *, actor: User | None, name: str, rights: Iterable[str]
) -> tuple[User, str]:
    """A software account bound to one structure, authenticated by API token only; returns (user, raw token).

    The password is unusable, so the web login refuses it. `actor` is None when an operator provisions it
    from the command line.
    """
    from accounts.tokens import create_api_token

    if actor is not None:
        _require(actor, structure, access.MANAGE)
    name = (name or "").strip()
    if not name:
        raise StructureError(_("Donnez un nom au compte technique."), field="name")
    fields = _rights(rights)
    with transaction.atomic():
        user = User(
            email=f"technique-{secrets.token_hex(8)}@{TECHNICAL_EMAIL_DOMAIN}",
            first_name=name[:150],
            kind=User.Kind.TECHNICAL,
        )
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, structure=structure, role=Membership.Role.USER, **fields)
        _token, raw = create_api_token(user, name=name[:100])
    return user, raw


def technical_accounts(structure: Structure):
    """The structure's technical accounts with their rights and last use, newest first."""
    return (
        Membership.objects.filter(structure=structure, user__kind=User.Kind.TECHNICAL)
        .select_related("user")
        .order_by("-created_at")
    )


def _retire_technical_account(user: User) -> None:
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    user.is_active = False
    user.save(update_fields=["is_active"])


# The principal-manager role -----------------------------------------------------------------------


def _active_person_member(structure: Structure, user: User) -> Membership | None:
    return (
        Membership.objects.select_for_update()
        .filter(
            structure=structure, user=user, is_active=True, user__is_active=True, user__kind=User.Kind.PERSON
        )
        .first()
    )


def _promote(structure: Structure, user: User) -> None:
    Membership.objects.filter(structure=structure, user=user).update(
        role=Membership.Role.MANAGER, is_active=True, **ALL_RIGHTS
    )


def transfer_principal_manager(actor: User, assignments: Mapping[Structure, User]) -> list[Structure]:
    """Hand the principal-manager role of each structure to the user assigned to it, all or nothing.

    The three Chorus Pro modes are shapes of `assignments`: some of my structures to one user, all of them
    to one user, all of them split between several users. Each target must already be actively attached
    to the structure concerned; the former principal stays a (secondary) manager. Both are told by
    e-mail and the change is written to both security journals.
    """
    from accounts.journal import log_event

    if not assignments:
        raise StructureError(_("Choisissez au moins une structure à transférer."))
    _require_person(actor)
    targets = {structure.pk: user for structure, user in assignments.items()}
    with transaction.atomic():
        # Locked in a fixed order so two concurrent transfers cannot deadlock each other.
        locked = list(Structure.objects.select_for_update().filter(pk__in=targets).order_by("pk"))
        for structure in locked:
            target = targets[structure.pk]
            if structure.principal_manager_id != actor.pk:
                raise NotAllowed(
                    _("Vous n'êtes pas le gestionnaire principal de « %(structure)s ».")
                    % {"structure": structure.name}
                )
            if target.pk == actor.pk:
                raise StructureError(
                    _("Vous êtes déjà le gestionnaire principal de « %(structure)s ».")
                    % {"structure": structure.name}
                )
            if _active_person_member(structure, target) is None:
                raise StructureError(
                    _(
                        "%(user)s n'a pas de rattachement actif à « %(structure)s » : le rôle ne peut "
                        "lui être transféré."
                    )
                    % {"user": target.email, "structure": structure.name}
                )
        for structure in locked:
            target = targets[structure.pk]
            structure.principal_manager = target
            structure.save(update_fields=["principal_manager"])
            _promote(structure, target)
            Membership.objects.filter(structure=structure, user=actor).update(role=Membership.Role.MANAGER)
            detail = _("« %(structure)s » : de %(former)s à %(new)s") % {
                "structure": structure.name,
                "former": actor.email,
                "new": target.email,
            }
            log_event(actor, "principal_transfer", detail=detail, actor=actor)
            log_event(target, "principal_transfer", detail=detail, actor=actor)
    for structure in locked:
        transaction.on_commit(
            lambda s=structure, t=targets[structure.pk]: emails.principal_transferred(s, former=actor, new=t)
        )
    return locked


def reassign_principal_manager(
    structure: Structure, user: User, *, actor: User, deactivate_former: bool = False, notify: bool = True
) -> Structure:
    """Platform support gives the role to `user` when the principal manager left without transferring it.

    The new principal is attached (or reattached) as a manager with every right; the former one stays a
    secondary manager unless support deactivates that attachment too. `notify=False` when the caller tells
    the people concerned itself (a public structure handed over, a claim approved).
    """
    from accounts.journal import log_event

    if not actor.is_staff:
        raise NotAllowed(_("Seul le support de la plateforme réaffecte un gestionnaire principal."))
    if user.is_technical or not user.is_active:
        raise StructureError(_("Le gestionnaire principal doit être une personne dont le compte est actif."))
    with transaction.atomic():
        structure = (
            Structure.objects.select_for_update(of=("self",))
            .select_related("principal_manager")
            .get(pk=structure.pk)
        )
        former = structure.principal_manager
        if former.pk == user.pk:
            raise StructureError(
                _("%(user)s a déjà le rôle de gestionnaire principal.") % {"user": user.email}
            )
        Membership.objects.get_or_create(
            user=user, structure=structure, defaults={"role": Membership.Role.MANAGER}
        )
        structure.principal_manager = user
        structure.save(update_fields=["principal_manager"])
        _promote(structure, user)
        Membership.objects.filter(structure=structure, user=former).update(
            role=Membership.Role.MANAGER, **({"is_active": False} if deactivate_former else {})
        )
        detail = _("« %(structure)s » : réaffecté par le support de %(former)s à %(new)s") % {
            "structure": structure.name,
            "former": former.email,
            "new": user.email,
        }
        log_event(former, "principal_transfer", detail=detail, actor=actor)
        log_event(user, "principal_transfer", detail=detail, actor=actor)
    if notify:
        transaction.on_commit(lambda: emails.principal_transferred(structure, former=former, new=user))
    return structure
