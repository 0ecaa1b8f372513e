"""validate_document: detect the format by content, read safely, check XSD and schematron, extract fields."""

import logging
from collections import Counter
from dataclasses import replace
from pathlib import Path

from invoices.formats import cii, engine, pdf, ubl, xml_safe
from invoices.formats.findings import ERROR, WARNING, Finding, finding, official
from invoices.formats.model import ValidationConfig, ValidationResult

log = logging.getLogger(__name__)

# Only the first XSD errors are useful: later ones are usually consequences of the first.
MAX_XSD_FINDINGS = 20
# XMP fx:ConformanceLevel values (upper-cased, spaces removed) -> our profile names.
XMP_LEVELS = {
    "MINIMUM": "MINIMUM",
    "BASICWL": "BASIC WL",
    "BASIC": "BASIC",
    "EN16931": "EN16931",
    "COMFORT": "EN16931",
    "EXTENDED": "EXTENDED",
    "XRECHNUNG": "XRECHNUNG",
}
# A failure of the rules that decide validity refuses the invoice: an unchecked invoice must not pass.
# The French CTC rules are advisory by default, so their failure only warns.
BASE_RUNTIME_SEVERITY = ERROR
CTC_RUNTIME_SEVERITY = WARNING


class Validator:
    """Validation with the process-wide artefact cache; one instance per process via get_validator()."""

    def __init__(self, artefacts: engine.Artefacts):
        self.artefacts = artefacts

    def validate(
        self,
        data: bytes,
        *,
        filename: str = "",
        config: ValidationConfig | None = None,
        allow_plain_pdf: bool = False,
    ) -> ValidationResult:
        result = self._validate(data, config or ValidationConfig.default(), allow_plain_pdf)
        log.debug("%s: %s %s valid=%s", filename or "document", result.format, result.profile, result.valid)
        return result

    def _validate(self, data: bytes, config: ValidationConfig, allow_plain_pdf: bool) -> ValidationResult:
        if not data:
            return ValidationResult("unknown", findings=[finding("CHORALE-EMPTY")])
        if len(data) > config.max_bytes:
            return ValidationResult(
                "unknown", findings=[finding("SAFE-SIZE", size=len(data), limit=config.max_bytes)]
            )
        if pdf.looks_like_pdf(data):
            return self._pdf(data, config, allow_plain_pdf)
        if not _looks_like_xml(data):
            return ValidationResult("unknown", findings=[finding("CHORALE-FORMAT-UNKNOWN")])
        try:
            root = xml_safe.parse(data, max_bytes=config.max_bytes)
        except xml_safe.UnsafeXML as exc:
            return ValidationResult("unknown", findings=[exc.finding])
        kind = xml_safe.root_kind(root)
        if kind == "ubl":
            return self._ubl(root, data, config)
        if kind == "cii":
            return self._cii(ValidationResult("cii", xml=data), root, config)
        if kind == "zugferd1":
            return ValidationResult(
                "cii", profile=cii.zugferd1_profile(root), xml=data, findings=[finding("CHORALE-ZUGFERD1")]
            )
        return ValidationResult(
            "unknown", xml=data, findings=[finding("CHORALE-XML-NOT-INVOICE", root=_name(root))]
        )

    # PDF: Factur-X / ZUGFeRD 2, or a plain PDF.

    def _pdf(self, data: bytes, config: ValidationConfig, allow_plain_pdf: bool) -> ValidationResult:
        try:
            content = pdf.read(data, max_bytes=config.max_bytes)
        except pdf.PdfEncrypted:
            return ValidationResult("pdf", findings=[finding("CHORALE-PDF-ENCRYPTED")])
        except pdf.PdfUnreadable as exc:
            return ValidationResult(
                "pdf", findings=[finding("CHORALE-PDF-UNREADABLE", detail=str(exc)[:300])]
            )
        picked = _pick_attachment(content, config)
        if picked is None:
            return self._plain_pdf(content, allow_plain_pdf)
        name, xml_bytes, root, error = picked
        result = ValidationResult("facturx", xml=xml_bytes, attachment_name=name)
        if error is not None:
            result.findings.append(error)
            return result
        kind = xml_safe.root_kind(root)
        if kind == "zugferd1":
            result.profile = cii.zugferd1_profile(root)
            result.findings.append(finding("CHORALE-ZUGFERD1"))
            return result
        if kind != "cii":
            result.findings.append(finding("CHORALE-FX-XML-NOT-INVOICE", name=name, root=_name(root)))
            return result
        profile = cii.profile_of(cii.guideline_id(root))
        result.findings += _attachment_name_findings(name, profile)
        result.findings += _xmp_findings(content, profile)
        return self._cii(result, root, config)

    def _plain_pdf(self, content: pdf.PdfContent, allow_plain_pdf: bool) -> ValidationResult:
        result = ValidationResult("pdf", has_text=pdf.has_text(content))
        if not allow_plain_pdf:
            result.findings.append(finding("CHORALE-PDF-NO-XML"))
        if not result.has_text:
            result.findings.append(finding("CHORALE-PDF-IMAGE"))
        return result

    # XML syntaxes.

    def _cii(self, result: ValidationResult, root, config: ValidationConfig) -> ValidationResult:
        guideline = cii.guideline_id(root)
        profile = result.profile = cii.profile_of(guideline)
        if profile in cii.FACTURX_PROFILES or profile == "EXTENDED-CTC-FR":
            xsd, base = engine.facturx_xsd(profile), engine.facturx_schematron(profile)
        else:
            # CII outside Factur-X (XRechnung, other CIUS): Factur-X has no XSD for it. The EXTENDED XSD is
            # the widest D16B subset Factur-X ships, so a conformant EN 16931 CII validates against it.
            xsd = engine.facturx_xsd("EXTENDED")
            base = Path(config.cen_cii_xslt) if config.cen_cii_xslt else None
            if profile == "CII":
                result.findings.append(
                    finding("CHORALE-PROFILE-UNKNOWN", WARNING, guideline=guideline or "—")
                )
        result.findings += self._xsd_findings(root, xsd)
        node = self.artefacts.saxon_document(xml_safe.serialize(root))
        if base is None or not base.is_file():
            result.findings.append(finding("CHORALE-CEN-CII-MISSING"))
        else:
            result.findings += self._schematron(base, node, ctc=False, config=config)
        result.findings += self._schematron(engine.CII_CTC_FR, node, ctc=True, config=config)
        result.invoice = _extract(cii.extract, root, result)
        return result

    def _ubl(self, root, data: bytes, config: ValidationConfig) -> ValidationResult:
        profile = ubl.profile_of(ubl.customization_id(root))
        result = ValidationResult("ubl", profile=profile, xml=data)
        result.findings += self._xsd_findings(root, engine.ubl_xsd(ubl.is_credit_note(root)))
        node = self.artefacts.saxon_document(xml_safe.serialize(root))
        result.findings += self._schematron(engine.ubl_schematron(profile), node, ctc=False, config=config)
        result.findings += self._schematron(engine.UBL_CTC_FR, node, ctc=True, config=config)
        result.invoice = _extract(ubl.extract, root, result)
        return result

    # Checks.

    def _xsd_findings(self, root, xsd: Path) -> list[Finding]:
        errors = self.artefacts.schema(xsd).errors(root)
        return [
            finding("XSD", location=path, schema=xsd.name, detail=engine.short_names(message))
            for message, path in errors[:MAX_XSD_FINDINGS]
        ]

    def _schematron(self, xslt: Path, node, *, ctc: bool, config: ValidationConfig) -> list[Finding]:
        try:
            svrl = self.artefacts.stylesheet(xslt).run(node)
        except engine.SchematronRuntimeError as exc:
            log.warning("schematron %s failed at run time: %s", xslt.name, exc)
            severity = CTC_RUNTIME_SEVERITY if ctc else BASE_RUNTIME_SEVERITY
            return [finding("CHORALE-SCHEMATRON-RUNTIME", severity, rules=xslt.stem, detail=str(exc)[:300])]
        findings = []
        for assertion in engine.parse_svrl(svrl):
            severity = _severity(assertion)
            if ctc and severity == ERROR and not config.ctc_as_errors:
                severity = WARNING
            rule = assertion.rule or "CHORALE-SCHEMATRON-UNNAMED"
            findings.append(official(rule, severity, assertion.text, assertion.location))
        return _collapse_warnings(findings)


