"""Invoices, history rows and structures written in Chorus Pro's field names (one function per shape)."""

from invoices.cpro import mapping, values
from invoices.cpro.queries import deposit_of
from invoices.lifecycle.reasons import label as reason_label
from invoices.models import Invoice, InvoiceEvent


def _parties(invoice: Invoice) -> dict:
    supplier, recipient = invoice.supplier, invoice.recipient
    return {
        "typeDemandePaiement": "FACTURE",
        "typeFacture": mapping.invoice_type(invoice.type_code),
        "codeFournisseur": supplier.identifier,
        "typeIdentifiantFournisseur": mapping.ID_TYPES.get(supplier.id_type, "AUTRE"),
        "designationFournisseur": supplier.name,
        "idFournisseur": supplier.pk,
        "idDestinataire": recipient.pk,
        "codeDestinataire": recipient.identifier,
        "designationDestinataire": recipient.name,
    }


def _amounts(invoice: Invoice) -> dict:
    return {
        "dateFacture": values.plain_date(invoice.issue_date),
        "dateDepot": values.plain_date(invoice.created_at),
        "montantHT": invoice.total_without_vat,
        "montantTTC": invoice.total_with_vat,
        "montantAPayer": invoice.amount_due,
        "devise": invoice.currency,
        "dateHeureEtatCourant": values.timestamp(invoice.status_changed_at),
        "commentaireEtatCourant": getattr(invoice, "last_comment", None) or "",
    }


def deposit_mode(invoice: Invoice) -> str:
    deposit = deposit_of(invoice)
    return mapping.DEPOSIT_MODES.get(deposit.channel, "UPLOAD_API") if deposit else "UPLOAD_API"


def sent(invoice: Invoice) -> dict:
    """A row of `rechercher/fournisseur`'s `listeFactures`."""
    deposit = deposit_of(invoice)
    return {
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "statut": mapping.cpro_status(invoice.status),
        "numeroFluxDepot": mapping.flux_number(deposit) if deposit else None,
        **_parties(invoice),
        "codeServiceExecutant": invoice.service.code if invoice.service_id else invoice.code_service,
        **_amounts(invoice),
        "modeDepot": deposit_mode(invoice),
        "rejetTraite": invoice.rejection_acknowledged_at is not None,
    }


def received(invoice: Invoice) -> dict:
    """A row of `rechercher/recipiendaire`'s `listeFactures` (the id is `idFacture` there)."""
    service = invoice.service
    return {
        "idFacture": invoice.pk,
        "numeroFacture": invoice.number,
        "statut": mapping.cpro_status(invoice.status),
        **_parties(invoice),
        "typeFactureTravaux": None,
        "codeServiceFournisseur": "",
        "nomServiceFournisseur": "",
        "idServiceExecutant": service.pk if service else None,
        "codeServiceExecutant": service.code if service else invoice.code_service,
        "nomServiceExecutant": service.name if service else "",
        **_amounts(invoice),
        "numeroMarche": "",
        "numeroBonCommande": invoice.engagement,
        "factureTelechargeeParDestinataire": bool(getattr(invoice, "downloaded", False)),
        "taille": invoice.original.size,
    }


def history(event: InvoiceEvent) -> dict:
    """A row of `consulter/historique`'s `histoStatut`; the comment carries the reason, as on Chorus Pro."""
    actor = event.actor
    comment = " — ".join(
        part for part in (reason_label(event.reason) if event.reason else "", event.comment) if part
    )
    return {
        "histoStatutId": event.pk,
        "histoStatutCode": mapping.cpro_status(event.to_status),
        "histoStatutDatePassage": values.minutes(event.at),
        "histoStatutCommentaire": comment,
        "histoStatutUtilisateurNom": actor.last_name if actor else "",
        "histoStatutUtilisateurPrenom": actor.first_name if actor else "",
        "histoStatutUtilisateurEmail": actor.email if actor else "",
        "histoStatutUtilisateurTelephone": actor.phone if actor else "",
    }


def structure(structure) -> dict:
    """A row of `structures/v1/rechercher`'s `listeStructures` (ACTIVE/INACTIVE; filters say ACTIF)."""
    return {
        "idStructureCPP": structure.pk,
        "identifiantStructure": structure.identifier,
        "designationStructure": structure.name,
        "typeIdentifiantStructure": mapping.ID_TYPES.get(structure.id_type, "AUTRE"),
        "statut": "ACTIVE" if structure.is_active else "INACTIVE",
    }


def address(structure) -> dict:
    return {
        "adresse": " ".join(structure.address.split()),
        "complementAdresse1": "",
        "complementAdresse2": "",
        "codePostal": structure.postal_code,
        "ville": structure.town,
        "pays": structure.country,
        "telephone": "",
        "indicatifTelephone": "",
        "fax": "",
        "indicatifFax": "",
    }
