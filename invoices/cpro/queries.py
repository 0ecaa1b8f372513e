"""What a technical account may see through the compatible API, found by the ids Chorus Pro clients keep.

Every lookup starts from the same tenant-scoped querysets as the portal and `/api/v1/` (the account's
deposits, the invoices its structure sent or received, the directory's public structures): an id of another
structure's object finds nothing, exactly like an id that does not exist.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts import access
from accounts.models import Service, Structure
from invoices.cpro import mapping, values
from invoices.cpro.models import RecipientDownload
from invoices.deposit.operations import deposits_for_user
from invoices.lifecycle.queries import received_invoices_for, sent_invoices_for, visible_invoices_for
from invoices.models import Deposit, DepositDocument, Invoice, InvoiceEvent


def get_flux(user, number) -> Deposit | None:
    """The caller's deposit with this `numeroFluxDepot`, or None."""
    key = mapping.deposit_key(number)
    return deposits_for_user(user).filter(pk=key).first() if key is not None else None


def _with_flux(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Invoices with the deposit each came in, for `numeroFluxDepot` and `modeDepot`."""
    documents = DepositDocument.objects.select_related("deposit").order_by("pk")
    return invoices.prefetch_related(Prefetch("deposit_documents", queryset=documents, to_attr="flux_rows"))


def _with_last_comment(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """`commentaireEtatCourant`: the comment of the change that set the current status."""
    last = InvoiceEvent.objects.filter(invoice=OuterRef("pk")).order_by("-at", "-pk").values("comment")[:1]
    return invoices.annotate(last_comment=Subquery(last))


def deposit_of(invoice: Invoice) -> Deposit | None:
    rows = getattr(invoice, "flux_rows", None)
    if rows is None:
        rows = list(invoice.deposit_documents.select_related("deposit").order_by("pk"))
    return rows[0].deposit if rows else None


def _invoice_by_id(invoices: QuerySet[Invoice], value) -> Invoice | None:
    key = values.read_int(value)
    return invoices.filter(pk=key).first() if key is not None else None


def get_visible_invoice(user, value) -> Invoice | None:
    """An invoice the caller's structure sent or received (`consulter/historique`)."""
    return _invoice_by_id(_with_flux(visible_invoices_for(user)), value)


def get_received_invoice(user, value) -> Invoice | None:
    """An invoice the caller works as its recipient (`traiter/recue`, `telecharger/groupe`)."""
    return _invoice_by_id(received_invoices_for(user), value)


def _period(invoices, field: str, start, end):
    since, until = values.read_moment(start), values.read_moment(end, end=True)
    if since:
        invoices = invoices.filter(**{f"{field}__gte": since if field != "issue_date" else since.date()})
    if until:
        invoices = invoices.filter(**{f"{field}__lte": until if field != "issue_date" else until.date()})
    return invoices


def _statuses(codes) -> list[str] | None:
    if not codes:
        return None
    codes = codes if isinstance(codes, list) else [codes]
    return [s for s in (mapping.chorale_status(str(c)) for c in codes) if s]


def _common_filters(invoices, body: dict):
    if body.get("numeroFacture"):
        invoices = invoices.filter(number=str(body["numeroFacture"]).strip())
    statuses = _statuses(body.get("statutCourant"))
    if statuses is not None:
        invoices = invoices.filter(status__in=statuses)
    kind = str(body.get("typeFacture") or "").upper()
    if kind == "AVOIR":
        invoices = invoices.filter(type_code__in=mapping.CREDIT_NOTE_TYPE_CODES)
    elif kind == "FACTURE":
        invoices = invoices.exclude(type_code__in=mapping.CREDIT_NOTE_TYPE_CODES)
    invoices = _period(invoices, "created_at", body.get("periodeDateDepotDu"), body.get("periodeDateDepotAu"))
    invoices = _period(
        invoices, "issue_date", body.get("periodeDateFactureDu"), body.get("periodeDateFactureAu")
    )
    invoices = _period(
        invoices,
        "status_changed_at",
        body.get("periodeDateHeureEtatCourantDu"),
        body.get("periodeDateHeureEtatCourantAu"),
    )
    if body.get("numeroBonCommande"):
        invoices = invoices.filter(engagement=str(body["numeroBonCommande"]).strip())
    return invoices


def search_sent(user, body: dict) -> QuerySet[Invoice]:
    """`rechercher/fournisseur`: the invoices the caller's structure sent, as filtered by the request."""
    invoices = _with_last_comment(_with_flux(sent_invoices_for(user)))
    if body.get("numeroFluxDepot"):
        deposit = get_flux(user, body["numeroFluxDepot"])
        invoices = invoices.filter(deposit_documents__deposit=deposit) if deposit else invoices.none()
    if body.get("idFournisseur") not in (None, ""):
        invoices = invoices.filter(supplier_id=values.read_int(body["idFournisseur"]))
    recipients = [
        values.read_int(d.get("idDestinataire"))
        for d in values.entries(body.get("listeDestinataire"))
        if d.get("idDestinataire") not in (None, "")
    ]
    if recipients:
        invoices = invoices.filter(recipient_id__in=recipients)
    return _common_filters(invoices, body).distinct().order_by(*_order(body, "created_at"))


def search_received(user, body: dict) -> QuerySet[Invoice]:
    """`rechercher/recipiendaire`: the invoices the caller's structure (and services) received."""
    invoices = received_invoices_for(user).annotate(
        downloaded=Exists(RecipientDownload.objects.filter(invoice=OuterRef("pk")))
    )
    invoices = _with_last_comment(invoices.select_related("original"))
    if str(body.get("typeDemandePaiement") or "FACTURE").upper() != "FACTURE":
        return invoices.none()  # works invoices (FACTURE_TRAVAUX) and the like do not exist in Chorale
    downloaded = values.read_bool(body.get("factureTelechargeeParDestinataire"))
    if downloaded is not None:
        invoices = invoices.filter(downloaded=downloaded)
    if body.get("idDestinataire") not in (None, ""):
        invoices = invoices.filter(recipient_id=values.read_int(body["idDestinataire"]))
    if body.get("idServiceExecutant") not in (None, ""):
        invoices = invoices.filter(service_id=values.read_int(body["idServiceExecutant"]))
    suppliers = [
        values.read_int(f.get("idFournisseur"))
        for f in values.entries(body.get("listeFournisseurs"))
        if f.get("idFournisseur") not in (None, "")
    ]
    if suppliers:
        invoices = invoices.filter(supplier_id__in=suppliers)
    if body.get("rechercheSirenFournisseur"):
        invoices = invoices.filter(supplier__identifier__startswith=str(body["rechercheSirenFournisseur"]))
    return _common_filters(invoices, body).order_by(*_order(body.get("paramRecherche"), "created_at"))


def _order(params, field: str) -> list[str]:
    """Newest first unless the client asks otherwise (Chorus Pro sorts by deposit date, descending)."""
    return [field, "pk"] if values.descending(params) is False else [f"-{field}", "-pk"]


# --- The directory ------------------------------------------------------------------------------------------


def visible_structures(user) -> QuerySet[Structure]:
    """Every public structure, and the private ones the caller's account belongs to (no other company)."""
    own = access.user_structures(user).values("pk")
    return Structure.objects.filter(Q(kind=Structure.Kind.PUBLIC) | Q(pk__in=own))


def get_structure(user, value) -> Structure | None:
    key = values.read_int(value)
    return visible_structures(user).filter(pk=key).first() if key is not None else None


def search_structures(user, criteria: dict) -> QuerySet[Structure]:
    """`structures/v1/rechercher`: by identifier, name, town, postal code, kind or state."""
    structures = visible_structures(user)
    identifier = str(criteria.get("identifiantStructure") or "").replace(" ", "")
    if identifier:
        structures = structures.filter(identifier=identifier)
    id_type = mapping.CHORALE_ID_TYPES.get(str(criteria.get("typeIdentifiantStructure") or "").upper())
    if criteria.get("typeIdentifiantStructure") and id_type:
        structures = structures.filter(id_type=id_type)
    for key in ("raisonSocialeStructure", "libelleStructure", "nomStructure"):
        if criteria.get(key):
            structures = structures.filter(name__icontains=str(criteria[key]).strip())
    if criteria.get("adresseVille"):
        structures = structures.filter(town__icontains=str(criteria["adresseVille"]).strip())
    if criteria.get("adresseCodePostal"):
        structures = structures.filter(postal_code__startswith=str(criteria["adresseCodePostal"]).strip())
    kind = str(criteria.get("typeStructure") or "").upper()
    if kind in ("PUBLIQUE", "PRIVEE"):
        structures = structures.filter(
            kind=Structure.Kind.PUBLIC if kind == "PUBLIQUE" else Structure.Kind.PRIVATE
        )
    state = str(criteria.get("statutStructure") or "").upper()
    if state in ("ACTIF", "INACTIF"):
        structures = structures.filter(is_active=state == "ACTIF")
    return structures.order_by("name", "pk")


def services_of(structure: Structure, params: dict | None) -> QuerySet[Service]:
    """`structures/v1/rechercher/services`, sorted as asked (`triColonne`, `triSens`)."""
    column = {
        "codeservice": "code",
        "libelleservice": "name",
        "estactif": "is_active",
    }.get(str(values.options(params).get("triColonne") or "").lower(), "code")
    descending = values.descending(params) is True
    return structure.services.order_by(f"-{column}" if descending else column, "pk")
