"""Reading UBL 2.1 Invoice and CreditNote documents: profile and fields."""

from lxml import etree

from invoices.formats.extract import as_date, as_decimal, first_decimal, pick_siret, single_line, text, texts
from invoices.formats.model import ExtractedInvoice
from invoices.formats.xml_safe import NS_UBL_CREDIT_NOTE

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def is_credit_note(root: etree._Element) -> bool:
    return etree.QName(root).namespace == NS_UBL_CREDIT_NOTE


def customization_id(root: etree._Element) -> str:
    return text(root, "cbc:CustomizationID", NS) or ""


def profile_of(customization: str) -> str:
    """Our stable profile name for a BT-24 specification identifier in UBL."""
    cid = customization.strip().lower()
    if cid == "urn:cen.eu:en16931:2017":
        return "EN16931"
    if "extended-ctc-fr" in cid:
        return "EXTENDED-CTC-FR"
    if "xrechnung" in cid:
        return "XRECHNUNG"
    if "peppol" in cid:
        return "PEPPOL-BIS3"
    return "UBL"


def _party(party: etree._Element | None) -> tuple[str | None, list[tuple[str, str]], str | None, str | None]:
    """Name, (scheme, id) pairs, VAT number and legal registration id (BT-30 / BT-47) of a party."""
    if party is None:
        return None, [], None, None
    ids = []
    for el in party.xpath(
        "cbc:EndpointID | cac:PartyIdentification/cbc:ID | cac:PartyLegalEntity/cbc:CompanyID", namespaces=NS
    ):
        value = single_line(el.text)
        if value:
            ids.append((el.get("schemeID", "").strip(), value))
    name = text(party, "cac:PartyName/cbc:Name", NS) or text(
        party, "cac:PartyLegalEntity/cbc:RegistrationName", NS
    )
    schemes = party.findall("cac:PartyTaxScheme", NS)
    vat_schemes = [s for s in schemes if text(s, "cac:TaxScheme/cbc:ID", NS) == "VAT"]
    vat = next(filter(None, (text(s, "cbc:CompanyID", NS) for s in vat_schemes or schemes)), None)
    return name, ids, vat, text(party, "cac:PartyLegalEntity/cbc:CompanyID", NS)


def extract(root: etree._Element) -> ExtractedInvoice:
    credit = is_credit_note(root)
    inv = ExtractedInvoice(
        number=text(root, "cbc:ID", NS),
        type_code=text(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", NS),
        issue_date=as_date(text(root, "cbc:IssueDate", NS)),
        due_date=as_date(
            text(root, "cbc:DueDate", NS) or text(root, "cac:PaymentMeans/cbc:PaymentDueDate", NS)
        ),
        currency=text(root, "cbc:DocumentCurrencyCode", NS),
        service_code=text(root, "cbc:BuyerReference", NS),
        engagement=text(root, "cac:OrderReference/cbc:ID", NS),
        preceding_invoice=text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", NS),
        note="\n".join(texts(root, "cbc:Note", NS)) or None,
        payment_terms="\n".join(texts(root, "cac:PaymentTerms/cbc:Note", NS)) or None,
        payment_iban=text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", NS),
    )
    seller = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    inv.seller_name, inv.seller_ids, inv.seller_vat, seller_legal = _party(seller)
    inv.buyer_name, inv.buyer_ids, _, buyer_legal = _party(buyer)
    inv.seller_siret = pick_siret(inv.seller_ids, seller_legal)
    inv.buyer_siret = pick_siret(inv.buyer_ids, buyer_legal)

    totals = root.find("cac:LegalMonetaryTotal", NS)
    if totals is not None:
        inv.total_without_vat = as_decimal(text(totals, "cbc:TaxExclusiveAmount", NS))
        inv.total_with_vat = as_decimal(text(totals, "cbc:TaxInclusiveAmount", NS))
        inv.amount_due = as_decimal(text(totals, "cbc:PayableAmount", NS))
    # BT-110 is the TaxTotal in the document currency (a second one may give BT-111 in the VAT currency).
    tax_totals = [t for t in root.findall("cac:TaxTotal", NS) if t.find("cbc:TaxAmount", NS) is not None]
    in_currency = [
        t for t in tax_totals if t.find("cbc:TaxAmount", NS).get("currencyID") in (None, inv.currency)
    ]
    main_total = (in_currency or tax_totals or [None])[0]
    if main_total is not None:
        inv.total_vat = first_decimal(main_total.findall("cbc:TaxAmount", NS))
        inv.vat_breakdown = [
            {
                "category": text(sub, "cac:TaxCategory/cbc:ID", NS),
                "rate": as_decimal(text(sub, "cac:TaxCategory/cbc:Percent", NS)),
                "base": as_decimal(text(sub, "cbc:TaxableAmount", NS)),
                "amount": as_decimal(text(sub, "cbc:TaxAmount", NS)),
            }
            for sub in main_total.findall("cac:TaxSubtotal", NS)
        ]
    line_tag, qty_tag = (
        ("cac:CreditNoteLine", "cbc:CreditedQuantity")
        if credit
        else ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    )
    inv.lines = [_line(line, qty_tag) for line in root.findall(line_tag, NS)]
    return inv


def _line(line: etree._Element, qty_tag: str) -> dict:
    quantity = line.find(qty_tag, NS)
    return {
        "id": text(line, "cbc:ID", NS),
        "name": text(line, "cac:Item/cbc:Name", NS),
        "quantity": as_decimal(quantity.text if quantity is not None else None),
        "unit": quantity.get("unitCode") if quantity is not None else None,
        "unit_price": as_decimal(text(line, "cac:Price/cbc:PriceAmount", NS)),
        "net_amount": as_decimal(text(line, "cbc:LineExtensionAmount", NS)),
        "vat_rate": as_decimal(text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", NS)),
    }
