"""The recipient's chain (Pastell's): find received invoices, download them, set their statuses (§6)."""

import base64

from django.utils.translation import gettext as _

from invoices.cpro import download, queries, treatment, values
from invoices.cpro.api import rows
from invoices.cpro.api.envelope import (
    INVALID,
    LIBELLE_NO_RESULT,
    NO_RESULT,
    STATUS_CONFLICT,
    CproError,
    CproView,
    cpro_schema,
    envelope,
    invalid,
    invoice_ids,
    not_found,
    number,
    obj,
    objects,
    required,
    text,
)
from invoices.cpro.mapping import TRAITER_RECUE_TARGETS


class RechercherRecipiendaire(CproView):
    @cpro_schema(
        "factures/rechercher/recipiendaire",
        "Search the invoices the structure received",
        description="Pagination at the top level of the answer; no result is codeRetour 20000 "
        "(TRA_MSG_00.015).",
        request={
            "typeDemandePaiement": text("FACTURE (FACTURE_TRAVAUX finds nothing)."),
            "paramRecherche": obj("pageResultatDemandee, nbResultatsParPage, nbResultatsMaximum"),
            "factureTelechargeeParDestinataire": text("true/false"),
            "listeFournisseurs": objects("{idFournisseur}"),
            "idDestinataire": number(),
            "idServiceExecutant": number(),
            "numeroFacture": text(),
            "statutCourant": objects("Status codes."),
            "periodeDateHeureEtatCourantDu": text(),
            "periodeDateHeureEtatCourantAu": text(),
        },
        response={
            "pageCourante": number(),
            "pages": number(),
            "nbResultatsParPage": number(),
            "total": number(),
            "listeFactures": objects("idFacture, numeroFacture, statut, codeFournisseur, montantTTC…"),
        },
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        page = values.paginate(queries.search_received(user, body), body.get("paramRecherche"))
        if not page.total:
            return envelope(NO_RESULT, LIBELLE_NO_RESULT, **page.returned(), listeFactures=[])
        return {**page.returned(), "listeFactures": [rows.received(i) for i in page.items]}


class TelechargerGroupe(CproView):
    @cpro_schema(
        "factures/telecharger/groupe",
        "Download received invoices (the originals as deposited)",
        description="One invoice alone: its original file; several, or with their attachments: a ZIP with a "
        "folder per invoice, whatever the format asked. The invoices are then marked downloaded.",
        request={
            "listeFacture": invoice_ids(),
            "format": text("PDF, PIVOT, XML or ZIP: the originals in every case."),
            "avecPiecesJointesComplementaires": text("OUI / NON"),
        },
        response={"fichierResultat": text("base64")},
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        wanted = required(body, "listeFacture")
        if not isinstance(wanted, list) or len(wanted) > download.MAX_INVOICES:
            raise invalid(
                _("listeFacture : une liste de %(max)d factures au plus.") % {"max": download.MAX_INVOICES}
            )
        invoices = []
        for item in wanted:
            invoice = queries.get_received_invoice(
                user, item.get("idFacture") if isinstance(item, dict) else item
            )
            if invoice is None:
                raise not_found(_("Facture"))
            if invoice not in invoices:
                invoices.append(invoice)
        attachments = values.read_bool(body.get("avecPiecesJointesComplementaires")) is True
        try:
            data = download.group_file(invoices, attachments=attachments)
        except download.TooLarge:
            raise CproError(
                413, _("Téléchargement trop volumineux : demandez moins de factures."), status=413
            ) from None
        download.record_downloads(invoices, user=user)
        return {"fichierResultat": base64.b64encode(data).decode("ascii")}


class TraiterRecue(CproView):
    @cpro_schema(
        "factures/traiter/recue",
        "Set the status of a received invoice",
        description="motif is required for REJETEE and SUSPENDUE; a motif starting with a reason code "
        "(« JUSTIF_ABS : … ») chooses it. MANDATEE takes numeroDPMandat as "
        "exercice/bordereau/numéro[/ligne].",
        request={
            "idFacture": number(needed=True),
            "nouveauStatut": text(", ".join(sorted(TRAITER_RECUE_TARGETS)), needed=True),
            "motif": text(),
            "numeroDPMandat": text(),
        },
        response={
            "idFacture": number(),
            "numeroFacture": text(),
            "dateTraitement": text("YYYY-MM-DD"),
            "nouveauStatut": text(),
        },
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        invoice = queries.get_received_invoice(user, required(body, "idFacture"))
        if invoice is None:
            raise not_found(_("Facture"))
        status = str(required(body, "nouveauStatut")).strip().upper()
        try:
            invoice = treatment.treat_received(
                invoice,
                actor=user,
                status_code=status,
                motif=str(body.get("motif") or ""),
                numero_dp_mandat=str(body.get("numeroDPMandat") or ""),
            )
        except treatment.TreatmentRefused as refused:
            code = STATUS_CONFLICT if refused.kind == treatment.STATUS else INVALID
            raise CproError(code, refused.message) from refused
        return {
            "idFacture": invoice.pk,
            "numeroFacture": invoice.number,
            "dateTraitement": values.plain_date(invoice.status_changed_at),
            "nouveauStatut": status,
        }
