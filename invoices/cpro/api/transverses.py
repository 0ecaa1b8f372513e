"""Cross-cutting look-ups (§5.5, §9): the directory as a file, a SIRET, currencies, VAT rates, the
structures an account works for, and the health check."""

import base64
import logging

from django.db import DatabaseError, connection
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access, public_directory
from accounts.api.errors import ErrorSerializer
from accounts.models import Structure
from invoices.cpro import queries
from invoices.cpro.api.envelope import TAG, CproView, cpro_schema, flag, not_found, objects, required, text

log = logging.getLogger(__name__)

# ISO 4217 codes of the currencies Chorale's invoices are seen in (the euro, the CFP franc of the Pacific
# communities, the neighbours'); an invoice in another currency is still read and kept.
CURRENCIES = (
    ("EUR", "Euro"),
    ("XPF", "Franc CFP"),
    ("CHF", "Franc suisse"),
    ("GBP", "Livre sterling"),
    ("USD", "Dollar des États-Unis"),
    ("CAD", "Dollar canadien"),
    ("JPY", "Yen"),
)
# French VAT rates (CGI art. 278 and following; 8.5 % and 2.1 % in Guadeloupe, Martinique and La Réunion).
VAT_RATES = (
    ("TVA_20", "Taux normal 20 %", "20.0"),
    ("TVA_10", "Taux intermédiaire 10 %", "10.0"),
    ("TVA_8_5", "Taux normal DOM 8,5 %", "8.5"),
    ("TVA_5_5", "Taux réduit 5,5 %", "5.5"),
    ("TVA_2_1", "Taux particulier 2,1 %", "2.1"),
    ("TVA_0", "Exonération 0 %", "0.0"),
)


class TelechargerAnnuaire(CproView):
    @cpro_schema(
        "transverses/telecharger/annuaire/destinataire",
        "The directory of recipients as a file",
        description="A CSV (UTF-8, `;`), one row per active service of each active public structure, "
        "with its "
        "routing flags: the columns of import_public_structures, plus code_postal and ville.",
        request={},
        response={"fichierResultat": text("base64 of the CSV")},
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        return {"fichierResultat": base64.b64encode(public_directory.annuaire_csv()).decode("ascii")}


class ConsulterInformationSiret(CproView):
    @cpro_schema(
        "transverses/consulter/information/siret",
        "What Chorale's directory knows of a SIRET",
        request={"siretStructure": text(needed=True)},
        response={
            "raisonSociale": text(),
            "siren": text(),
            "siret": text(),
            "estActif": flag(),
            "adresse": text(),
            "codePostal": text(),
            "ville": text(),
            "typeStructure": text("PUBLIQUE or PRIVEE"),
        },
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        siret = "".join(str(required(body, "siretStructure")).split())
        structure = (
            queries.visible_structures(user).filter(id_type=Structure.IdType.SIRET, identifier=siret).first()
        )
        if structure is None:
            raise not_found(_("SIRET"))
        return {
            "raisonSociale": structure.name,
            "siren": structure.siren,
            "siret": structure.identifier,
            "estActif": structure.is_active,
            "adresse": " ".join(structure.address.split()),
            "codePostal": structure.postal_code,
            "ville": structure.town,
            "typeStructure": "PUBLIQUE" if structure.is_public else "PRIVEE",
        }


class RecupererDevises(CproView):
    @cpro_schema(
        "transverses/recuperer/devises",
        "Currencies",
        request={"codeLangue": text()},
        response={"listeDevises": objects("codeDevise, libelleDevise")},
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        return {"listeDevises": [{"codeDevise": c, "libelleDevise": label} for c, label in CURRENCIES]}


class RecupererTauxTva(CproView):
    @cpro_schema(
        "transverses/recuperer/tauxtva",
        "VAT rates (also the cheap probe of a technical account)",
        request={"codeLangue": text()},
        response={"listeTauxTva": objects("codeTauxTva, libelleTauxTva, valeurTauxTva")},
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        return {
            "listeTauxTva": [
                {"codeTauxTva": c, "libelleTauxTva": label, "valeurTauxTva": float(value)}
                for c, label, value in VAT_RATES
            ]
        }


def _my_structures(user, right: str) -> dict:
    return {
        "listeStructures": [
            {"idStructureCPP": s.pk, "identifiant": s.identifier, "designationStructure": s.name}
            for s in access.structures_with_right(user, right)
        ]
    }


class StructuresActivesFournisseur(CproView):
    @cpro_schema(
        "transverses/recuperer/structures/actives/fournisseur",
        "The structures the account deposits for (the supplier's own idFournisseur)",
        request={},
        response={"listeStructures": objects("idStructureCPP, identifiant, designationStructure")},
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        return _my_structures(user, access.DEPOSIT)


class StructuresActivesDestinataire(CproView):
    @cpro_schema(
        "transverses/recuperer/structures/actives/destinataire",
        "The structures the account receives invoices for",
        request={},
        response={"listeStructures": objects("idStructureCPP, identifiant, designationStructure")},
    )
    def post(self, request):
        return super().post(request)

    def answer(self, user, identity, body):
        return _my_structures(user, access.TRIAGE)


HEALTH = inline_serializer(
    "CproHealthCheck",
    {
        "body": serializers.CharField(help_text="OK or KO."),
        "statusCodeValue": serializers.IntegerField(),
        "statusCode": serializers.CharField(),
    },
)


class HealthCheck(APIView):
    """`GET transverses/v1/health-check`: whether the API and its database answer (no credentials needed)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    default_error_responses = False  # its own body for 503, documented below

    @extend_schema(
        operation_id="cpro_transverses_health_check",
        tags=[TAG],
        summary="Health check",
        auth=[],
        responses={
            200: HEALTH,
            429: OpenApiResponse(ErrorSerializer, description="Too many calls from this address."),
            503: OpenApiResponse(HEALTH, description="The database does not answer (body KO)."),
        },
    )
    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            log.exception("health check: the database does not answer")
            return Response(
                {"body": "KO", "statusCodeValue": 503, "statusCode": "SERVICE_UNAVAILABLE"}, status=503
            )
        return Response({"body": "OK", "statusCodeValue": 200, "statusCode": "OK"})
