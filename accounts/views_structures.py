"""Pages for structures: create or join one, members and their rights, services, parameters, technical
accounts, and the principal-manager transfer. Thin adapters over `accounts.services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access, cpro_identity, services
from accounts.forms_structures import (
    AttachmentRequestForm,
    AttachmentSearchForm,
    MembershipForm,
    PesForm,
    RefuseForm,
    RoutingForm,
    ServiceCreateForm,
    ServiceEditForm,
    StructureCreateForm,
    StructureDetailsForm,
    TechnicalAccountForm,
    TransferSplitForm,
    TransferToOneForm,
    add_service_error,
)
from accounts.models import AttachmentRequest, Membership, Service, Structure, User
from accounts.twofactor import require_recent_otp

TRANSFER_MODES = ("partiel", "total", "reparti")


def _structure(request, uuid, right=None) -> Structure:
    return access.get_structure_for_user(request.user, uuid, right=right)


def _detail(structure: Structure):
    return redirect("accounts:structure_detail", structure.uuid)


def _saved(request, structure: Structure, form, operation, message: str):
    """Run `operation(cleaned_data)` for a valid POSTed form, then say `message` and go back to the structure.

    None when there is nothing to save yet or the operation refused (its error is then on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        operation(form.cleaned_data)
    except services.StructureError as error:
        add_service_error(form, error)
        return None
    messages.success(request, message)
    return _detail(structure)


def _membership_choices(data: dict) -> dict:
    """The role, rights and services chosen in a MembershipForm, as the services take them."""
    return {"role": data["role"], "rights": data["rights"], "services": data.get("services", ())}


def _default_rights(structure: Structure) -> list[str]:
    """What a newcomer is offered: deposit, and triage in a public structure."""
    return [access.DEPOSIT] + ([access.TRIAGE] if structure.is_public else [])


@login_required
def structure_list(request):
    memberships = access.active_memberships(request.user).order_by("structure__name")
    pending = request.user.attachment_requests.filter(status=AttachmentRequest.Status.PENDING).select_related(
        "structure"
    )
    principal_of = access.user_structures(request.user).filter(principal_manager=request.user)
    return render(
        request,
        "accounts/structures/list.html",
        {"memberships": memberships, "pending": pending, "principal_of": principal_of},
    )


@login_required
def structure_create(request):
    form = StructureCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            structure = services.create_structure(request.user, **form.cleaned_data)
        except services.StructureError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Structure créée : vous en êtes le gestionnaire principal."))
            return _detail(structure)
    return render(request, "accounts/structures/create.html", {"form": form})


@login_required
def attachment_search(request):
    """Find a structure by its identifier, then ask to be attached to it."""
    found = None
    search = AttachmentSearchForm(request.GET if "identifier" in request.GET else None)
    request_form = None
    if request.method == "POST":
        request_form = AttachmentRequestForm(request.POST)
        if request_form.is_valid():
            data = request_form.cleaned_data
            found = services.find_structure(data["id_type"], data["identifier"])
            if found is None:
                raise Http404("No such structure")
            try:
                services.request_attachment(request.user, found, message=data["message"])
            except services.StructureError as error:
                add_service_error(request_form, error)
            else:
                messages.success(
                    request, _("Demande envoyée aux gestionnaires de « %(name)s ».") % {"name": found.name}
                )
                return redirect("accounts:structure_list")
    elif search.is_bound and search.is_valid():
        found = services.find_structure(search.cleaned_data["id_type"], search.cleaned_data["identifier"])
        if found is not None:
            request_form = AttachmentRequestForm(
                initial={"id_type": found.id_type, "identifier": found.identifier}
            )
    return render(
        request,
        "accounts/structures/attach.html",
        {"search": search, "found": found, "request_form": request_form},
    )


@login_required
def structure_detail(request, structure):
    structure = _structure(request, structure)
    membership = structure.membership_of_user
    is_manager = membership.is_manager
    context = {
        "structure": structure,
        "membership": membership,
        "is_manager": is_manager,
        "can_admin": access.membership_has_right(membership, access.ADMIN),
        "services": structure.services.all(),
        "my_services": access.visible_services(membership)
        if not access.sees_all_services(membership)
        else None,
    }
    if is_manager:
        context["members"] = (
            structure.memberships.filter(user__kind=User.Kind.PERSON)
            .select_related("user")
            .prefetch_related("services")
            .order_by("-is_active", "user__last_name", "user__email")
        )
        context["pending"] = structure.attachment_requests.filter(
            status=AttachmentRequest.Status.PENDING
        ).select_related("user")
        context["refuse_form"] = RefuseForm()
        context["technical_count"] = services.technical_accounts(structure).filter(is_active=True).count()
    return render(request, "accounts/structures/detail.html", context)


def _admin_form(request, structure_uuid, form_class, initial, apply, template_title, *, public_only=False):
    structure = _structure(request, structure_uuid, access.ADMIN)
    if public_only and not structure.is_public:
        raise Http404("Only public structures have these parameters")
    form = form_class(request.POST or None, initial=initial(structure))
    saved = _saved(
        request, structure, form, lambda data: apply(structure, data), _("Modifications enregistrées.")
    )
    return saved or render(
        request,
        "accounts/structures/form.html",
        {"structure": structure, "form": form, "title": template_title},
    )


@login_required
def structure_edit(request, structure):
    return _admin_form(
        request,
        structure,
        StructureDetailsForm,
        lambda s: {"name": s.name, "address": s.address, "postal_code": s.postal_code, "town": s.town},
        lambda s, data: services.update_structure_details(s, actor=request.user, **data),
        _("Identité de la structure"),
    )


@login_required
def routing_edit(request, structure):
    return _admin_form(
        request,
        structure,
        RoutingForm,
        lambda s: {field: getattr(s, field) for field in services.ROUTING_FIELDS},
        lambda s, data: services.update_routing_parameters(s, actor=request.user, **data),
        _("Paramètres de réception des factures"),
        public_only=True,
    )


@login_required
def pes_edit(request, structure):
    return _admin_form(
        request,
        structure,
        PesForm,
        lambda s: {
            "id_post": s.pes_id_post,
            "cod_col": s.pes_cod_col,
            "cod_bud": s.pes_cod_bud,
            "libelle_col_bud": s.pes_libelle_col_bud,
        },
        lambda s, data: services.update_pes_parameters(s, actor=request.user, **data),
        _("Paramètres PES (Hélios)"),
        public_only=True,
    )


@login_required
def service_create(request, structure):
    structure = _structure(request, structure, access.ADMIN)
    form = ServiceCreateForm(request.POST or None)
    saved = _saved(
        request,
        structure,
        form,
        lambda data: services.create_service(structure, actor=request.user, **data),
        _("Service créé."),
    )
    return saved or render(
        request,
        "accounts/structures/form.html",
        {"structure": structure, "form": form, "title": _("Nouveau service")},
    )


@login_required
def service_edit(request, structure, service):
    structure = _structure(request, structure, access.ADMIN)
    service = get_object_or_404(Service, structure=structure, uuid=service)
    form = ServiceEditForm(
        request.POST or None,
        initial={
            "name": service.name,
            "is_active": service.is_active,
            "engagement_obligatoire": service.engagement_obligatoire,
        },
    )
    saved = _saved(
        request,
        structure,
        form,
        lambda data: services.update_service(service, actor=request.user, **data),
        _("Service modifié."),
    )
    title = _("Service %(code)s") % {"code": service.code}
    return saved or render(
        request, "accounts/structures/form.html", {"structure": structure, "form": form, "title": title}
    )


def _member(structure: Structure, uuid) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "structure"), structure=structure, uuid=uuid
    )


