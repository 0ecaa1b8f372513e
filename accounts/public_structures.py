"""Public structures enter Chorale through platform support, never through sign-up.

Chorus Pro takes public bodies from the official directory; anyone could otherwise register a commune's SIRET
and receive its invoices. So support creates them (one by one in the admin, or in bulk from a directory
extract with `import_public_structures`), and holds the principal-manager role until a person of the body
claims it with a supporting document (`accounts.claims`). A public structure whose principal manager is a
support account is *awaiting its claim*.

Support accounts are the active people with `is_staff` (labelled "support plateforme" on the user).
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import emails, identifiers, services
from accounts.directory import DirectoryEntry, DirectoryError
from accounts.journal import log_event
from accounts.models import Membership, SecurityEvent, Service, Structure, User

StructureError = services.StructureError


def is_support(user) -> bool:
    return bool(user and user.is_active and user.is_staff and not user.is_technical)


def require_support(actor) -> None:
    if not is_support(actor):
        raise services.NotAllowed(_("Seul le support de la plateforme gère les structures publiques."))


def is_awaiting_claim(structure: Structure) -> bool:
    """A public structure still held by support: nobody of the body has claimed it yet."""
    return structure.is_public and structure.principal_manager.is_staff


def support_account(email: str | None = None) -> User:
    """The support account that will hold new public structures: the one named, or the only one there is."""
    people = User.objects.filter(is_active=True, is_staff=True, kind=User.Kind.PERSON)
    if email:
        account = people.filter(email__iexact=email.strip()).first()
        if account is None:
            raise StructureError(
                _("%(email)s n'est pas un compte actif du support (is_staff).") % {"email": email}
            )
        return account
    accounts = list(people.order_by("pk")[:2])
    if not accounts:
        raise StructureError(
            _(
                "Aucun compte du support n'existe : créez-en un (python manage.py createsuperuser), car une "
                "structure publique a toujours un gestionnaire principal, le support en attendant sa "
                "revendication."
            )
        )
    if len(accounts) > 1:
        raise StructureError(
            _("Il y a plusieurs comptes du support : choisissez-en un avec --support EMAIL.")
        )
    return accounts[0]


# One structure ------------------------------------------------------------------------------------


def register_public_structure(structure: Structure, *, actor: User, journal: bool = True) -> Structure:
    """Save a new public structure (an unsaved instance) whose principal manager is `actor`, from support.

    `actor` is attached as a manager, so the structure has exactly one principal manager from its first
    instant; a person of the body takes the role over by a claim.
    """
    require_support(actor)
    if structure.id_type not in services.PUBLIC_ID_TYPES:
        raise StructureError(
            _("Une entité publique s'identifie par un SIRET, un RIDET ou un numéro TAHITI."), field="id_type"
        )
    structure.identifier = identifiers.normalise(structure.id_type, structure.identifier)
    error = identifiers.check(structure.id_type, structure.identifier)
    if error:
        raise StructureError(_(error), field="identifier")
    structure.name = " ".join((structure.name or "").split())
    if not structure.name:
        raise StructureError(_("La raison sociale est obligatoire."), field="name")
    structure.kind = Structure.Kind.PUBLIC
    structure.country = services._country_for(structure.id_type, structure.identifier, "")
    structure.principal_manager = actor
    taken = StructureError(_("Une structure porte déjà cet identifiant sur Chorale."), field="identifier")
    if Structure.objects.filter(id_type=structure.id_type, identifier=structure.identifier).exists():
        raise taken
    try:
        with transaction.atomic():
            structure.save()
            Membership.objects.create(
                user=actor, structure=structure, role=Membership.Role.MANAGER, **services.ALL_RIGHTS
            )
            if journal:
                log_event(
                    actor,
                    SecurityEvent.Kind.PUBLIC_STRUCTURES,
                    detail=_("Structure publique créée : %(name)s (%(identifier)s)")
                    % {"name": structure.name, "identifier": structure.identifier},
                    actor=actor,
                )
    except IntegrityError as exc:  # created by someone else between the check and the insert
        structure.pk = None
        raise taken from exc
    return structure


def create_public_structure(
    *, actor: User, identifier: str, name: str, id_type: str = identifiers.SIRET, **fields
) -> Structure:
    """A public structure held by support until claimed; `fields` are other Structure fields (flags, PES…)."""
    return register_public_structure(
        Structure(id_type=id_type, identifier=identifier, name=name, **fields), actor=actor
    )


def hand_over_public_structure(
    structure: Structure, user: User, *, actor: User, notify: bool = True
) -> Structure:
    """Support gives a public structure it still holds to the person who will be its principal manager.

    The support account's attachment is deactivated; the transfer itself is the support operation
    `services.reassign_principal_manager` (journaled on both accounts). The new principal is told by e-mail.
    """
    require_support(actor)
    with transaction.atomic():
        locked = (
            Structure.objects.select_for_update(of=("self",))
            .select_related("principal_manager")
            .get(pk=structure.pk)
        )
        if not is_awaiting_claim(locked):
            raise StructureError(
                _(
                    "« %(structure)s » n'est pas tenue par le support : elle a déjà son gestionnaire "
                    "principal."
                )
                % {"structure": locked.name}
            )
        former = locked.principal_manager
        services.reassign_principal_manager(locked, user, actor=actor, deactivate_former=True, notify=False)
    if notify:
        transaction.on_commit(lambda: emails.principal_new(locked, former=former, new=user))
    locked.refresh_from_db()
    return locked


# The directory import -----------------------------------------------------------------------------


@dataclass
class StructureOutcome:
    """What the import did to one structure of the file."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CLAIMED = "claimed"

    siret: str
    name: str
    outcome: str
    fields: list[str] = field(default_factory=list)
    services_added: list[str] = field(default_factory=list)
    services_changed: list[str] = field(default_factory=list)
    services_reactivated: list[str] = field(default_factory=list)
    services_deactivated: list[str] = field(default_factory=list)

    def describe(self) -> str:
        labels = {
            self.CREATED: _("créée"),
            self.UPDATED: _("modifiée"),
            self.UNCHANGED: _("inchangée"),
            self.CLAIMED: _("revendiquée, laissée à ses gestionnaires"),
        }
        parts = []
        if self.fields:
            parts.append(_("champs : %(fields)s") % {"fields": ", ".join(self.fields)})
        for codes, label in (
            (self.services_added, _("services ajoutés : %(codes)s")),
            (self.services_changed, _("services modifiés : %(codes)s")),
            (self.services_reactivated, _("services réactivés : %(codes)s")),
            (self.services_deactivated, _("services désactivés : %(codes)s")),
        ):
            if codes:
                parts.append(label % {"codes": ", ".join(codes)})
        detail = f" ({' ; '.join(parts)})" if parts else ""
        return f"{self.siret} {self.name} — {labels[self.outcome]}{detail}"


