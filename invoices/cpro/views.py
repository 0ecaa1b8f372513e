"""The connector's pages: a public structure's managers record its Chorus Pro credentials and watch the
synchronisations (what is pending, what was refused and why), ask for one now, or retry an item."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access, services
from accounts.twofactor import has_recent_otp, reverify_redirect
from invoices.cpro import connector
from invoices.cpro.forms import ConnectionForm
from invoices.cpro.models import PulledInvoice, StatusPush

LISTED = 50


def _structure(request, uuid):
    structure = access.get_structure_for_user(request.user, uuid, right=access.MANAGE)
    if not structure.is_public:
        raise Http404("Only public structures receive invoices from Chorus Pro")
    return structure


def _back(structure):
    return redirect("cpro:connection", structure.uuid)


@login_required
def connection(request, structure):
    structure = _structure(request, structure)
    current = connector.connection_of(structure)
    context = {"structure": structure, "connection": current}
    if current is not None:
        pulled = current.pulled.select_related("invoice")
        context.update(
            counts={state: pulled.filter(state=state).count() for state in PulledInvoice.State.values},
            waiting=pulled.exclude(state=PulledInvoice.State.DONE).order_by("-updated_at")[:LISTED],
            recent=pulled.filter(state=PulledInvoice.State.DONE).order_by("-updated_at")[:10],
            pushes=StatusPush.objects.filter(pulled__connection=current)
            .exclude(state=StatusPush.State.DONE)
            .select_related("pulled")
            .order_by("-updated_at")[:LISTED],
        )
    return render(request, "invoices/cpro/connection.html", context)


@login_required
def credentials(request, structure):
    structure = _structure(request, structure)
    if not has_recent_otp(request):  # after the lookup: an outsider gets 404, not a second-factor prompt
        return reverify_redirect(request)
    form = ConnectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            connector.record_connection(structure, actor=request.user, request=request, **form.cleaned_data)
        except services.StructureError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Connexion à Chorus Pro enregistrée : la synchronisation commence."))
            return _back(structure)
    response = render(
        request,
        "invoices/cpro/credentials.html",
        {"structure": structure, "form": form, "connection": connector.connection_of(structure)},
    )
    response["Cache-Control"] = "no-store"
    return response


def _connection(request, structure):
    structure = _structure(request, structure)
    current = connector.connection_of(structure)
    if current is None:
        raise Http404("No connection")
    return structure, current


@login_required
@require_POST
def sync_now(request, structure):
    structure = _structure(request, structure)
    current = connector.connection_of(structure)
    if current is None:  # nothing to synchronise yet: the page says how to connect
        return _back(structure)
    connector.request_sync(current, actor=request.user)
    messages.success(request, _("Synchronisation demandée : elle a lieu dans la minute."))
    return _back(structure)


@login_required
@require_POST
def toggle(request, structure):
    structure = _structure(request, structure)
    current = connector.connection_of(structure)
    if current is None:
        return _back(structure)
    connector.set_active(current, actor=request.user, active=not current.is_active)
    messages.success(request, _("Connexion réactivée.") if current.is_active else _("Connexion suspendue."))
    return _back(structure)


@login_required
@require_POST
def retry_pulled(request, structure, item):
    structure, current = _connection(request, structure)
    connector.retry_pulled(connector.get_pulled_for_manager(current, item), actor=request.user)
    messages.success(request, _("Nouvelle tentative demandée pour cette facture."))
    return _back(structure)


@login_required
@require_POST
def retry_push(request, structure, push):
    structure, current = _connection(request, structure)
    connector.retry_push(connector.get_push_for_manager(current, push), actor=request.user)
    messages.success(request, _("Nouvelle tentative demandée pour ce statut."))
    return _back(structure)
