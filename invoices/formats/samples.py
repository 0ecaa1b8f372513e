"""Invoice generators: valid CII of every Factur-X profile, Factur-X PDFs, UBL invoices and credit notes,
plain and image-only PDFs, and invoices broken on purpose for one rule.

Used by tests (via tests.builders), by the demo data loader and by warm_up(); every generated valid invoice
passes our full validation (XSD + schematron) with no error.
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

from lxml import etree
from lxml.builder import ElementMaker

CENT = Decimal("0.01")

SELLER_SIRET = "12345678200010"
BUYER_SIRET = "98765432400019"
DEFAULT_IBAN = "FR7630006000011234567890189"
# Credit notes and corrective invoices refer to the invoice they correct (BT-25, BR-FR-CO-05).
CORRECTIVE_TYPE_CODES = ("261", "381", "384", "396", "502", "503")
DEFAULT_PRECEDING_INVOICE = "FAC-2024-0099"

GUIDELINES = {
    "MINIMUM": "urn:factur-x.eu:1p0:minimum",
    "BASIC WL": "urn:factur-x.eu:1p0:basicwl",
    "BASIC": "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
    "EN16931": "urn:cen.eu:en16931:2017",
    "EXTENDED": "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
    "XRECHNUNG": "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
    "EXTENDED-CTC-FR": "urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr",
}
FACTURX_PROFILES = ("MINIMUM", "BASIC WL", "BASIC", "EN16931", "EXTENDED")
# The factur-x package's level names, used to write the XMP declaration.
_FX_LEVELS = {
    "MINIMUM": "minimum",
    "BASIC WL": "basicwl",
    "BASIC": "basic",
    "EN16931": "en16931",
    "EXTENDED": "extended",
    "EXTENDED-CTC-FR": "extended",
}

# French legal mentions (Code de commerce L441-10) that the BR-FR-05 rule looks for in the notes.
LEGAL_NOTES = (
    ("PMT", "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 EUR."),
    ("PMD", "Pénalités de retard : trois fois le taux d'intérêt légal."),
    ("AAB", "Pas d'escompte pour paiement anticipé."),
)


def _money(value) -> str:
    return str(Decimal(value).quantize(CENT, ROUND_HALF_UP))


def vat_number(siren: str) -> str:
    """The French intra-community VAT number of a SIREN (key = (12 + 3 × (SIREN mod 97)) mod 97)."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


@dataclass
class Line:
    name: str = "Prestation de maintenance"
    quantity: Decimal = Decimal("1")
    unit_price: Decimal = Decimal("100.00")
    vat_rate: Decimal = Decimal("20.00")
    unit: str = "C62"

    @property
    def net(self) -> Decimal:
        return (Decimal(self.quantity) * Decimal(self.unit_price)).quantize(CENT, ROUND_HALF_UP)