@login_required
def member_edit(request, structure, membership):
    structure = _structure(request, structure, access.MANAGE)
    member = _member(structure, membership)
    form = MembershipForm(
        request.POST or None,
        structure=structure,
        technical=member.user.is_technical,
        initial=MembershipForm.initial_for(member),
    )
    saved = _saved(
        request,
        structure,
        form,
        lambda data: services.update_membership(member, actor=request.user, **_membership_choices(data)),
        _("Droits de %(user)s enregistrés.") % {"user": member.user},
    )
    return saved or render(
        request, "accounts/structures/member.html", {"structure": structure, "member": member, "form": form}
    )


def _switch_member(request, structure_uuid, membership_uuid, operation, message: str) -> Membership:
    """Deactivate or reactivate an attachment, saying how it went; answers the attachment."""
    structure = _structure(request, structure_uuid, access.MANAGE)
    member = _member(structure, membership_uuid)
    try:
        operation(member, actor=request.user)
    except services.StructureError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message % {"user": member.user})
    return member


@login_required
@require_POST
def member_deactivate(request, structure, membership):
    member = _switch_member(
        request,
        structure,
        membership,
        services.deactivate_membership,
        _("Le rattachement de %(user)s est désactivé."),
    )
    if member.user.is_technical:
        return redirect("accounts:technical_accounts", member.structure.uuid)
    return _detail(member.structure)