@dataclass
class ImportReport:
    outcomes: list[StructureOutcome] = field(default_factory=list)
    dry_run: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    def services_count(self, attribute: str) -> int:
        return sum(len(getattr(o, attribute)) for o in self.outcomes)

    def summary(self) -> str:
        c, s = self.count, self.services_count
        return _(
            "%(created)d créée(s), %(updated)d modifiée(s), %(unchanged)d inchangée(s), %(claimed)d "
            "revendiquée(s) laissée(s) à leurs gestionnaires ; services : %(added)d ajouté(s), %(changed)d "
            "modifié(s), %(reactivated)d réactivé(s), %(deactivated)d désactivé(s)."
        ) % {
            "created": c(StructureOutcome.CREATED),
            "updated": c(StructureOutcome.UPDATED),
            "unchanged": c(StructureOutcome.UNCHANGED),
            "claimed": c(StructureOutcome.CLAIMED),
            "added": s("services_added"),
            "changed": s("services_changed"),
            "reactivated": s("services_reactivated"),
            "deactivated": s("services_deactivated"),
        }


def import_public_structures(
    entries: list[DirectoryEntry], *, actor: User, source: str = "", dry_run: bool = False
) -> ImportReport:
    """Create or bring up to date the public structures of a directory extract, all or nothing.

    One transaction for the whole file: a directory extract is one snapshot, and a half-applied one would
    leave routing half old, half new with no simple way to tell which. Any refusal (a SIRET already held by
    a private company, a flag the services cannot satisfy) rolls everything back and lists every line.
    Structures already claimed belong to their managers: the import leaves them as they are. Running the same
    file again changes nothing. New structures are held by `actor` until claimed.
    """
    require_support(actor)
    report = ImportReport(dry_run=dry_run)
    errors: list[tuple[int, str]] = []
    with transaction.atomic():
        for entry in entries:
            outcome = _import_one(entry, actor=actor, errors=errors)
            if outcome is not None:
                report.outcomes.append(outcome)
        if errors or dry_run:
            transaction.set_rollback(True)
        else:
            detail = _("Import de l'annuaire %(source)s : %(summary)s") % {
                "source": source,
                "summary": report.summary(),
            }
            log_event(actor, SecurityEvent.Kind.PUBLIC_STRUCTURES, detail=detail, actor=actor)
    if errors:
        raise DirectoryError(errors)
    return report


