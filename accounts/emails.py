"""E-mails about structures: attachment requests and the principal-manager role.

Called after commit by `accounts.services`; each message is rendered in its recipient's language.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import AttachmentRequest, Membership, Structure, User
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
    context = {"structure": structure, "former": former, "new": new, "url": structure_url(structure)}
    _send(former, "principal_former", context)
    _send(new, "principal_new", context)