def _severity(assertion: engine.Assertion) -> str:
    """A failed-assert flagged 'fatal' (CEN) or unflagged (FNFE code lists) is an error; the rest warns."""
    flag = (assertion.flag or "").lower()
    if assertion.kind == "failed-assert":
        return ERROR if flag in ("", "fatal", "error") else WARNING
    return ERROR if flag == "fatal" else WARNING


def _collapse_warnings(findings: list[Finding]) -> list[Finding]:
    """One line per repeated warning (FNFE reports 'not used' once per element), every error kept."""
    counts = Counter((f.rule, f.message) for f in findings if not f.is_error)
    seen, kept = set(), []
    for f in findings:
        key = (f.rule, f.message)
        if f.is_error:
            kept.append(f)
        elif key not in seen:
            seen.add(key)
            n = counts[key]
            kept.append(replace(f, count=n))
    return kept


def _extract(reader, root, result: ValidationResult):
    try:
        return reader(root)
    except Exception as exc:  # extraction is best effort: a strange invoice must still get its findings
        log.warning("extraction failed", exc_info=True)
        result.findings.append(finding("CHORALE-EXTRACTION", WARNING, detail=f"{type(exc).__name__}: {exc}"))
        return None


def _pick_attachment(content: pdf.PdfContent, config: ValidationConfig):
    """(name, bytes, parsed root or None, error finding or None) for the invoice XML, or None for a plain PDF.

    A standard name wins; another *.xml attachment counts only if it parses as CII, so that a PDF carrying an
    unrelated XML annex stays a plain PDF.
    """
    standard = [(n, b) for n, b in content.attachments if n.lower() in pdf.INVOICE_XML_NAMES]
    standard.sort(key=lambda item: pdf.INVOICE_XML_NAMES.index(item[0].lower()))
    for name, payload in standard[:1]:
        if payload is None:
            return (
                name,
                None,
                None,
                finding("SAFE-SIZE", location=name, size=f"> {config.max_bytes}", limit=config.max_bytes),
            )
        try:
            return name, payload, xml_safe.parse(payload, max_bytes=config.max_bytes), None
        except xml_safe.UnsafeXML as exc:
            error = exc.finding
            if error.rule == "SAFE-XML":
                error = finding("CHORALE-FX-XML-UNREADABLE", name=name, detail=exc.detail)
            return name, payload, None, error
    for name, payload in content.attachments:
        if payload is None:
            continue
        try:
            root = xml_safe.parse(payload, max_bytes=config.max_bytes)
        except xml_safe.UnsafeXML:
            continue
        if xml_safe.root_kind(root) in ("cii", "zugferd1"):
            return name, payload, root, None
    return None


def _attachment_name_findings(name: str, profile: str) -> list[Finding]:
    lowered = name.lower()
    if lowered == pdf.FACTURX_NAME or (lowered == pdf.XRECHNUNG_NAME and profile == "XRECHNUNG"):
        return []
    if lowered in pdf.INVOICE_XML_NAMES:
        return [finding("CHORALE-FX-ATTACHMENT-ZUGFERD", WARNING, name=name)]
    return [finding("CHORALE-FX-ATTACHMENT-NAME", name=name)]


def _xmp_findings(content: pdf.PdfContent, profile: str) -> list[Finding]:
    level = content.conformance_level
    if not level:
        return [finding("CHORALE-FX-XMP-MISSING", WARNING)]
    declared = XMP_LEVELS.get(level.replace(" ", ""), level)
    expected = "EXTENDED" if profile == "EXTENDED-CTC-FR" else profile
    if declared != expected:
        return [finding("CHORALE-FX-XMP-PROFILE", xmp=level, xml=profile)]
    return []


def _looks_like_xml(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") or head[:2] in (b"\xff\xfe", b"\xfe\xff")


def _name(root) -> str:
    return root.tag if isinstance(root.tag, str) else "?"
