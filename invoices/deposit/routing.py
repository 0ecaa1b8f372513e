"""Chorus Pro routing rules: who sends the invoice, to which public structure and service, may it be taken.

Every rule reports a Finding with a `CHORALE-` id, a French and an English message and a location: the
XPath of the element in CII or UBL, or the form field name for a plain PDF typed in by the supplier.
The rules need the database (structures, services, memberships, earlier invoices), so they live here and
not in the Django-free `invoices.formats`.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q

from accounts import access
from accounts.identifiers import SIRET, is_valid_siret, normalise
from accounts.models import Service, Structure
from invoices.formats.findings import ERROR, WARNING, Finding
from invoices.formats.model import ExtractedInvoice, ValidationResult
from invoices.models import Invoice

SERVICE_CODE_MAX = 100
ENGAGEMENT_MAX = 100
NUMBER_MAX = 100
# Document types that correct an earlier invoice (UNTDID 1001): credit notes and corrective invoices.
CORRECTING_TYPE_CODES = frozenset(
    {
        "81",
        "83",
        "261",
        "262",
        "296",
        "308",
        "381",
        "384",
        "396",
        "420",
        "458",
        "471",
        "472",
        "473",
        "502",
        "503",
        "532",
    }
)
# Profiles with no room for BT-25 (the preceding invoice reference): there the rule can only warn.
PROFILES_WITHOUT_BT25 = frozenset({"MINIMUM"})

_CII_TX = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
_CII_AGREEMENT = f"{_CII_TX}/ram:ApplicableHeaderTradeAgreement"
_CII_SETTLEMENT = f"{_CII_TX}/ram:ApplicableHeaderTradeSettlement"
_CII_DOCUMENT = "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument"
LOCATIONS = {
    "cii": {
        "seller": f"{_CII_AGREEMENT}/ram:SellerTradeParty",
        "buyer": f"{_CII_AGREEMENT}/ram:BuyerTradeParty",
        "service_code": f"{_CII_AGREEMENT}/ram:BuyerReference",
        "engagement": f"{_CII_AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID",
        "number": f"{_CII_DOCUMENT}/ram:ID",
        "issue_date": f"{_CII_DOCUMENT}/ram:IssueDateTime/udt:DateTimeString",
        "preceding_invoice": f"{_CII_SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID",
    },
    "ubl": {
        "seller": "/{root}/cac:AccountingSupplierParty/cac:Party",
        "buyer": "/{root}/cac:AccountingCustomerParty/cac:Party",
        "service_code": "/{root}/cbc:BuyerReference",
        "engagement": "/{root}/cac:OrderReference/cbc:ID",
        "number": "/{root}/cbc:ID",
        "issue_date": "/{root}/cbc:IssueDate",
        "preceding_invoice": "/{root}/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
    },
    # A plain PDF: the fields of the deposit form (forms_deposit.PlainPdfForm, and the API's routing fields).
    "pdf": {
        "seller": "supplier",
        "buyer": "recipient_siret",
        "service_code": "service_code",
        "engagement": "engagement",
        "number": "number",
        "issue_date": "issue_date",
        "preceding_invoice": "preceding_invoice",
    },
}
_UBL_CREDIT_NOTE_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?CreditNote[\s>/]")

MESSAGES = {
    "CHORALE-SUPPLIER-MISSING": (
        "Le fournisseur n'est pas identifié dans la facture : indiquez son SIRET (identifiant du vendeur, "
        "schéma 0009) ou son numéro de TVA.",
        "The supplier is not identified in the invoice: give its SIRET (seller identifier, scheme 0009) "
        "or its VAT number.",
    ),
    "CHORALE-SUPPLIER-UNKNOWN": (
        "Le fournisseur {identifier} n'est pas une structure inscrite sur Chorale.",
        "The supplier {identifier} is not a structure registered on Chorale.",
    ),
    "CHORALE-SUPPLIER-NOT-MEMBER": (
        "Vous n'êtes pas habilité à déposer des factures pour le fournisseur {identifier} : demandez "
        "votre rattachement à cette structure avec le droit de dépôt.",
        "You may not deposit invoices for the supplier {identifier}: ask to be attached to this "
        "structure with the deposit right.",
    ),
    "CHORALE-SUPPLIER-AMBIGUOUS": (
        "Le SIREN {siren} du fournisseur correspond à plusieurs de vos établissements : choisissez la "
        "structure fournisseur du dépôt, ou indiquez le SIRET dans la facture.",
        "The supplier's SIREN {siren} matches several of your establishments: choose the supplier "
        "structure of the deposit, or give the SIRET in the invoice.",
    ),
    "CHORALE-SUPPLIER-CHOOSE": (
        "Choisissez la structure fournisseur pour laquelle vous déposez ce PDF.",
        "Choose the supplier structure you deposit this PDF for.",
    ),
    "CHORALE-SUPPLIER-NONE": (
        "Votre compte n'a le droit de dépôt de factures dans aucune structure.",
        "Your account has the right to deposit invoices in no structure.",
    ),
    "CHORALE-SUPPLIER-MISMATCH": (
        "La facture est émise par {identifier}, et non par la structure choisie pour ce dépôt ({chosen}).",
        "The invoice is issued by {identifier}, not by the structure chosen for this deposit ({chosen}).",
    ),
    "CHORALE-BUYER-MISSING": (
        "Le destinataire n'est pas identifié : indiquez le SIRET de l'entité publique (identifiant de "
        "l'acheteur, schéma 0009, ou son identifiant légal).",
        "The recipient is not identified: give the public entity's SIRET (buyer identifier, scheme 0009, "
        "or its legal registration identifier).",
    ),
    "CHORALE-BUYER-INVALID": (
        "L'identifiant du destinataire {identifier} n'est pas un SIRET valide.",
        "The recipient identifier {identifier} is not a valid SIRET.",
    ),
    "CHORALE-BUYER-UNKNOWN": (
        "Le destinataire {identifier} n'est pas une entité publique inscrite sur Chorale.",
        "The recipient {identifier} is not a public entity registered on Chorale.",
    ),
    "CHORALE-BUYER-NOT-PUBLIC": (
        "Le destinataire {identifier} n'est pas une entité publique : Chorale ne transmet les factures "
        "qu'aux entités publiques.",
        "The recipient {identifier} is not a public entity: Chorale only delivers invoices to public "
        "entities.",
    ),
    "CHORALE-BUYER-INACTIVE": (
        "Le destinataire {identifier} n'est plus actif sur Chorale : il ne reçoit plus de factures.",
        "The recipient {identifier} is no longer active on Chorale: it receives no more invoices.",
    ),
    "CHORALE-SERVICE-TOO-LONG": (
        "Le code service compte {length} caractères ; il en admet au plus {limit}.",
        "The service code has {length} characters; at most {limit} are allowed.",
    ),
    "CHORALE-SERVICE-UNKNOWN": (
        "Le code service « {code} » n'existe pas chez {recipient}.",
        "The service code '{code}' does not exist at {recipient}.",
    ),
    "CHORALE-SERVICE-INACTIVE": (
        "Le service « {code} » de {recipient} n'est plus actif : il ne reçoit plus de factures.",
        "The service '{code}' of {recipient} is no longer active: it receives no more invoices.",
    ),
    "CHORALE-SERVICE-REQUIRED": (
        "{recipient} exige un code service (référence de l'acheteur, BT-10) : demandez-le à votre "
        "interlocuteur et indiquez-le dans la facture.",
        "{recipient} requires a service code (buyer reference, BT-10): ask your contact for it and put "
        "it in the invoice.",
    ),
    "CHORALE-ENGAGEMENT-REQUIRED": (
        "{recipient} exige un numéro d'engagement (référence de la commande, BT-13).",
        "{recipient} requires an engagement number (purchase order reference, BT-13).",
    ),
    "CHORALE-ENGAGEMENT-REQUIRED-BY-SERVICE": (
        "Le service « {code} » de {recipient} exige un numéro d'engagement (référence de la commande, "
        "BT-13).",
        "The service '{code}' of {recipient} requires an engagement number (purchase order reference, "
        "BT-13).",
    ),
    "CHORALE-ENGAGEMENT-TOO-LONG": (
        "Le numéro d'engagement compte {length} caractères ; il en admet au plus {limit}.",
        "The engagement number has {length} characters; at most {limit} are allowed.",
    ),
    "CHORALE-SERVICE-OR-ENGAGEMENT-REQUIRED": (
        "{recipient} exige un code service (BT-10) ou un numéro d'engagement (BT-13) : la facture n'a ni "
        "l'un ni l'autre.",
        "{recipient} requires a service code (BT-10) or an engagement number (BT-13): the invoice has "
        "neither.",
    ),
    "CHORALE-NUMBER-MISSING": ("La facture n'a pas de numéro.", "The invoice has no number."),
    "CHORALE-NUMBER-TOO-LONG": (
        "Le numéro de facture compte {length} caractères ; il en admet au plus {limit}.",
        "The invoice number has {length} characters; at most {limit} are allowed.",
    ),
    "CHORALE-DATE-MISSING": (
        "La facture n'a pas de date d'émission lisible.",
        "The invoice has no readable issue date.",
    ),
    "CHORALE-DUPLICATE-NUMBER": (
        "Doublon : une facture n° {number} de {year} a déjà été déposée par ce fournisseur. Un numéro "
        "de facture est unique par fournisseur et par année.",
        "Duplicate: an invoice number {number} of {year} has already been deposited by this supplier. "
        "An invoice number is unique per supplier and year.",
    ),
    "CHORALE-DUPLICATE-NUMBER-SIREN": (
        "Doublon : une facture n° {number} de {year} a déjà été déposée par un autre établissement de la "
        "même entreprise (SIRET {other}). La réforme de la facturation électronique rend le numéro unique "
        "par entreprise (SIREN {siren}) et par année : donnez un autre numéro à cette facture.",
        "Duplicate: an invoice number {number} of {year} has already been deposited by another establishment "
        "of the same company (SIRET {other}). The e-invoicing reform makes the number unique per company "
        "(SIREN {siren}) and year: give this invoice another number.",
    ),
    "CHORALE-CREDIT-NOTE-REFERENCE": (
        "Cet avoir (ou cette facture rectificative, type {type_code}) doit indiquer la facture qu'il "
        "corrige (référence à une facture antérieure, BT-25).",
        "This credit note (or corrective invoice, type {type_code}) must give the invoice it corrects "
        "(preceding invoice reference, BT-25).",
    ),
    "CHORALE-CREDIT-NOTE-REFERENCE-PROFILE": (
        "Cet avoir (type {type_code}) ne dit pas quelle facture il corrige : le profil {profile} ne le "
        "permet pas ; préférez un profil plus riche (BASIC WL ou au-delà).",
        "This credit note (type {type_code}) does not say which invoice it corrects: profile {profile} "
        "has no room for it; prefer a richer profile (BASIC WL or above).",
    ),
}


def routing_finding(rule: str, location: str = "", severity: str = ERROR, **params) -> Finding:
    fr, en = MESSAGES[rule]
    return Finding(severity, rule, fr.format(**params), en.format(**params), location)


@dataclass
class Routing:
    """Where an invoice goes, and what stops it."""

    findings: list[Finding] = field(default_factory=list)
    supplier: Structure | None = None
    recipient: Structure | None = None
    service: Service | None = None

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)

    def refuse(self, rule: str, location: str, severity: str = ERROR, **params) -> None:
        self.findings.append(routing_finding(rule, location, severity, **params))


class RoutingContext:
    """The lookups of one deposit, made once for all its invoices (the user's memberships, recipients)."""

    def __init__(self, user, *, supplier: Structure | None = None):
        self.user = user
        self.chosen_supplier = supplier
        self._depositable: list[Structure] | None = None
        self._recipients: dict[str, Structure | None] = {}
        self._services: dict[tuple[int, str], Service | None] = {}

    @property
    def depositable(self) -> list[Structure]:
        """The structures the user may deposit invoices for."""
        if self._depositable is None:
            memberships = access.memberships_with_right(self.user, access.DEPOSIT)
            self._depositable = [m.structure for m in memberships]
        return self._depositable

    def recipient(self, siret: str, code: str = "") -> Structure | None:
        """The structure with this SIRET; with a service code, the service is looked up in the same query."""
        if siret not in self._recipients and code and len(code) <= SERVICE_CODE_MAX:
            services = list(
                Service.objects.select_related("structure").filter(
                    structure__id_type=Structure.IdType.SIRET, structure__identifier=siret, code__iexact=code
                )
            )
            if services:
                self._recipients[siret] = services[0].structure
                exact = [s for s in services if s.code == code]
                self._services[(services[0].structure_id, code)] = (exact or services)[0]
        if siret not in self._recipients:
            self._recipients[siret] = Structure.objects.filter(
                id_type=Structure.IdType.SIRET, identifier=siret
            ).first()
        return self._recipients[siret]

    def service(self, recipient: Structure, code: str) -> Service | None:
        key = (recipient.pk, code)
        if key not in self._services:
            services = list(Service.objects.filter(structure=recipient, code__iexact=code))
            # An exact match first: codes are compared as typed, a difference of case is only forgiven.
            exact = [s for s in services if s.code == code]
            self._services[key] = (exact or services or [None])[0]
        return self._services[key]


def locations_for(result: ValidationResult) -> dict[str, str]:
    if result.format == "ubl":
        credit_note = result.xml and _UBL_CREDIT_NOTE_ROOT.search(result.xml[:4096])
        root = "CreditNote" if credit_note else "Invoice"
        return {key: path.format(root=root) for key, path in LOCATIONS["ubl"].items()}
    if result.format in ("cii", "facturx"):
        return LOCATIONS["cii"]
    return LOCATIONS["pdf"]


def check_routing(result: ValidationResult, user, *, supplier: Structure | None = None) -> list[Finding]:
    """The Chorus Pro rules for one validated document, as findings (for `validate_invoice --as-user`)."""
    if result.invoice is None:
        return []
    return route(result, RoutingContext(user, supplier=supplier)).findings


def route(result: ValidationResult, context: RoutingContext, *, duplicates: bool = True) -> Routing:
    """Apply every routing rule to the extracted invoice; report all problems, not only the first.

    With `duplicates=False` the number's uniqueness, per supplier and per company, is left to the caller: the
    deposit checks it for an invoice it is about to insert under the number's lock (the database constraint
    deciding per supplier), and asks `check_duplicate` and `check_company_duplicate` for the others.
    """
    invoice = result.invoice or ExtractedInvoice()
    where = locations_for(result)
    routing = Routing()
    if result.format == "pdf":
        _plain_pdf_supplier(context, where["seller"], routing)
    else:
        _check_supplier(invoice, context, where["seller"], routing)
    _check_recipient(invoice, context, where["buyer"], routing)
    if routing.recipient is not None:
        _check_service_and_engagement(invoice, context, where, routing)
    _check_number(invoice, where, routing)
    if duplicates:
        check_duplicate(result, routing)
        check_company_duplicate(result, routing)
    _check_correction(invoice, result.profile, where["preceding_invoice"], routing)
    return routing


def _check_supplier(
    invoice: ExtractedInvoice, context: RoutingContext, location: str, routing: Routing
) -> None:
    chosen, mine = context.chosen_supplier, context.depositable
    siret = _compact(invoice.seller_siret)
    siren = siret[:9] if siret else _seller_siren(invoice)
    vat = normalise("tva_ue", invoice.seller_vat) if invoice.seller_vat else ""
    if siret:
        label = siret
        found = [s for s in mine if s.id_type == Structure.IdType.SIRET and s.identifier == siret]
    elif siren:
        label = siren
        found = [s for s in mine if s.id_type == Structure.IdType.SIRET and s.identifier.startswith(siren)]
        if chosen is not None and chosen in found:
            found = [chosen]
    elif vat:
        label = vat
        found = [
            s
            for s in mine
            if s.id_type == Structure.IdType.EU_VAT and normalise("tva_ue", s.identifier) == vat
        ]
    else:
        # Suppliers identified otherwise (RIDET, TAHITI, outside the EU): any seller id naming the structure.
        others = {_compact(value).upper() for _, value in invoice.seller_ids if _compact(value)}
        if not others:
            routing.refuse("CHORALE-SUPPLIER-MISSING", location)
            return
        label = min(others)
        found = [
            s
            for s in mine
            if s.id_type not in (Structure.IdType.SIRET, Structure.IdType.EU_VAT)
            and _compact(s.identifier).upper() in others
        ]
    if len(found) > 1:
        routing.refuse("CHORALE-SUPPLIER-AMBIGUOUS", location, siren=label)
    elif not found:
        known = _exists(siret, siren, vat, label)
        routing.refuse(
            "CHORALE-SUPPLIER-NOT-MEMBER" if known else "CHORALE-SUPPLIER-UNKNOWN", location, identifier=label
        )
    elif chosen is not None and found[0] != chosen:
        routing.refuse("CHORALE-SUPPLIER-MISMATCH", location, identifier=label, chosen=chosen.identifier)
    else:
        routing.supplier = found[0]


def _plain_pdf_supplier(context: RoutingContext, location: str, routing: Routing) -> None:
    """A plain PDF carries no data: its supplier is the structure the user deposits for."""
    chosen, mine = context.chosen_supplier, context.depositable
    if chosen is None and len(mine) == 1:
        chosen = mine[0]
    if chosen is None:
        routing.refuse("CHORALE-SUPPLIER-CHOOSE" if mine else "CHORALE-SUPPLIER-NONE", location)
    elif chosen not in mine:
        routing.refuse("CHORALE-SUPPLIER-NOT-MEMBER", location, identifier=chosen.identifier)
    else:
        routing.supplier = chosen


def _seller_siren(invoice: ExtractedInvoice) -> str:
    """A SIREN from the seller's ids (scheme 0002) or from a French VAT number (FR + key + SIREN)."""
    for scheme, value in invoice.seller_ids:
        compact = _compact(value)
        if scheme in ("0002", "") and len(compact) == 9 and compact.isdigit():
            return compact
    vat = _compact(invoice.seller_vat).upper()
    if vat.startswith("FR") and len(vat) == 13 and vat[4:].isdigit():
        return vat[4:]
    return ""


def _exists(siret: str, siren: str, vat: str, label: str) -> bool:
    """Whether the supplier is on the portal at all (to tell "not yours" from "unknown")."""
    if siret:
        query = Q(id_type=Structure.IdType.SIRET, identifier=siret)
    elif siren:
        query = Q(id_type=Structure.IdType.SIRET, identifier__startswith=siren)
    elif vat:
        query = Q(id_type=Structure.IdType.EU_VAT, identifier=vat)
    else:
        others = ~Q(id_type__in=[Structure.IdType.SIRET, Structure.IdType.EU_VAT])
        query = Q(identifier__iexact=label) & others
    return Structure.objects.filter(query).exists()


def _check_recipient(
    invoice: ExtractedInvoice, context: RoutingContext, location: str, routing: Routing
) -> None:
    siret = _compact(invoice.buyer_siret)
    if not siret:
        routing.refuse("CHORALE-BUYER-MISSING", location)
        return
    recipient = context.recipient(siret, (invoice.service_code or "").strip())
    if recipient is None:
        valid = is_valid_siret(siret)
        routing.refuse(
            "CHORALE-BUYER-UNKNOWN" if valid else "CHORALE-BUYER-INVALID", location, identifier=siret
        )
    elif not recipient.is_public:
        routing.refuse("CHORALE-BUYER-NOT-PUBLIC", location, identifier=siret)
    elif not recipient.is_active:
        routing.refuse("CHORALE-BUYER-INACTIVE", location, identifier=siret)
    else:
        routing.recipient = recipient


def check_destination(
    user, supplier: Structure, *, buyer_siret: str, code_service: str, engagement: str
) -> Routing:
    """The deposit-time checks of the recipient, its service and engagement number, on typed-in data.

    Used when a supplier corrects the routing of an invoice *à recycler*: the findings name the fields of the
    plain-PDF deposit form, which are the correction form's too.
    """
    invoice = ExtractedInvoice(
        buyer_siret=buyer_siret or None, service_code=code_service or None, engagement=engagement or None
    )
    context = RoutingContext(user, supplier=supplier)
    where = LOCATIONS["pdf"]
    routing = Routing()
    _check_recipient(invoice, context, where["buyer"], routing)
    if routing.recipient is not None:
        _check_service_and_engagement(invoice, context, where, routing)
    return routing


def _check_service_and_engagement(
    invoice: ExtractedInvoice, context: RoutingContext, where: dict, routing: Routing
) -> None:
    recipient = routing.recipient
    name = recipient.name
    code = (invoice.service_code or "").strip()
    engagement = (invoice.engagement or "").strip()
    at_code, at_engagement = where["service_code"], where["engagement"]
    if len(code) > SERVICE_CODE_MAX:
        routing.refuse("CHORALE-SERVICE-TOO-LONG", at_code, length=len(code), limit=SERVICE_CODE_MAX)
    elif code:
        service = context.service(recipient, code)
        if service is None:
            routing.refuse("CHORALE-SERVICE-UNKNOWN", at_code, code=code, recipient=name)
        elif not service.is_active:
            routing.refuse("CHORALE-SERVICE-INACTIVE", at_code, code=code, recipient=name)
        else:
            routing.service = service
    elif recipient.code_service_obligatoire:
        routing.refuse("CHORALE-SERVICE-REQUIRED", at_code, recipient=name)

    if len(engagement) > ENGAGEMENT_MAX:
        routing.refuse(
            "CHORALE-ENGAGEMENT-TOO-LONG", at_engagement, length=len(engagement), limit=ENGAGEMENT_MAX
        )
    elif not engagement and recipient.engagement_obligatoire:
        routing.refuse("CHORALE-ENGAGEMENT-REQUIRED", at_engagement, recipient=name)
    elif not engagement and routing.service is not None and routing.service.engagement_obligatoire:
        routing.refuse(
            "CHORALE-ENGAGEMENT-REQUIRED-BY-SERVICE", at_engagement, code=routing.service.code, recipient=name
        )
    if recipient.service_ou_engagement_obligatoire and not code and not engagement:
        routing.refuse("CHORALE-SERVICE-OR-ENGAGEMENT-REQUIRED", at_code, recipient=name)


def _check_number(invoice: ExtractedInvoice, where: dict, routing: Routing) -> None:
    number = (invoice.number or "").strip()
    if not number:
        routing.refuse("CHORALE-NUMBER-MISSING", where["number"])
    elif len(number) > NUMBER_MAX:
        routing.refuse("CHORALE-NUMBER-TOO-LONG", where["number"], length=len(number), limit=NUMBER_MAX)
    if invoice.issue_date is None:
        routing.refuse("CHORALE-DATE-MISSING", where["issue_date"])


def check_duplicate(result: ValidationResult, routing: Routing) -> None:
    """An invoice number is unique per supplier and year (Invoice's constraint says the same)."""
    invoice = result.invoice
    number = (invoice.number or "").strip() if invoice else ""
    if routing.supplier is None or not number or invoice.issue_date is None:
        return
    year = invoice.issue_date.year
    if Invoice.objects.filter(supplier=routing.supplier, number=number, year=year).exists():
        routing.findings.append(duplicate_finding(number, year, locations_for(result)["number"]))


def check_company_duplicate(result: ValidationResult, routing: Routing) -> None:
    """The 2026 reform's rule is stricter than Chorus Pro's: a number is unique per legal unit (SIREN), not
    per establishment (SIRET). The stricter one is followed: another establishment's number is refused."""
    invoice = result.invoice
    number = (invoice.number or "").strip() if invoice else ""
    if routing.supplier is None or not number or invoice.issue_date is None:
        return
    location = locations_for(result)["number"]
    finding = company_duplicate_finding(routing.supplier, number, invoice.issue_date.year, location)
    if finding is not None:
        routing.findings.append(finding)


def company_duplicate_finding(supplier: Structure, number: str, year: int, location: str) -> Finding | None:
    """The refusal when another establishment of the supplier's company used this number this year."""
    return company_duplicate_findings([(supplier, number, year, location)])[0]


def company_duplicate_findings(wanted: list[tuple[Structure, str, int, str]]) -> list[Finding | None]:
    """`company_duplicate_finding` for several (supplier, number, year, location) at once: one query."""
    sirens: dict[str, set[str]] = {}
    for supplier, number, _year, _location in wanted:
        if siren_applies(supplier):
            sirens.setdefault(supplier.identifier[:9], set()).add(number)
    if not sirens:
        return [None] * len(wanted)
    query = Q()
    for siren, numbers in sirens.items():
        query |= Q(supplier__identifier__startswith=siren, number__in=sorted(numbers))
    used = Invoice.objects.filter(query, supplier__id_type=SIRET, year__in={year for _, _, year, _ in wanted})
    taken: dict[tuple[str, str, int], list[tuple[int, str]]] = {}
    for supplier_id, identifier, number, year in used.values_list(
        "supplier_id", "supplier__identifier", "number", "year"
    ).order_by("pk"):
        taken.setdefault((identifier[:9], number, year), []).append((supplier_id, identifier))
    findings = []
    for supplier, number, year, location in wanted:
        siren = supplier.identifier[:9] if siren_applies(supplier) else None
        other = next((i for pk, i in taken.get((siren, number, year), []) if pk != supplier.pk), None)
        found = company_duplicate_finding_for(other, supplier, number, year, location) if other else None
        findings.append(found)
    return findings


def company_duplicate_finding_for(other: str, supplier: Structure, number: str, year: int, location: str):
    """The refusal of `supplier`'s number, which the establishment `other` (a SIRET) of the company has."""
    siren = supplier.identifier[:9]
    return routing_finding(
        "CHORALE-DUPLICATE-NUMBER-SIREN", location, number=number, year=year, other=other, siren=siren
    )


def siren_applies(supplier: Structure) -> bool:
    """Whether the number's uniqueness per company (SIREN) applies: a French establishment (SIRET)."""
    return supplier.id_type == SIRET and len(supplier.identifier) == 14


def duplicate_finding(number: str, year: int, location: str) -> Finding:
    return routing_finding("CHORALE-DUPLICATE-NUMBER", location, number=number, year=year)


def _check_correction(invoice: ExtractedInvoice, profile: str | None, location: str, routing: Routing):
    type_code = (invoice.type_code or "").strip()
    if type_code not in CORRECTING_TYPE_CODES or (invoice.preceding_invoice or "").strip():
        return
    if profile in PROFILES_WITHOUT_BT25:
        routing.refuse(
            "CHORALE-CREDIT-NOTE-REFERENCE-PROFILE", location, WARNING, type_code=type_code, profile=profile
        )
    else:
        routing.refuse("CHORALE-CREDIT-NOTE-REFERENCE", location, type_code=type_code)


def _compact(value: str | None) -> str:
    return "".join(ch for ch in (value or "") if ch.isalnum())