def _import_one(entry: DirectoryEntry, *, actor: User, errors: list) -> StructureOutcome | None:
    structure = (
        Structure.objects.select_for_update(of=("self",))
        .select_related("principal_manager")
        .filter(id_type=identifiers.SIRET, identifier=entry.siret)
        .first()
    )
    if structure is None:
        fields = {"address": entry.address or "", **entry.place, **entry.flags}
        structure = register_public_structure(
            Structure(id_type=identifiers.SIRET, identifier=entry.siret, name=entry.name, **fields),
            actor=actor,
            journal=False,
        )
        outcome = StructureOutcome(entry.siret, structure.name, StructureOutcome.CREATED)
        _sync_services(structure, entry, outcome)
        _check_service_requirement(structure, entry, errors)
        return outcome
    if not structure.is_public:
        errors.append(
            (
                entry.line,
                _(
                    "Le SIRET %(siret)s est déjà inscrit comme entreprise privée « %(name)s » : vérifiez "
                    "cette inscription avant d'importer la ligne (retirez-la du fichier en attendant)."
                )
                % {"siret": entry.siret, "name": structure.name},
            )
        )
        return None
    if not is_awaiting_claim(structure):
        return StructureOutcome(entry.siret, structure.name, StructureOutcome.CLAIMED)
    outcome = StructureOutcome(entry.siret, entry.name, StructureOutcome.UPDATED)
    wanted = {"name": entry.name, **entry.place, **entry.flags}
    if entry.address is not None:
        wanted["address"] = entry.address
    outcome.fields = [name for name, value in wanted.items() if getattr(structure, name) != value]
    for name in outcome.fields:
        setattr(structure, name, wanted[name])
    if outcome.fields:
        structure.save(update_fields=outcome.fields)
    _sync_services(structure, entry, outcome)
    _check_service_requirement(structure, entry, errors)
    if not (
        outcome.fields
        or outcome.services_added
        or outcome.services_changed
        or outcome.services_reactivated
        or outcome.services_deactivated
    ):
        outcome.outcome = StructureOutcome.UNCHANGED
    return outcome


def _check_service_requirement(structure: Structure, entry: DirectoryEntry, errors: list) -> None:
    # The same rule as `services.update_routing_parameters`: deposit could not route to any service.
    if structure.code_service_obligatoire and not structure.services.filter(is_active=True).exists():
        errors.append(
            (
                entry.line,
                _("%(siret)s : code service obligatoire, mais aucun service actif.") % {"siret": entry.siret},
            )
        )


def _sync_services(structure: Structure, entry: DirectoryEntry, outcome: StructureOutcome) -> None:
    """The file lists every service of the structure: missing ones are deactivated, never deleted."""
    if entry.services is None:
        return
    existing = {service.code.upper(): service for service in structure.services.select_for_update()}
    for key, wanted in entry.services.items():
        service = existing.get(key)
        if service is None:
            Service.objects.create(
                structure=structure,
                code=wanted.code,
                name=wanted.name,
                is_active=wanted.is_active,
                engagement_obligatoire=bool(wanted.engagement_obligatoire),
            )
            outcome.services_added.append(wanted.code)
            continue
        changed = []
        if service.name != wanted.name:
            service.name = wanted.name
            changed.append("name")
        if wanted.engagement_obligatoire is not None and (
            service.engagement_obligatoire != wanted.engagement_obligatoire
        ):
            service.engagement_obligatoire = wanted.engagement_obligatoire
            changed.append("engagement_obligatoire")
        if service.is_active != wanted.is_active:
            service.is_active = wanted.is_active
            (outcome.services_reactivated if wanted.is_active else outcome.services_deactivated).append(
                service.code
            )
            changed.append("is_active")
        elif changed:
            outcome.services_changed.append(service.code)
        if changed:
            service.save(update_fields=changed)
    for key, service in existing.items():
        if key not in entry.services and service.is_active:
            service.is_active = False
            service.save(update_fields=["is_active"])
            outcome.services_deactivated.append(service.code)