@login_required
@require_POST
def member_reactivate(request, structure, membership):
    member = _switch_member(
        request,
        structure,
        membership,
        services.reactivate_membership,
        _("Le rattachement de %(user)s est réactivé."),
    )
    return _detail(member.structure)


def _pending_request(structure: Structure, uuid) -> AttachmentRequest:
    return get_object_or_404(
        AttachmentRequest.objects.select_related("user", "structure"), structure=structure, uuid=uuid
    )


@login_required
def request_accept(request, structure, attachment_request):
    """Choose the newcomer's role and rights, then accept."""
    structure = _structure(request, structure, access.MANAGE)
    pending = _pending_request(structure, attachment_request)
    form = MembershipForm(
        request.POST or None, structure=structure, initial={"rights": _default_rights(structure)}
    )
    saved = _saved(
        request,
        structure,
        form,
        lambda data: services.accept_attachment(pending, actor=request.user, **_membership_choices(data)),
        _("Rattachement de %(user)s accepté.") % {"user": pending.user},
    )
    return saved or render(
        request,
        "accounts/structures/request.html",
        {"structure": structure, "pending": pending, "form": form, "refuse_form": RefuseForm()},
    )


@login_required
@require_POST
def request_refuse(request, structure, attachment_request):
    structure = _structure(request, structure, access.MANAGE)
    pending = _pending_request(structure, attachment_request)
    form = RefuseForm(request.POST)
    saved = _saved(
        request,
        structure,
        form,
        lambda data: services.refuse_attachment(pending, actor=request.user, reason=data["reason"]),
        _("Demande refusée ; un e-mail en donne le motif à la personne qui l'a faite."),
    )
    return saved or render(
        request,
        "accounts/structures/request.html",
        {
            "structure": structure,
            "pending": pending,
            "form": MembershipForm(structure=structure, initial={"rights": _default_rights(structure)}),
            "refuse_form": form,
        },
        status=400,
    )


@login_required
def technical_accounts(request, structure):
    """List the structure's technical accounts with their last use; create one (its token shown once)."""
    structure = _structure(request, structure, access.MANAGE)
    form = TechnicalAccountForm(request.POST or None, initial={"rights": [access.DEPOSIT]})
    token = None
    if request.method == "POST" and form.is_valid():
        try:
            account, token = services.create_technical_account(
                structure, actor=request.user, **form.cleaned_data
            )
        except services.StructureError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Compte technique « %(name)s » créé.") % {"name": account.first_name})
            form = TechnicalAccountForm(initial={"rights": [access.DEPOSIT]})
    response = render(
        request,
        "accounts/structures/technical.html",
        {
            "structure": structure,
            "accounts": services.technical_accounts(structure),
            "cpro_credentials": cpro_identity.credentials_of(structure),
            "form": form,
            "token": token,
        },
    )
    if token:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def transfer_start(request):
    """The three Chorus Pro modes of the principal-manager transfer."""
    principal_of = access.user_structures(request.user).filter(principal_manager=request.user)
    return render(request, "accounts/structures/transfer_start.html", {"principal_of": principal_of})


@login_required
@require_recent_otp
def transfer(request, mode):
    if mode not in TRANSFER_MODES:
        raise Http404("Unknown transfer mode")
    principal_of = access.user_structures(request.user).filter(principal_manager=request.user)
    if not principal_of.exists():
        messages.error(request, _("Vous n'êtes gestionnaire principal d'aucune structure."))
        return redirect("accounts:structure_list")
    if mode == "reparti":
        form = TransferSplitForm(request.POST or None, principal_of=principal_of, actor=request.user)
    else:
        form = TransferToOneForm(
            request.POST or None,
            principal_of=principal_of,
            actor=request.user,
            all_structures=mode == "total",
        )
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.transfer_principal_manager(request.user, form.assignments())
        except services.StructureError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Rôle de gestionnaire principal transféré pour : %(names)s.")
                % {"names": ", ".join(s.name for s in moved)},
            )
            return redirect("accounts:structure_list")
    return render(
        request,
        "accounts/structures/transfer.html",
        {"form": form, "mode": mode, "principal_of": principal_of},
    )
