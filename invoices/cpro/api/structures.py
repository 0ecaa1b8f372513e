"""Structures and services (§5): the recipient's SIRET to its id, its parameters, its services.

OCA's weekly partner update: `rechercher` by SIRET (taken when exactly one matches) → `consulter` (what an
invoice must carry) → `rechercher/services` → `consulter/service` for each (is an engagement number required).
Public structures are everyone's to see; a private structure only its own technical accounts', whatever
`restreindreStructuresPrivees` says.
"""

from django.utils.translation import gettext as _

from invoices.cpro import mapping, queries, values
from invoices.cpro.api import rows
from invoices.cpro.api.envelope import (
    CproView,
    cpro_schema,
    flag,
    not_found,
    number,
    obj,
    objects,
    required,
    text,
)


def _structure(user, body, *fields):
    for field in fields:
        if body.get(field) not in (None, ""):
            structure = queries.get_structure(user, body[field])
            if structure is None:
                raise not_found(_("Structure"))
            return structure
    required(body, fields[0])


class RechercherStructures(CproView):
    @cpro_schema(
        "structures/rechercher",
        "Find structures (a SIRET to its idStructureCPP)",
        request={
            "structure": obj(
                "identifiantStructure, typeIdentifiantStructure, raisonSocialeStructure, "
                "adresseCodePostal, adresseVille, typeStructure, statutStructure"
            ),
            "parametres": obj("nbResultatsParPage, pageResultatDemandee, triColonne, triSens"),
            "restreindreStructuresPrivees": flag("Private structures are always restricted to your own."),
        },
        response={
            "listeStructures": objects(
                "idStructureCPP, identifiantStructure, designationStructure, typeIdentifiantStructure, statut"
            ),
            "parametresRetour": obj(),
        },
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        criteria = body.get("structure") if isinstance(body.get("structure"), dict) else {}
        page = values.paginate(queries.search_structures(user, criteria), body.get("parametres"))
        return {
            "listeStructures": [rows.structure(s) for s in page.items],
            "parametresRetour": page.returned(),
        }


class ConsulterStructure(CproView):
    @cpro_schema(
        "structures/consulter",
        "A structure's identity, address and parameters",
        request={"idStructureCPP": number(), "idStructure": number("Accepted too."), "codeLangue": text()},
        response={
            "informationGenerales": obj("… dateExpirationMotPasseCompteTech (your technical account's)"),
            "adressePostaleDuSiege": obj(),
            "parametres": obj(
                "codeServiceDoitEtreRenseigne, numeroEJDoitEtreRenseigne, "
                "gestionNumeroEJOuCodeService, statutMiseEnPaiementNestPasRemonte…"
            ),
        },
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        structure = _structure(user, body, "idStructureCPP", "idStructure")
        return {
            "informationGenerales": {
                "idStructureCPP": structure.pk,
                "identifiantStructure": structure.identifier,
                "typeIdentifiantStructure": mapping.ID_TYPES.get(structure.id_type, "AUTRE"),
                "raisonSocialeStructure": structure.name,
                "libelleStructure": structure.name,
                "nomStructure": "",
                "prenomStructure": "",
                "emailStructure": "",
                "numeroTVA": structure.vat_number,
                "numeroRcsStructure": "",
                "structurePriveePublique": mapping.structure_kind(structure),
                "estValideurDeleguee": False,
                "idStructureOrigine": None,
                "listeStructureDupliquees": [],
                "dateExpirationMotPasseCompteTech": values.plain_date(
                    identity.credential.password_expires_at
                ),
            },
            "adressePostaleDuSiege": rows.address(structure),
            "parametres": {
                "codeServiceDoitEtreRenseigne": structure.code_service_obligatoire,
                "numeroEJDoitEtreRenseigne": structure.engagement_obligatoire,
                "gestionNumeroEJOuCodeService": structure.service_ou_engagement_obligatoire,
                "statutMiseEnPaiementNestPasRemonte": not structure.gestion_mise_en_paiement,
                "connexionEDI": False,
                "recevoirDonneesViaEDI": False,
                "estMoaUniquement": False,
                "getaMoa": False,
                "estValideurDelegue": False,
                "nonDiffusibleInsee": False,
            },
        }


class RechercherServices(CproView):
    @cpro_schema(
        "structures/rechercher/services",
        "A structure's services",
        request={
            "idStructure": number(),
            "parametresRechercherServicesStructure": obj(
                "nbResultatsParPage, pageResultatDemandee, "
                "triColonne (CodeService, LibelleService, EstActif), triSens"
            ),
        },
        response={
            "listeServices": objects("idService, codeService, libelleService, estActif, statutService"),
            "parametresRetour": obj(),
        },
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        structure = _structure(user, body, "idStructure", "idStructureCPP")
        params = body.get("parametresRechercherServicesStructure")
        page = values.paginate(queries.services_of(structure, params), params)
        return {
            "listeServices": [
                {
                    "idService": s.pk,
                    "codeService": s.code,
                    "libelleService": s.name,
                    "estActif": s.is_active,
                    "statutService": "ACTIF" if s.is_active else "INACTIF",
                    "dateDbtService": None,
                    "dateFinService": None,
                }
                for s in page.items
            ],
            "parametresRetour": page.returned(),
        }


class ConsulterService(CproView):
    @cpro_schema(
        "structures/consulter/service",
        "One service: is an engagement number required",
        request={"idStructure": number(), "idService": number(needed=True), "codeLangue": text()},
        response={
            "informationsGenerales": obj("codeService, nomService, descriptionService"),
            "adressePostale": obj(),
            "parametres": obj("numeroEngagement, miseEnPaiement, dates"),
        },
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        structure = _structure(user, body, "idStructure", "idStructureCPP")
        service = structure.services.filter(pk=values.read_int(required(body, "idService"))).first()
        if service is None:
            raise not_found(_("Service"))
        return {
            "informationsGenerales": {
                "codeService": service.code,
                "nomService": service.name,
                "descriptionService": service.name,
            },
            "adressePostale": rows.address(structure),
            "parametres": {
                "numeroEngagement": service.engagement_obligatoire or structure.engagement_obligatoire,
                "miseEnPaiement": structure.gestion_mise_en_paiement,
                "dateCreation": None,
                "dateDebutValidite": None,
                "dateFinValidite": None,
                "dateModification": None,
            },
        }