@dataclass
class InvoiceSpec:
    """What a generated invoice says. Amounts are computed from the lines, as a real invoicing tool would."""

    number: str = "FAC-2025-0001"
    type_code: str = "380"
    issue_date: date = date(2025, 3, 14)
    due_date: date | None = None
    currency: str = "EUR"
    seller_name: str = "Fournisseur SARL"
    seller_siret: str = SELLER_SIRET
    buyer_name: str = "Commune de Test"
    buyer_siret: str = BUYER_SIRET
    service_code: str | None = "SERV01"
    engagement: str | None = "EJ-2025-000123"
    preceding_invoice: str | None = None
    preceding_invoice_date: date | None = None
    lines: list[Line] = field(default_factory=lambda: [Line()])
    iban: str = DEFAULT_IBAN
    payment_terms: str = "Paiement à 30 jours par virement."
    # Tampering knobs for broken invoices; zero / False for a valid one.
    line_total_delta: Decimal = Decimal("0")
    grand_total_delta: Decimal = Decimal("0")
    unexpected_element: bool = False

    @property
    def seller_siren(self) -> str:
        return self.seller_siret[:9]

    @property
    def buyer_siren(self) -> str:
        return self.buyer_siret[:9]

    @property
    def preceding_date(self) -> date:
        return self.preceding_invoice_date or self.issue_date - timedelta(days=30)

    @property
    def due(self) -> date:
        return self.due_date or self.issue_date + timedelta(days=30)

    def vat_groups(self) -> list[tuple[Decimal, Decimal, Decimal]]:
        """(rate, base, VAT amount) per rate, rounded per group as EN 16931 requires (BR-CO-17)."""
        bases: dict[Decimal, Decimal] = {}
        for line in self.lines:
            rate = Decimal(line.vat_rate).quantize(CENT)
            bases[rate] = bases.get(rate, Decimal("0")) + line.net
        return [
            (rate, base, (base * rate / 100).quantize(CENT, ROUND_HALF_UP))
            for rate, base in sorted(bases.items())
        ]

    @property
    def line_total(self) -> Decimal:
        return sum((line.net for line in self.lines), Decimal("0"))

    @property
    def vat_total(self) -> Decimal:
        return sum((amount for _, _, amount in self.vat_groups()), Decimal("0"))

    @property
    def grand_total(self) -> Decimal:
        return self.line_total + self.vat_total


def spec(**fields) -> InvoiceSpec:
    """An InvoiceSpec from keyword arguments; ``amount=`` is a one-line shortcut (net amount, 20 % VAT)."""
    amount = fields.pop("amount", None)
    if amount is not None:
        fields["lines"] = [Line(unit_price=Decimal(str(amount)))]
    if fields.get("type_code") in CORRECTIVE_TYPE_CODES and "preceding_invoice" not in fields:
        fields["preceding_invoice"] = DEFAULT_PRECEDING_INVOICE
    return InvoiceSpec(**fields)


# CII (Factur-X / ZUGFeRD 2 / XRechnung syntax).

NS_CII = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
RSM = ElementMaker(namespace=NS_CII["rsm"], nsmap=NS_CII)
RAM = ElementMaker(namespace=NS_CII["ram"], nsmap=NS_CII)
UDT = ElementMaker(namespace=NS_CII["udt"], nsmap=NS_CII)
QDT = ElementMaker(namespace=NS_CII["qdt"], nsmap=NS_CII)


def _cii_date(value: date):
    return UDT.DateTimeString(value.strftime("%Y%m%d"), format="102")


def _cii_party(s: InvoiceSpec, *, seller: bool, level: int):
    """A trade party. In MINIMUM the buyer has only a name and a legal id, so its SIRET goes there under
    scheme 0009 (the routing key), while the seller keeps its SIREN under 0002 as the French CTC rules
    want."""
    name, siret = (s.seller_name, s.seller_siret) if seller else (s.buyer_name, s.buyer_siret)
    tag = RAM.SellerTradeParty if seller else RAM.BuyerTradeParty
    if level == 0:
        if not seller:
            return tag(RAM.Name(name), RAM.SpecifiedLegalOrganization(RAM.ID(siret, schemeID="0009")))
        return tag(
            RAM.Name(name),
            RAM.SpecifiedLegalOrganization(RAM.ID(s.seller_siren, schemeID="0002")),
            RAM.PostalTradeAddress(RAM.CountryID("FR")),
            RAM.SpecifiedTaxRegistration(RAM.ID(vat_number(s.seller_siren), schemeID="VA")),
        )
    children = [
        RAM.GlobalID(siret, schemeID="0009"),
        RAM.Name(name),
        RAM.SpecifiedLegalOrganization(RAM.ID(siret[:9], schemeID="0002")),
        RAM.PostalTradeAddress(
            RAM.PostcodeCode("75001" if seller else "13001"),
            RAM.LineOne("1 rue de la Paix" if seller else "Hôtel de ville"),
            RAM.CityName("Paris" if seller else "Marseille"),
            RAM.CountryID("FR"),
        ),
        RAM.URIUniversalCommunication(RAM.URIID(siret[:9], schemeID="0225")),
    ]
    if seller:
        children.append(RAM.SpecifiedTaxRegistration(RAM.ID(vat_number(s.seller_siren), schemeID="VA")))
    return tag(*children)


