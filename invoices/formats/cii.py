"""Reading UN/CEFACT CII D16B invoices (Factur-X, ZUGFeRD 2, XRechnung CII): profile and fields."""

from lxml import etree

from invoices.formats.extract import as_date, as_decimal, first_decimal, pick_siret, single_line, text, texts
from invoices.formats.model import ExtractedInvoice

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
NS_ZUGFERD1 = {
    "rsm": "urn:ferd:CrossIndustryDocument:invoice:1p0",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
}

# Profiles defined by Factur-X 1.0x / ZUGFeRD 2.x: each has its own XSD and FNFE schematron.
FACTURX_PROFILES = ("MINIMUM", "BASIC WL", "BASIC", "EN16931", "EXTENDED")
EN16931_GUIDELINE = "urn:cen.eu:en16931:2017"


def guideline_id(root: etree._Element) -> str:
    return (
        text(root, "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", NS)
        or ""
    )


def profile_of(guideline: str) -> str:
    """Our stable profile name for a BT-24 specification identifier.

    Factur-X, ZUGFeRD 2.0 and older FNFE samples spell the same profiles differently
    (``urn:factur-x.eu:1p0:basic``, ``urn:zugferd.de:2p0:basic``,
    ``...2017:compliant:factur-x.eu:1p0:basic``).
    """
    gid = guideline.strip().lower()
    if gid == EN16931_GUIDELINE:
        return "EN16931"
    if "extended-ctc-fr" in gid:
        return "EXTENDED-CTC-FR"
    if "xrechnung" in gid:
        return "XRECHNUNG"
    if "peppol" in gid:
        return "PEPPOL-BIS3"
    if "factur-x.eu" in gid or "zugferd.de" in gid:
        level = gid.rsplit(":", 1)[-1]
        return {
            "minimum": "MINIMUM",
            "basicwl": "BASIC WL",
            "basic": "BASIC",
            "en16931": "EN16931",
            "extended": "EXTENDED",
        }.get(level, "CII")
    return "CII"


def zugferd1_profile(root: etree._Element) -> str:
    gid = (
        text(
            root,
            "rsm:SpecifiedExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
            NS_ZUGFERD1,
        )
        or ""
    )
    return "ZUGFeRD1-" + (gid.rsplit(":", 1)[-1].upper() or "UNKNOWN")


def _party(party: etree._Element | None) -> tuple[str | None, list[tuple[str, str]], str | None, str | None]:
    """Name, (scheme, id) pairs, VAT number and legal registration id (BT-30 / BT-47) of a trade party."""
    if party is None:
        return None, [], None, None
    ids = []
    for el in party.xpath(
        "ram:ID | ram:GlobalID | ram:SpecifiedLegalOrganization/ram:ID"
        " | ram:URIUniversalCommunication/ram:URIID",
        namespaces=NS,
    ):
        value = single_line(el.text)
        if value:
            ids.append((el.get("schemeID", "").strip(), value))
    legal = party.find("ram:SpecifiedLegalOrganization/ram:ID", NS)
    vat = text(party, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']", NS)
    return text(party, "ram:Name", NS), ids, vat, (legal.text or "").strip() if legal is not None else None


def extract(root: etree._Element) -> ExtractedInvoice:
    doc = root.find("rsm:ExchangedDocument", NS)
    tx = root.find("rsm:SupplyChainTradeTransaction", NS)
    agreement = tx.find("ram:ApplicableHeaderTradeAgreement", NS) if tx is not None else None
    settlement = tx.find("ram:ApplicableHeaderTradeSettlement", NS) if tx is not None else None
    inv = ExtractedInvoice()
    if doc is not None:
        inv.number = text(doc, "ram:ID", NS)
        inv.type_code = text(doc, "ram:TypeCode", NS)
        inv.issue_date = as_date(text(doc, "ram:IssueDateTime/udt:DateTimeString", NS))
        inv.note = "\n".join(texts(doc, "ram:IncludedNote/ram:Content", NS)) or None
    if agreement is not None:
        inv.service_code = text(agreement, "ram:BuyerReference", NS)
        inv.engagement = text(agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", NS)
        seller = agreement.find("ram:SellerTradeParty", NS)
        buyer = agreement.find("ram:BuyerTradeParty", NS)
        inv.seller_name, inv.seller_ids, inv.seller_vat, seller_legal = _party(seller)
        inv.buyer_name, inv.buyer_ids, _, buyer_legal = _party(buyer)
        inv.seller_siret = pick_siret(inv.seller_ids, seller_legal)
        inv.buyer_siret = pick_siret(inv.buyer_ids, buyer_legal)
    if settlement is not None:
        _settlement(inv, settlement)
    if tx is not None:
        inv.lines = [_line(item) for item in tx.findall("ram:IncludedSupplyChainTradeLineItem", NS)]
    return inv


def _settlement(inv: ExtractedInvoice, settlement: etree._Element) -> None:
    inv.currency = text(settlement, "ram:InvoiceCurrencyCode", NS)
    inv.preceding_invoice = text(settlement, "ram:InvoiceReferencedDocument/ram:IssuerAssignedID", NS)
    inv.payment_iban = text(
        settlement,
        "ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID",
        NS,
    )
    inv.payment_terms = (
        "\n".join(texts(settlement, "ram:SpecifiedTradePaymentTerms/ram:Description", NS)) or None
    )
    inv.due_date = as_date(
        text(settlement, "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString", NS)
    )
    totals = settlement.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS)
    if totals is not None:
        inv.total_without_vat = as_decimal(text(totals, "ram:TaxBasisTotalAmount", NS))
        # BT-110 may appear twice (invoice and accounting currency): take the invoice currency one.
        vat_amounts = totals.findall("ram:TaxTotalAmount", NS)
        in_currency = [el for el in vat_amounts if el.get("currencyID") in (None, inv.currency)]
        inv.total_vat = first_decimal(in_currency or vat_amounts)
        inv.total_with_vat = as_decimal(text(totals, "ram:GrandTotalAmount", NS))
        inv.amount_due = as_decimal(text(totals, "ram:DuePayableAmount", NS))
    inv.vat_breakdown = [
        {
            "category": text(tax, "ram:CategoryCode", NS),
            "rate": as_decimal(text(tax, "ram:RateApplicablePercent", NS)),
            "base": as_decimal(text(tax, "ram:BasisAmount", NS)),
            "amount": as_decimal(text(tax, "ram:CalculatedAmount", NS)),
        }
        for tax in settlement.findall("ram:ApplicableTradeTax", NS)
    ]


def _line(item: etree._Element) -> dict:
    quantity = item.find("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", NS)
    return {
        "id": text(item, "ram:AssociatedDocumentLineDocument/ram:LineID", NS),
        "name": text(item, "ram:SpecifiedTradeProduct/ram:Name", NS),
        "quantity": as_decimal(quantity.text if quantity is not None else None),
        "unit": quantity.get("unitCode") if quantity is not None else None,
        "unit_price": as_decimal(
            text(item, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount", NS)
        ),
        "net_amount": as_decimal(
            text(
                item,
                "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                NS,
            )
        ),
        "vat_rate": as_decimal(
            text(
                item, "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent", NS
            )
        ),
    }
