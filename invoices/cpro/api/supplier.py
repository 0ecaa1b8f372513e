"""The supplier's chain: deposit a flow, read its report, find its invoices, follow their statuses (§4, §11).

OCA's cron, for instance: `deposer/flux` → `consulterCRDetaille` until a final state →
`rechercher/fournisseur` by `numeroFluxDepot` → `consulter/historique` by `idFacture` until MANDATEE or
MISE_EN_PAIEMENT.
"""

import base64
import binascii

from django.utils.translation import gettext as _

from accounts import access
from invoices.cpro import mapping, queries, report, values
from invoices.cpro.api import rows
from invoices.cpro.api.envelope import (
    FORBIDDEN,
    CproError,
    CproView,
    cpro_schema,
    flag,
    invalid,
    not_found,
    number,
    obj,
    objects,
    required,
    text,
)
from invoices.cpro.flux import FluxRefused, deposit_flux, is_tar
from invoices.deposit.validation import Limits, is_zip
from invoices.formats.sniff import sniff

FLUX_FIELDS = {
    "numeroFluxDepot": text("CPP followed by 22 digits.", needed=True),
    "syntaxeFlux": text(),
}


class DeposerFlux(CproView):
    @property
    def max_body(self) -> int:
        # base64 grows a file by a third; the JSON around it is small.
        return Limits.from_settings().max_request_bytes * 4 // 3 + 64 * 1024

    @cpro_schema(
        "factures/deposer/flux",
        "Deposit a flow (one invoice, or a ZIP or tar.gz of invoices)",
        description="The same deposit as the portal's and POST /api/v1/invoices/; the report follows on "
        "transverses/v1/consulterCRDetaille.",
        request={
            "fichierFlux": text("The file, base64.", needed=True),
            "nomFichier": text("Its name, with its extension.", needed=True),
            "syntaxeFlux": text(", ".join(mapping.SYNTAXES), needed=True),
            "avecSignature": flag("Accepted and ignored."),
            "idUtilisateurCourant": number("Ignored: the technical account is cpro-account's."),
        },
        response={"numeroFluxDepot": text(), "dateDepot": text("YYYY-MM-DD"), "syntaxeFlux": text()},
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        content = required(body, "fichierFlux")
        name = str(required(body, "nomFichier")).strip()
        syntax = str(required(body, "syntaxeFlux")).strip().upper()
        if syntax in mapping.UNSUPPORTED_SYNTAXES or syntax not in mapping.SYNTAXES:
            raise invalid(
                _("syntaxeFlux « %(syntax)s » : Chorale reçoit %(known)s.")
                % {"syntax": syntax, "known": ", ".join(mapping.SYNTAXES)}
            )
        try:
            data = base64.b64decode("".join(str(content).split()), validate=True)
        except (binascii.Error, ValueError):
            raise invalid(_("fichierFlux n'est pas du base64.")) from None
        if not data:
            raise invalid(_("fichierFlux est vide."))
        if not access.structures_with_right(user, access.DEPOSIT).exists():
            raise CproError(FORBIDDEN, _("Ce compte technique n'a pas le droit de déposer des factures."))
        expected, found = mapping.SYNTAXES[syntax], sniff(data)
        if not (is_zip(data) or is_tar(name, data)) and found != expected:
            raise invalid(
                _("Le fichier n'est pas du type qu'annonce %(syntax)s (%(expected)s attendu).")
                % {"syntax": syntax, "expected": expected.upper()}
            )
        try:
            deposit = deposit_flux(user, data=data, name=name)
        except FluxRefused as refused:
            raise invalid(str(refused)) from refused
        return {
            "numeroFluxDepot": mapping.flux_number(deposit),
            "dateDepot": values.plain_date(deposit.created_at),
            "syntaxeFlux": syntax,
        }


def _flux(user, body):
    deposit = queries.get_flux(user, required(body, "numeroFluxDepot"))
    if deposit is None:
        raise not_found(_("Flux"))
    return deposit


class ConsulterCRDetaille(CproView):
    @cpro_schema(
        "transverses/consulterCRDetaille",
        "A flow's detailed report",
        request=FLUX_FIELDS,
        response={
            "numeroFluxDepot": text(),
            "codeInterfaceDepotFlux": text(),
            "dateDepotFlux": text("ISO 8601 with milliseconds and offset."),
            "dateHeureEtatCourantFlux": text("ISO 8601 with milliseconds and offset."),
            "etatCourantDepotFlux": text(", ".join(mapping.FLOW_STATES.values())),
            "nomFichier": text(),
            "listeErreurDP": objects(
                "identifiantFournisseur, identifiantDestinataire, numeroDP, libelleErreurDP"
            ),
            "listeErreurTechnique": objects("codeErreur, libelleErreur, natureErreur"),
        },
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        return report.detailed(_flux(user, body))


class ConsulterCR(CproView):
    @cpro_schema(
        "transverses/consulterCR",
        "A flow's report (older operation, other field names)",
        request={**FLUX_FIELDS, "dateDepot": text()},
        response={
            "numeroFluxDepot": text(),
            "codeInterfaceFlux": text(),
            "nomFichierFlux": text(),
            "dateDepotFlux": text(),
            "dateHeureEtatCourantFlux": text(),
            "etatCourantFlux": text(", ".join(mapping.FLOW_STATES.values())),
            "codeAppliPartenaire": text(),
            "designationPartenaire": text(),
            "fichierCR": text("The report as a PDF, base64."),
        },
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        return report.summary(_flux(user, body))


class RechercherFournisseur(CproView):
    @cpro_schema(
        "factures/rechercher/fournisseur",
        "Search the invoices the structure sent",
        request={
            "numeroFluxDepot": text(),
            "numeroFacture": text(),
            "typeFacture": text("FACTURE or AVOIR"),
            "statutCourant": objects("Status codes."),
            "idFournisseur": number(),
            "listeDestinataire": objects("{idDestinataire}"),
            "periodeDateDepotDu": text(),
            "periodeDateDepotAu": text(),
            "periodeDateFactureDu": text(),
            "periodeDateFactureAu": text(),
            "rechercheFactureParFournisseur": obj("pageResultatDemandee, nbResultatsParPage, triSens"),
        },
        response={
            "parametresRetour": obj("pageCourante, pages, nbResultatsParPage, total"),
            "listeFactures": objects("identifiantFactureCPP, numeroFacture, statut, numeroFluxDepot…"),
        },
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        page = values.paginate(queries.search_sent(user, body), body.get("rechercheFactureParFournisseur"))
        return {"parametresRetour": page.returned(), "listeFactures": [rows.sent(i) for i in page.items]}


class ConsulterHistorique(CproView):
    @cpro_schema(
        "factures/consulter/historique",
        "An invoice's current status and history",
        request={
            "idFacture": number("identifiantFactureCPP", needed=True),
            "nbResultatsMaximum": number(),
            "pageResultatDemandeeListeHistoStatut": number(),
            "nbResultatsParPageListeHistoStatut": number(),
        },
        response={
            "idFacture": number(),
            "numeroFacture": text(),
            "modeDepot": text(),
            "statutCourantCode": text(),
            "historiquesDesStatuts": obj("histoStatut[] and its pagination"),
            "historiquesDesEvenementsComplementaires": obj(),
            "historiquesDesActionsUtilisateurs": obj(),
        },
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        invoice = queries.get_visible_invoice(user, required(body, "idFacture"))
        if invoice is None:
            raise not_found(_("Facture"))
        events = invoice.events.select_related("actor").order_by("-at", "-pk")
        page = values.paginate(
            events,
            {
                "pageResultatDemandee": body.get("pageResultatDemandeeListeHistoStatut"),
                "nbResultatsParPage": body.get("nbResultatsParPageListeHistoStatut")
                or body.get("nbResultatsMaximum"),
                "nbResultatsMaximum": body.get("nbResultatsMaximum"),
            },
            default_size=200,
        )
        return {
            "idFacture": invoice.pk,
            "numeroFacture": invoice.number,
            "modeDepot": rows.deposit_mode(invoice),
            "statutCourantCode": mapping.cpro_status(invoice.status),
            "historiquesDesStatuts": {
                "histoStatut": [rows.history(e) for e in page.items],
                "pageCouranteHistoStatut": page.page,
                "pagesHistoStatut": page.pages,
                "nbResultatsParPageHistoStatut": page.per_page,
                "totalHistoStatut": page.total,
            },
            "historiquesDesEvenementsComplementaires": {"evenement": []},
            "historiquesDesActionsUtilisateurs": {"histoAction": []},
        }
