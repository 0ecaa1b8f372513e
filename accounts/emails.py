"""E-mails about structures: attachment requests, the principal-manager role and claims to it.

Called after commit by `accounts.services`; each message is rendered in its recipient's language.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import AttachmentRequest, Membership, PrincipalClaim, Structure, User
from accounts.site import site_url


def _send(user: User, template: str, context: dict) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "site_url": site_url(), **context}
        subject = " ".join(render_to_string(f"emails/structures/{template}_subject.txt", context).split())
        body = render_to_string(f"emails/structures/{template}.txt", context)
    send_mail(subject, body, None, [user.email])


def _managers(structure: Structure) -> list[User]:
    memberships = Membership.objects.filter(
        structure=structure, is_active=True, role=Membership.Role.MANAGER, user__is_active=True
    ).select_related("user")
    users = {m.user.pk: m.user for m in memberships}
    users.setdefault(structure.principal_manager_id, structure.principal_manager)
    return [user for user in users.values() if not user.is_technical]


def structure_url(structure: Structure) -> str:
    return site_url() + reverse("accounts:structure_detail", args=[structure.uuid])


def attachment_requested(request: AttachmentRequest) -> None:
    """Tell the structure's managers that someone asks to join."""
    for manager in _managers(request.structure):
        _send(
            manager,
            "attachment_requested",
            {"request": request, "structure": request.structure, "url": structure_url(request.structure)},
        )


def attachment_decided(request: AttachmentRequest) -> None:
    """Tell the requester whether they were attached, with the reason of a refusal."""
    _send(
        request.user,
        "attachment_decided",
        {
            "request": request,
            "structure": request.structure,
            "accepted": request.status == AttachmentRequest.Status.ACCEPTED,
            "url": site_url() + reverse("accounts:structure_list"),
        },
    )


def principal_transferred(structure: Structure, *, former: User, new: User) -> None:
    """Both the former and the new principal manager hear of the change."""
    principal_former(structure, former=former, new=new)
    principal_new(structure, former=former, new=new)


def principal_former(structure: Structure, *, former: User, new: User) -> None:
    context = {"structure": structure, "former": former, "new": new, "url": structure_url(structure)}
    _send(former, "principal_former", context)


def principal_new(structure: Structure, *, former: User, new: User) -> None:
    context = {"structure": structure, "former": former, "new": new, "url": structure_url(structure)}
    _send(new, "principal_new", context)


def claim_received(claim: PrincipalClaim) -> None:
    """The claimant is told the claim is in support's hands; a principal manager who is a person, that
    someone claims the role (so that a false claim does not go unnoticed)."""
    context = {"claim": claim, "structure": claim.structure, "url": claims_url()}
    _send(claim.claimant, "claim_received", context)
    principal = claim.structure.principal_manager
    if not principal.is_staff and principal.pk != claim.claimant_id:
        _send(principal, "claim_on_my_structure", {**context, "url": structure_url(claim.structure)})


def claim_decided(claim: PrincipalClaim) -> None:
    """The claimant hears whether the role is theirs now, with the reason of a refusal."""
    approved = claim.status == PrincipalClaim.Status.APPROVED
    url = structure_url(claim.structure) if approved else claims_url()
    _send(
        claim.claimant,
        "claim_decided",
        {"claim": claim, "structure": claim.structure, "approved": approved, "url": url},
    )


def claims_url() -> str:
    return site_url() + reverse("accounts:claims")