def _cii_line(index: int, line: Line):
    return RAM.IncludedSupplyChainTradeLineItem(
        RAM.AssociatedDocumentLineDocument(RAM.LineID(str(index))),
        RAM.SpecifiedTradeProduct(RAM.Name(line.name)),
        RAM.SpecifiedLineTradeAgreement(
            RAM.NetPriceProductTradePrice(RAM.ChargeAmount(_money(line.unit_price)))
        ),
        RAM.SpecifiedLineTradeDelivery(RAM.BilledQuantity(str(line.quantity), unitCode=line.unit)),
        RAM.SpecifiedLineTradeSettlement(
            RAM.ApplicableTradeTax(
                RAM.TypeCode("VAT"), RAM.CategoryCode("S"), RAM.RateApplicablePercent(_money(line.vat_rate))
            ),
            RAM.SpecifiedTradeSettlementLineMonetarySummation(RAM.LineTotalAmount(_money(line.net))),
        ),
    )


def cii_invoice(profile: str = "EN16931", **fields) -> bytes:
    """A CII invoice of a Factur-X profile (MINIMUM … EXTENDED); "XRECHNUNG" and "EXTENDED-CTC-FR" give the
    EN 16931 / EXTENDED content under those specification identifiers (BT-24)."""
    s = fields.pop("spec", None) or spec(**fields)
    level = {"MINIMUM": 0, "BASIC WL": 1}.get(profile, 2)
    document = [RAM.ID(s.number), RAM.TypeCode(s.type_code), RAM.IssueDateTime(_cii_date(s.issue_date))]
    if level >= 1:
        document += [RAM.IncludedNote(RAM.Content(text), RAM.SubjectCode(code)) for code, text in LEGAL_NOTES]
    agreement = []
    if s.service_code:
        agreement.append(RAM.BuyerReference(s.service_code))
    agreement += [_cii_party(s, seller=True, level=level), _cii_party(s, seller=False, level=level)]
    if s.engagement:
        agreement.append(RAM.BuyerOrderReferencedDocument(RAM.IssuerAssignedID(s.engagement)))
    settlement = [RAM.InvoiceCurrencyCode(s.currency)]
    vat = RAM.TaxTotalAmount(_money(s.vat_total), currencyID=s.currency)
    grand = s.grand_total + s.grand_total_delta
    if level >= 1:
        settlement += [
            RAM.SpecifiedTradeSettlementPaymentMeans(
                RAM.TypeCode("58"), RAM.PayeePartyCreditorFinancialAccount(RAM.IBANID(s.iban))
            ),
            *[
                RAM.ApplicableTradeTax(
                    RAM.CalculatedAmount(_money(amount)),
                    RAM.TypeCode("VAT"),
                    RAM.BasisAmount(_money(base)),
                    RAM.CategoryCode("S"),
                    RAM.RateApplicablePercent(_money(rate)),
                )
                for rate, base, amount in s.vat_groups()
            ],
            RAM.SpecifiedTradePaymentTerms(
                RAM.Description(s.payment_terms), RAM.DueDateDateTime(_cii_date(s.due))
            ),
            RAM.SpecifiedTradeSettlementHeaderMonetarySummation(
                RAM.LineTotalAmount(_money(s.line_total + s.line_total_delta)),
                RAM.TaxBasisTotalAmount(_money(s.line_total)),
                vat,
                RAM.GrandTotalAmount(_money(grand)),
                RAM.DuePayableAmount(_money(grand)),
            ),
        ]
        if s.preceding_invoice:
            settlement.append(
                RAM.InvoiceReferencedDocument(
                    RAM.IssuerAssignedID(s.preceding_invoice),
                    RAM.FormattedIssueDateTime(
                        QDT.DateTimeString(s.preceding_date.strftime("%Y%m%d"), format="102")
                    ),
                )
            )
    else:
        settlement.append(
            RAM.SpecifiedTradeSettlementHeaderMonetarySummation(
                RAM.TaxBasisTotalAmount(_money(s.line_total)),
                vat,
                RAM.GrandTotalAmount(_money(grand)),
                RAM.DuePayableAmount(_money(grand)),
            )
        )
    # An empty delivery element draws a PEPPOL-EN16931-R008 warning; MINIMUM allows nothing else in it.
    delivery = (
        [RAM.ActualDeliverySupplyChainEvent(RAM.OccurrenceDateTime(_cii_date(s.issue_date)))] if level else []
    )
    transaction = [_cii_line(i, line) for i, line in enumerate(s.lines, 1)] if level >= 2 else []
    transaction += [
        RAM.ApplicableHeaderTradeAgreement(*agreement),
        RAM.ApplicableHeaderTradeDelivery(*delivery),
        RAM.ApplicableHeaderTradeSettlement(*settlement),
    ]
    root = RSM.CrossIndustryInvoice(
        RSM.ExchangedDocumentContext(
            RAM.BusinessProcessSpecifiedDocumentContextParameter(RAM.ID("S1")),
            RAM.GuidelineSpecifiedDocumentContextParameter(RAM.ID(GUIDELINES[profile])),
        ),
        RSM.ExchangedDocument(*document),
        RSM.SupplyChainTradeTransaction(*transaction),
    )
    if s.unexpected_element:
        root.find("rsm:ExchangedDocument", NS_CII).insert(0, RAM.Unexpected("XSD"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# UBL 2.1.

NS_UBL = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = ElementMaker(namespace=NS_UBL["cac"], nsmap=NS_UBL)
CBC = ElementMaker(namespace=NS_UBL["cbc"], nsmap=NS_UBL)


def _ubl_party(s: InvoiceSpec, *, seller: bool):
    name, siret = (s.seller_name, s.seller_siret) if seller else (s.buyer_name, s.buyer_siret)
    children = [
        CBC.EndpointID(siret[:9], schemeID="0225"),
        CAC.PartyIdentification(CBC.ID(siret, schemeID="0009")),
        CAC.PartyName(CBC.Name(name)),
        CAC.PostalAddress(
            CBC.StreetName("1 rue de la Paix" if seller else "Hôtel de ville"),
            CBC.CityName("Paris" if seller else "Marseille"),
            CBC.PostalZone("75001" if seller else "13001"),
            CAC.Country(CBC.IdentificationCode("FR")),
        ),
    ]
    if seller:
        children.append(
            CAC.PartyTaxScheme(CBC.CompanyID(vat_number(s.seller_siren)), CAC.TaxScheme(CBC.ID("VAT")))
        )
    children.append(
        CAC.PartyLegalEntity(CBC.RegistrationName(name), CBC.CompanyID(siret[:9], schemeID="0002"))
    )
    return CAC.Party(*children)


def _ubl_tax_category(rate) -> list:
    return [CBC.ID("S"), CBC.Percent(_money(rate)), CAC.TaxScheme(CBC.ID("VAT"))]


def ubl_invoice(credit_note: bool = False, **fields) -> bytes:
    """A UBL 2.1 Invoice (or CreditNote) following EN 16931 (BT-24 urn:cen.eu:en16931:2017)."""
    s = fields.pop("spec", None) or spec(**fields)
    if credit_note and "type_code" not in fields and s.type_code == "380":
        s = replace(s, type_code="381", preceding_invoice=s.preceding_invoice or DEFAULT_PRECEDING_INVOICE)
    root_ns = UBL_CREDIT_NOTE_NS if credit_note else UBL_INVOICE_NS
    nsmap = {None: root_ns, **NS_UBL}
    root = etree.Element(f"{{{root_ns}}}{'CreditNote' if credit_note else 'Invoice'}", nsmap=nsmap)
    children = [
        CBC.CustomizationID("urn:cen.eu:en16931:2017"),
        CBC.ProfileID("S1"),
        CBC.ID(s.number),
        CBC.IssueDate(s.issue_date.isoformat()),
    ]
    if not credit_note:
        children.append(CBC.DueDate(s.due.isoformat()))
    children.append(CBC.CreditNoteTypeCode(s.type_code) if credit_note else CBC.InvoiceTypeCode(s.type_code))
    children += [CBC.Note(f"#{code}#{text}") for code, text in LEGAL_NOTES]
    children.append(CBC.DocumentCurrencyCode(s.currency))
    if s.service_code:
        children.append(CBC.BuyerReference(s.service_code))
    if s.engagement:
        children.append(CAC.OrderReference(CBC.ID(s.engagement)))
    if s.preceding_invoice:
        children.append(
            CAC.BillingReference(
                CAC.InvoiceDocumentReference(
                    CBC.ID(s.preceding_invoice), CBC.IssueDate(s.preceding_date.isoformat())
                )
            )
        )
    children += [
        CAC.AccountingSupplierParty(_ubl_party(s, seller=True)),
        CAC.AccountingCustomerParty(_ubl_party(s, seller=False)),
    ]
    means = [CBC.PaymentMeansCode("58")]
    if credit_note:
        means.append(CBC.PaymentDueDate(s.due.isoformat()))
    means.append(CAC.PayeeFinancialAccount(CBC.ID(s.iban)))
    grand = s.grand_total + s.grand_total_delta
    children += [
        CAC.PaymentMeans(*means),
        CAC.PaymentTerms(CBC.Note(s.payment_terms)),
        CAC.TaxTotal(
            CBC.TaxAmount(_money(s.vat_total), currencyID=s.currency),
            *[
                CAC.TaxSubtotal(
                    CBC.TaxableAmount(_money(base), currencyID=s.currency),
                    CBC.TaxAmount(_money(amount), currencyID=s.currency),
                    CAC.TaxCategory(*_ubl_tax_category(rate)),
                )
                for rate, base, amount in s.vat_groups()
            ],
        ),
        CAC.LegalMonetaryTotal(
            CBC.LineExtensionAmount(_money(s.line_total + s.line_total_delta), currencyID=s.currency),
            CBC.TaxExclusiveAmount(_money(s.line_total), currencyID=s.currency),
            CBC.TaxInclusiveAmount(_money(grand), currencyID=s.currency),
            CBC.PayableAmount(_money(grand), currencyID=s.currency),
        ),
    ]
    for index, line in enumerate(s.lines, 1):
        quantity = (CBC.CreditedQuantity if credit_note else CBC.InvoicedQuantity)(
            str(line.quantity), unitCode=line.unit
        )
        children.append(
            (CAC.CreditNoteLine if credit_note else CAC.InvoiceLine)(
                CBC.ID(str(index)),
                quantity,
                CBC.LineExtensionAmount(_money(line.net), currencyID=s.currency),
                CAC.Item(CBC.Name(line.name), CAC.ClassifiedTaxCategory(*_ubl_tax_category(line.vat_rate))),
                CAC.Price(CBC.PriceAmount(_money(line.unit_price), currencyID=s.currency)),
            )
        )
    if s.unexpected_element:
        children.insert(0, CBC.Unexpected("XSD"))
    root.extend(children)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def ubl_credit_note(**fields) -> bytes:
    return ubl_invoice(credit_note=True, **fields)


# PDFs.


def _visual_pdf(s: InvoiceSpec | None, *, title: str = "Facture") -> bytes:
    """The human-readable page of an invoice, made with fpdf2 (core fonts, Latin-1 text)."""
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    lines = [title]
    if s is not None:
        lines += [
            f"Facture n° {s.number} du {s.issue_date:%d/%m/%Y}",
            f"{s.seller_name} (SIRET {s.seller_siret}) -> {s.buyer_name} (SIRET {s.buyer_siret})",
            f"Service : {s.service_code or '-'}   Engagement : {s.engagement or '-'}",
            f"Total HT {_money(s.line_total)} {s.currency}, TVA {_money(s.vat_total)}, "
            f"TTC {_money(s.grand_total)}",
        ]
    for text in lines:
        document.cell(
            0, 10, text.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT"
        )
    return bytes(document.output())


def facturx_pdf(
    profile: str = "EN16931", *, xmp_profile: str | None = None, attachment_name: str | None = None, **fields
) -> bytes:
    """A Factur-X PDF: a one-page PDF plus the CII XML, embedded by the factur-x library.

    ``xmp_profile`` declares another profile in the XMP metadata (to test the consistency check);
    ``attachment_name`` renames the embedded file (ZUGFeRD 2 names, or a wrong one).
    """
    from facturx import generate_from_binary

    s = fields.pop("spec", None) or spec(**fields)
    xml = cii_invoice(profile, spec=s)
    data = generate_from_binary(
        _visual_pdf(s),
        xml,
        flavor="factur-x",
        level=_FX_LEVELS[xmp_profile or profile],
        check_xsd=False,
        pdf_metadata={
            "author": s.seller_name,
            "keywords": "Factur-X, Invoice",
            "title": f"{s.seller_name}: Facture {s.number}",
            "subject": f"Facture {s.number}",
        },
        lang="fr-FR",
    )
    if attachment_name:
        data = rename_attachment(data, "factur-x.xml", attachment_name)
    return data


def rename_attachment(pdf_bytes: bytes, old: str, new: str) -> bytes:
    """The same PDF with an embedded file renamed (name tree key and file specification)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf_bytes)))
    names = writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    for index, item in enumerate(names):
        if isinstance(item, str) and item == old:
            names[index] = TextStringObject(new)
            filespec = names[index + 1].get_object()
            for key in ("/F", "/UF"):
                if key in filespec:
                    filespec[NameObject(key)] = TextStringObject(new)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def plain_pdf(**fields) -> bytes:
    """A PDF invoice with text but no structured data."""
    return _visual_pdf(spec(**fields))


def image_pdf() -> bytes:
    """A PDF holding only a picture, like a scan: no text can be extracted."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (400, 200), "white")
    draw = ImageDraw.Draw(picture)
    for y in range(20, 180, 20):
        draw.line((20, y, 380, y), fill="black", width=3)
    document = FPDF()
    document.add_page()
    document.image(picture, x=10, y=10, w=190)
    return bytes(document.output())


def pdf_with_attachment(name: str, payload: bytes) -> bytes:
    """A plain PDF carrying one embedded file (e.g. an XML that is not an invoice)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(plain_pdf())))
    writer.add_attachment(name, payload)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


# Broken on purpose: the rule each one breaks, and how.

BROKEN = {
    "BR-CO-10": {"line_total_delta": Decimal("1.00")},  # sum of line nets differs from BT-106
    "BR-CO-15": {"grand_total_delta": Decimal("5.00")},  # BT-112 differs from BT-109 + BT-110
    "BR-02": {"number": ""},  # no invoice number
    "XSD": {"unexpected_element": True},
}


def broken_invoice(rule: str, syntax: str = "cii", profile: str = "EN16931", **fields) -> bytes:
    """An invoice that breaks exactly the named rule (see BROKEN), in "cii", "ubl" or "facturx"."""
    fields = {**BROKEN[rule], **fields}
    if syntax == "ubl":
        return ubl_invoice(**fields)
    if syntax == "facturx":
        return facturx_pdf(profile, **fields)
    return cii_invoice(profile, **fields)


def warm_up_documents() -> list[bytes]:
    """One document per rule set Chorale uses, for warm_up()."""
    return [cii_invoice(p) for p in FACTURX_PROFILES] + [
        cii_invoice("XRECHNUNG"),
        ubl_invoice(),
        ubl_credit_note(),
    ]
