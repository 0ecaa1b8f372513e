"""Every route of the compatible API, spelt as Chorus Pro spells it (`consulterCRDetaille`…)."""

from django.urls import path

from invoices.cpro.api import recipient, structures, supplier, transverses

OPERATIONS = {
    "factures/v1/deposer/flux": supplier.DeposerFlux,
    "transverses/v1/consulterCRDetaille": supplier.ConsulterCRDetaille,
    "transverses/v1/consulterCR": supplier.ConsulterCR,
    "factures/v1/rechercher/fournisseur": supplier.RechercherFournisseur,
    "factures/v1/consulter/historique": supplier.ConsulterHistorique,
    "factures/v1/rechercher/recipiendaire": recipient.RechercherRecipiendaire,
    "factures/v1/telecharger/groupe": recipient.TelechargerGroupe,
    "factures/v1/traiter/recue": recipient.TraiterRecue,
    "structures/v1/rechercher": structures.RechercherStructures,
    "structures/v1/consulter": structures.ConsulterStructure,
    "structures/v1/rechercher/services": structures.RechercherServices,
    "structures/v1/consulter/service": structures.ConsulterService,
    "transverses/v1/telecharger/annuaire/destinataire": transverses.TelechargerAnnuaire,
    "transverses/v1/consulter/information/siret": transverses.ConsulterInformationSiret,
    "transverses/v1/recuperer/devises": transverses.RecupererDevises,
    "transverses/v1/recuperer/tauxtva": transverses.RecupererTauxTva,
    "transverses/v1/recuperer/structures/actives/fournisseur": transverses.StructuresActivesFournisseur,
    "transverses/v1/recuperer/structures/actives/destinataire": transverses.StructuresActivesDestinataire,
    "transverses/v1/health-check": transverses.HealthCheck,
}

urlpatterns = [
    path(route, view.as_view(), name="cpro-" + route.replace("/v1/", "-").replace("/", "-"))
    for route, view in OPERATIONS.items()
]
