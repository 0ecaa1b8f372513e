"""Claims to the principal-manager role of a public structure: a person asks, platform support decides.

A public structure is created by support, who holds the role until someone of the body proves they may
manage it: a delegation or an appointment (a PDF), kept byte-for-byte with its SHA-256 as the evidence of
the decision. Each step is written to the security journal; the claimant is told by e-mail after commit.
"""

import hashlib
import logging
import os
import unicodedata

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import emails, identifiers, services
from accounts.journal import log_event
from accounts.models import PrincipalClaim, SecurityEvent, Structure, User
from accounts.public_structures import require_support

log = logging.getLogger(__name__)

StructureError = services.StructureError
PDF_MAGIC = b"%PDF-"


def max_document_bytes() -> int:
    return settings.CHORALE_CLAIM_MAX_BYTES


def find_public_structure(id_type: str, identifier: str) -> Structure | None:
    """The active public structure with this identifier, or None."""
    if id_type not in services.PUBLIC_ID_TYPES:
        return None
    return Structure.objects.filter(
        kind=Structure.Kind.PUBLIC,
        id_type=id_type,
        identifier=identifiers.normalise(id_type, identifier),
        is_active=True,
    ).first()


def claims_of(user: User):
    """The user's own claims, newest first (never anyone else's)."""
    return PrincipalClaim.objects.filter(claimant=user).select_related("structure").order_by("-created_at")


