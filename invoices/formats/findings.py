"""What a validation step reports, in French and English, with the rule it comes from."""

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    severity: str
    rule: str
    message: str
    message_en: str
    location: str = ""
    count: int = 1
    """How many identical findings this one stands for (a warning repeated on every line is kept once)."""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_dict(self, lang: str = "fr") -> dict:
        return {
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message_en if lang == "en" else self.message,
            "location": self.location,
            "count": self.count,
        }


# Our own rules. Official rules (BR-*, FX-SCH-*, BR-FR-*) keep their ids and their official text.
MESSAGES = {
    "SAFE-SIZE": (
        "Fichier trop volumineux : {size} octets pour un maximum de {limit}.",
        "File too large: {size} bytes, the limit is {limit}.",
    ),
    "SAFE-DOCTYPE": (
        "XML refusé : il contient une déclaration DOCTYPE (entités, DTD externes), interdite pour des "
        "raisons de sécurité.",
        "XML refused: it contains a DOCTYPE declaration (entities, external DTD), forbidden for security "
        "reasons.",
    ),
    "SAFE-XML": (
        "XML illisible : {detail}",
        "Unreadable XML: {detail}",
    ),
    "CHORALE-EMPTY": ("Le fichier est vide.", "The file is empty."),
    "CHORALE-FORMAT-UNKNOWN": (
        "Format non reconnu : ni PDF, ni XML de facture (Factur-X, CII, UBL).",
        "Unknown format: neither a PDF nor an invoice XML (Factur-X, CII, UBL).",
    ),
    "CHORALE-XML-NOT-INVOICE": (
        "Ce XML n'est pas une facture CII ou UBL 2.1 (élément racine {root}).",
        "This XML is not a CII or UBL 2.1 invoice (root element {root}).",
    ),
    "CHORALE-ZUGFERD1": (
        "Facture ZUGFeRD 1.0 refusée : ce format est antérieur à la norme EN 16931 ; le fournisseur doit "
        "émettre une facture Factur-X / ZUGFeRD 2.",
        "ZUGFeRD 1.0 invoice refused: the format predates EN 16931; the supplier must issue a Factur-X / "
        "ZUGFeRD 2 invoice.",
    ),
    "CHORALE-PDF-UNREADABLE": (
        "PDF illisible (fichier tronqué ou endommagé) : {detail}",
        "Unreadable PDF (truncated or damaged file): {detail}",
    ),
    "CHORALE-PDF-ENCRYPTED": (
        "PDF protégé par mot de passe : il ne peut pas être lu.",
        "Password-protected PDF: it cannot be read.",
    ),
    "CHORALE-PDF-NO-XML": (
        "PDF sans données structurées : aucun fichier factur-x.xml n'y est joint.",
        "PDF without structured data: no factur-x.xml file is embedded.",
    ),
    "CHORALE-PDF-IMAGE": (
        "PDF image (numérisation) : aucun texte n'y est lisible, la facture doit être un PDF natif.",
        "Image-only PDF (scan): no text can be read from it, the invoice must be a native PDF.",
    ),
    "CHORALE-FX-XML-UNREADABLE": (
        "Le PDF contient le fichier {name}, mais ce XML est illisible : {detail}",
        "The PDF embeds {name}, but this XML cannot be read: {detail}",
    ),
    "CHORALE-FX-XML-NOT-INVOICE": (
        "Le fichier {name} joint au PDF n'est pas une facture CII (élément racine {root}).",
        "The file {name} embedded in the PDF is not a CII invoice (root element {root}).",
    ),
    "CHORALE-FX-ATTACHMENT-NAME": (
        "Le XML de facture est joint sous le nom « {name} » ; Factur-X exige « factur-x.xml ».",
        "The invoice XML is embedded as '{name}'; Factur-X requires 'factur-x.xml'.",
    ),
    "CHORALE-FX-ATTACHMENT-ZUGFERD": (
        "Le XML est joint sous le nom ZUGFeRD 2.0 « {name} », accepté ; le nom normalisé est "
        "« factur-x.xml ».",
        "The XML is embedded under the ZUGFeRD 2.0 name '{name}', accepted; the standard name is "
        "'factur-x.xml'.",
    ),
    "CHORALE-FX-XMP-PROFILE": (
        "Les métadonnées XMP du PDF annoncent le profil « {xmp} » mais le XML est au profil « {xml} ».",
        "The PDF's XMP metadata declare profile '{xmp}' but the XML is of profile '{xml}'.",
    ),
    "CHORALE-FX-XMP-MISSING": (
        "Les métadonnées XMP du PDF ne déclarent pas de profil Factur-X (fx:ConformanceLevel).",
        "The PDF's XMP metadata do not declare a Factur-X profile (fx:ConformanceLevel).",
    ),
    "CHORALE-PROFILE-UNKNOWN": (
        "Profil non reconnu ({guideline}) : la facture est contrôlée selon les seules règles EN 16931.",
        "Unrecognised profile ({guideline}): the invoice is checked against the EN 16931 rules only.",
    ),
    "XSD": (
        "Non conforme au schéma XSD {schema} : {detail}",
        "Not valid against the {schema} XSD: {detail}",
    ),
    "CHORALE-CEN-CII-MISSING": (
        "Les règles CEN EN 16931 pour CII ne sont pas installées : cette facture ne peut pas être contrôlée "
        "(lancer scripts/fetch_cen_cii_xslt.py ou régler CHORALE_CEN_CII_XSLT).",
        "The CEN EN 16931 rules for CII are not installed: this invoice cannot be checked "
        "(run scripts/fetch_cen_cii_xslt.py or set CHORALE_CEN_CII_XSLT).",
    ),
    "CHORALE-SCHEMATRON-RUNTIME": (
        "Les règles « {rules} » n'ont pas pu être exécutées sur cette facture : {detail}",
        "The '{rules}' rules could not be run on this invoice: {detail}",
    ),
    "CHORALE-EXTRACTION": (
        "Certaines données de la facture n'ont pas pu être lues : {detail}",
        "Some invoice data could not be read: {detail}",
    ),
    "CHORALE-VALIDATION-LIMIT": (
        "Le contrôle de ce document a dépassé {limite} : il a été interrompu et le document est refusé. "
        "Une facture ordinaire se contrôle en moins d'une seconde ; vérifiez le fichier produit par votre "
        "logiciel.",
        "Checking this document exceeded {limit}: it was stopped and the document is refused. An ordinary "
        "invoice is checked in under a second; check the file your software produced.",
    ),
    "CHORALE-VALIDATION-BUSY": (
        "Le service de contrôle des factures est saturé (aucun contrôleur libéré en {seconds} s) : le "
        "document n'a pas été contrôlé. Déposez-le de nouveau dans quelques minutes.",
        "The invoice checking service is saturated (no checker freed up within {seconds} s): the document "
        "was not checked. Deposit it again in a few minutes.",
    ),
}


def finding(rule: str, severity: str = ERROR, location: str = "", **params) -> Finding:
    """A finding for one of our own rules, in both languages."""
    fr, en = MESSAGES[rule]
    return Finding(severity, rule, fr.format(**params), en.format(**params), location)


def official(rule: str, severity: str, text: str, location: str = "") -> Finding:
    """A finding of an official rule set: its text exists in one language only, shown as is in both."""
    return Finding(severity, rule, text, text, location)