def _clean_name(name: str) -> str:
    """The uploaded file's name as shown to support: its last path part, without control characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:255] or "document.pdf"


def check_size(size: int) -> None:
    if size > max_document_bytes():
        raise StructureError(
            _("La pièce justificative dépasse %(limit)s.") % {"limit": filesizeformat(max_document_bytes())},
            field="document",
        )


def check_document(data: bytes) -> None:
    """A PDF, not empty, within the size limit; its content is never parsed here, only kept and served."""
    if not data:
        raise StructureError(_("La pièce justificative est vide."), field="document")
    check_size(len(data))
    if not data.startswith(PDF_MAGIC):
        raise StructureError(
            _("La pièce justificative doit être un PDF (délégation ou arrêté de nomination)."),
            field="document",
        )


def submit_claim(
    user: User, structure: Structure, *, function: str, document_name: str, document: bytes, message: str = ""
) -> PrincipalClaim:
    """Ask support for the principal-manager role of a public structure, with a supporting document."""
    services._require_person(user)
    if not structure.is_public or not structure.is_active:
        raise StructureError(
            _(
                "Seule une entité publique active se revendique ; pour une entreprise, demandez un "
                "rattachement."
            )
        )
    function = " ".join((function or "").split())[:200]
    if not function:
        raise StructureError(_("Indiquez votre fonction (par exemple maire, DGS)."), field="function")
    check_document(document)
    claim = PrincipalClaim(
        structure=structure,
        claimant=user,
        function=function,
        message=(message or "").strip()[:2000],
        document_name=_clean_name(document_name),
        document_size=len(document),
        document_sha256=hashlib.sha256(document).hexdigest(),
    )
    # The file is written first; if the row cannot be, the file is removed so that no orphan remains.
    claim.document.save("claim.pdf", ContentFile(document), save=False)
    try:
        with transaction.atomic():
            locked = (
                Structure.objects.select_for_update(of=("self",))
                .select_related("principal_manager")
                .get(pk=structure.pk)
            )
            if locked.principal_manager_id == user.pk:
                raise StructureError(
                    _("Vous êtes déjà le gestionnaire principal de « %(structure)s ».")
                    % {"structure": locked.name}
                )
            claim.structure = locked
            claim.save()
            log_event(
                user,
                SecurityEvent.Kind.CLAIM_SUBMITTED,
                detail=_("« %(structure)s » (%(identifier)s), pièce %(name)s, SHA-256 %(sha)s")
                % {
                    "structure": locked.name,
                    "identifier": locked.identifier,
                    "name": claim.document_name,
                    "sha": claim.document_sha256,
                },
                actor=user,
            )
    except IntegrityError as exc:  # the partial unique constraint: one pending claim per person and structure
        _discard(claim)
        raise StructureError(
            _("Une revendication de « %(structure)s » est déjà en attente.") % {"structure": structure.name}
        ) from exc
    except BaseException:
        _discard(claim)
        raise
    transaction.on_commit(lambda: emails.claim_received(claim))
    return claim


def _discard(claim: PrincipalClaim) -> None:
    try:
        claim.document.storage.delete(claim.document.name)
    except Exception:  # best effort: the original error is the one to report
        log.warning("could not delete %s after a failed claim", claim.document.name, exc_info=True)


def _pending_claim_locked(claim: PrincipalClaim) -> PrincipalClaim:
    locked = (
        PrincipalClaim.objects.select_for_update(of=("self",))
        .select_related("claimant", "structure", "structure__principal_manager")
        .get(pk=claim.pk)
    )
    if locked.status != PrincipalClaim.Status.PENDING:
        raise StructureError(_("Cette revendication a déjà été traitée."))
    return locked


def approve_claim(claim: PrincipalClaim, *, actor: User) -> PrincipalClaim:
    """Support makes the claimant principal manager (the support reassignment operation, journaled).

    A support account that held the structure while it awaited its claim loses its attachment; a person who
    held the role stays a secondary manager and is told by e-mail.
    """
    require_support(actor)
    with transaction.atomic():
        claim = _pending_claim_locked(claim)
        claimant = claim.claimant
        if not claimant.is_active:
            raise StructureError(_("Le compte de %(user)s est fermé.") % {"user": claimant.email})
        # Read under its own lock: another claim on the same structure may have just been approved.
        claim.structure = (
            Structure.objects.select_for_update(of=("self",))
            .select_related("principal_manager")
            .get(pk=claim.structure_id)
        )
        former = claim.structure.principal_manager
        held_by_support = former.is_staff
        services.reassign_principal_manager(
            claim.structure, claimant, actor=actor, deactivate_former=held_by_support, notify=False
        )
        claim.status = PrincipalClaim.Status.APPROVED
        claim.decided_by = actor
        claim.decided_at = timezone.now()
        claim.save(update_fields=["status", "decided_by", "decided_at"])
        log_event(
            claimant,
            SecurityEvent.Kind.CLAIM_APPROVED,
            detail=_("« %(structure)s » (%(identifier)s), SHA-256 de la pièce %(sha)s")
            % {
                "structure": claim.structure.name,
                "identifier": claim.structure.identifier,
                "sha": claim.document_sha256,
            },
            actor=actor,
        )
    structure = claim.structure
    transaction.on_commit(lambda: emails.claim_decided(claim))
    if not held_by_support:
        transaction.on_commit(lambda: emails.principal_former(structure, former=former, new=claimant))
    return claim


def refuse_claim(claim: PrincipalClaim, *, actor: User, reason: str) -> PrincipalClaim:
    """Support refuses with a reason, which the claimant receives by e-mail."""
    require_support(actor)
    reason = (reason or "").strip()
    if not reason:
        raise StructureError(_("Indiquez le motif du refus."), field="reason")
    with transaction.atomic():
        claim = _pending_claim_locked(claim)
        claim.status = PrincipalClaim.Status.REFUSED
        claim.reason = reason[:2000]
        claim.decided_by = actor
        claim.decided_at = timezone.now()
        claim.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        log_event(
            claim.claimant,
            SecurityEvent.Kind.CLAIM_REFUSED,
            detail=_("« %(structure)s » : %(reason)s")
            % {"structure": claim.structure.name, "reason": reason},
            actor=actor,
        )
    transaction.on_commit(lambda: emails.claim_decided(claim))
    return claim
