"""Chorale's own rules. Their findings carry their own French and English, with the file names, numbers and
limits involved (findings.MESSAGES, validation.MESSAGES, routing.MESSAGES): the entries below give the one
sentence that sums each rule up in a refusal, the business terms, and what to do when the finding's own
message does not say it."""

from invoices.formats.catalogue.rule import TECHNICAL, R


def _c(fr: str, en: str, *terms: str, audience: str = "supplier"):
    return R(fr, *terms, en=en, audience=audience)


RULES = {
    # Reading the file.
    "CHORALE-EMPTY": _c("Le fichier est vide.", "The file is empty."),
    "SAFE-SIZE": _c("Le fichier est trop volumineux.", "The file is too large."),
    "SAFE-DOCTYPE": _c(
        "Le fichier XML contient une déclaration DOCTYPE, refusée pour des raisons de sécurité. Exportez de "
        "nouveau la facture depuis votre logiciel ; si la déclaration persiste, signalez-le à son éditeur.",
        "The XML file contains a DOCTYPE declaration, refused for security reasons.",
    ),
    "SAFE-XML": _c(
        "Le fichier XML est illisible. Il est tronqué ou mal formé : exportez de nouveau la facture depuis "
        "votre logiciel.",
        "The XML file cannot be read.",
    ),
    "XSD": _c(
        "Le fichier XML ne respecte pas la structure exigée par son format. C'est votre logiciel qui produit "
        "ce fichier : vérifiez le profil choisi à l'export (MINIMUM, BASIC, EN 16931…) ou signalez "
        "l'anomalie à son éditeur.",
        "The XML file does not follow the structure its format requires (XSD schema).",
    ),
    "CHORALE-FORMAT-UNKNOWN": _c(
        "Le fichier n'est pas une facture électronique. Déposez un PDF Factur-X, un XML CII ou UBL, ou un "
        "PDF simple avec le formulaire prévu.",
        "The file is not an electronic invoice.",
    ),
    "CHORALE-XML-NOT-INVOICE": _c("Le fichier XML n'est pas une facture.", "The XML file is not an invoice."),
    "CHORALE-ZUGFERD1": _c(
        "La facture est au format ZUGFeRD 1.0, antérieur à la norme EN 16931.",
        "The invoice is in the ZUGFeRD 1.0 format, older than EN 16931.",
    ),
    "CHORALE-PDF-UNREADABLE": _c(
        "Le PDF est illisible. Il est tronqué ou endommagé : exportez-le de nouveau.",
        "The PDF cannot be read.",
    ),
    "CHORALE-PDF-ENCRYPTED": _c(
        "Le PDF est protégé par un mot de passe. Exportez-le sans protection.",
        "The PDF is password-protected.",
    ),
    "CHORALE-PDF-NO-XML": _c(
        "Le PDF ne contient pas de données de facture électronique. Exportez la facture au format Factur-X "
        "depuis votre logiciel, ou déposez-la seule avec le formulaire « PDF simple ».",
        "The PDF carries no electronic invoice data.",
    ),
    "CHORALE-PDF-IMAGE": _c(
        "Le PDF est une image (numérisation) sans texte lisible. Déposez le PDF produit par votre logiciel "
        "plutôt qu'un scan.",
        "The PDF is an image (scan) without readable text.",
    ),
    "CHORALE-FX-XML-UNREADABLE": _c(
        "Les données de facture jointes au PDF sont illisibles. Exportez de nouveau la facture Factur-X ; si "
        "le problème persiste, signalez-le à l'éditeur du logiciel.",
        "The invoice data embedded in the PDF cannot be read.",
    ),
    "CHORALE-FX-XML-NOT-INVOICE": _c(
        "Le fichier XML joint au PDF n'est pas une facture.",
        "The XML file embedded in the PDF is not an invoice.",
    ),
    "CHORALE-FX-ATTACHMENT-NAME": _c(
        "Le XML de facture n'est pas joint au PDF sous le nom prévu par Factur-X.",
        "The invoice XML is not embedded under the name Factur-X requires.",
    ),
    "CHORALE-FX-ATTACHMENT-ZUGFERD": _c(
        "Le XML est joint au PDF sous son nom ZUGFeRD 2.0, accepté.",
        "The XML is embedded under its ZUGFeRD 2.0 name, accepted.",
        audience=TECHNICAL,
    ),
    "CHORALE-FX-XMP-PROFILE": _c(
        "Les métadonnées du PDF annoncent un autre profil Factur-X que le XML joint. C'est votre logiciel "
        "qui les écrit : signalez l'anomalie à son éditeur.",
        "The PDF metadata declare another Factur-X profile than the embedded XML.",
        "BT-24",
    ),
    "CHORALE-FX-XMP-MISSING": _c(
        "Les métadonnées du PDF n'annoncent pas de profil Factur-X.",
        "The PDF metadata declare no Factur-X profile.",
        audience=TECHNICAL,
    ),
    "CHORALE-PROFILE-UNKNOWN": _c(
        "Le profil de la facture n'est pas reconnu : seules les règles EN 16931 sont contrôlées.",
        "The invoice profile is not recognised: only the EN 16931 rules are checked.",
        "BT-24",
    ),
    "CHORALE-CEN-CII-MISSING": _c(
        "Les règles de contrôle de ce format ne sont pas installées sur Chorale. Ce n'est pas une erreur de "
        "la facture : signalez-le au support de la plateforme.",
        "The rules that check this format are not installed on Chorale.",
    ),
    "CHORALE-SCHEMATRON-RUNTIME": _c(
        "Les règles de contrôle n'ont pas pu être exécutées sur cette facture. Signalez-le au support de la "
        "plateforme en joignant le fichier.",
        "The validation rules could not be run on this invoice.",
    ),
    "CHORALE-SCHEMATRON-UNNAMED": _c(
        "Une donnée du fichier n'est pas utilisée par le profil Factur-X de la facture. Le destinataire "
        "l'ignore : rien à corriger.",
        "A piece of data in the file is not used by the invoice's Factur-X profile.",
        audience=TECHNICAL,
    ),
    "CHORALE-EXTRACTION": _c(
        "Certaines données de la facture n'ont pas pu être lues.",
        "Some invoice data could not be read.",
        audience=TECHNICAL,
    ),
    # The deposit.
    "CHORALE-DEPOSIT-EMPTY": _c("Aucun fichier de facture n'a été déposé.", "No invoice file was deposited."),
    "CHORALE-DEPOSIT-TOO-LARGE": _c("Le dépôt est trop volumineux.", "The deposit is too large."),
    "CHORALE-DEPOSIT-UNREADABLE": _c("Le dépôt n'a pas pu être lu.", "The deposit could not be read."),
    "CHORALE-DEPOSIT-QUOTA": _c(
        "Le volume de dépôt du jour de votre structure est atteint : réessayez demain.",
        "Your structure's deposit volume for today is used up: try again tomorrow.",
    ),
    "CHORALE-FILE-TOO-LARGE": _c("Un fichier dépasse la taille maximale.", "A file exceeds the size limit."),
    "CHORALE-FILENAME-TOO-LONG": _c("Un nom de fichier est trop long.", "A file name is too long."),
    "CHORALE-INVOICE-TOO-LARGE": _c(
        "La facture et ses pièces jointes dépassent la taille maximale.",
        "The invoice and its attachments exceed the size limit.",
    ),
    "CHORALE-ATTACHMENT-TYPE": _c(
        "Une pièce jointe n'est pas d'un type accepté.", "An attachment is not of an accepted type."
    ),
    "CHORALE-ATTACHMENT-CONTENT": _c(
        "Le contenu d'une pièce jointe ne correspond pas à son extension.",
        "An attachment's content does not match its extension.",
    ),
    "CHORALE-ATTACHMENT-DOCTYPE": _c(
        "Une pièce jointe XML contient une déclaration DOCTYPE.", "An XML attachment contains a DOCTYPE."
    ),
    "CHORALE-ATTACHMENT-REFUSED": _c("Une pièce jointe est refusée.", "An attachment is refused."),
    "CHORALE-ATTACHMENTS-ONE-INVOICE": _c(
        "Des pièces jointes accompagnent plusieurs factures.", "Attachments go with several invoices."
    ),
    "CHORALE-ZIP-ONE-INVOICE": _c(
        "L'API reçoit une facture par appel.", "The API takes one invoice per call."
    ),
    "CHORALE-ZIP-UNREADABLE": _c("L'archive ZIP est illisible.", "The ZIP archive cannot be read."),
    "CHORALE-ZIP-TOO-MANY": _c(
        "L'archive ZIP contient trop de fichiers.", "The ZIP archive holds too many files."
    ),
    "CHORALE-ZIP-TOO-LARGE": _c(
        "L'archive ZIP est trop volumineuse une fois décompressée.", "The ZIP archive expands too much."
    ),
    "CHORALE-ZIP-EMPTY": _c("L'archive ZIP est vide.", "The ZIP archive is empty."),
    "CHORALE-ZIP-MEMBER-UNREADABLE": _c(
        "Un fichier de l'archive n'a pas pu être extrait.", "A file of the archive could not be extracted."
    ),
    "CHORALE-ZIP-ENCRYPTED": _c(
        "Un fichier de l'archive est protégé par un mot de passe.",
        "A file of the archive is password-protected.",
    ),
    "CHORALE-ZIP-NESTED": _c(
        "L'archive contient une autre archive.", "The archive contains another archive."
    ),
    "CHORALE-ALREADY-DEPOSITED": _c(
        "Ce fichier a déjà été déposé.", "This file was already deposited.", "BT-1"
    ),
    "CHORALE-DUPLICATE-IN-DEPOSIT": _c(
        "La même facture figure deux fois dans ce dépôt.",
        "The same invoice appears twice in this deposit.",
        "BT-1",
    ),
    "CHORALE-PDF-FORM-REQUIRED": _c(
        "Le PDF n'a pas de données structurées : il se dépose seul, avec le formulaire « PDF simple ».",
        "The PDF has no structured data: it is deposited alone, with the 'plain PDF' form.",
    ),
    "CHORALE-FORM-IGNORED": _c(
        "Les données saisies dans le formulaire sont ignorées.",
        "The data typed in the form are ignored.",
        audience=TECHNICAL,
    ),
    "CHORALE-RECORD-FAILED": _c(
        "La facture n'a pas pu être enregistrée (erreur interne).",
        "The invoice could not be recorded (internal error).",
    ),
    "CHORALE-VALIDATION-FAILED": _c(
        "La facture n'a pas pu être contrôlée (erreur interne).",
        "The invoice could not be checked (internal error).",
    ),
    "CHORALE-IDEMPOTENCY-MISMATCH": _c(
        "La clé d'idempotence a déjà servi pour un autre fichier.",
        "The idempotency key was already used for another file.",
    ),
    "CHORALE-IDEMPOTENCY-KEY": _c(
        "La clé d'idempotence est trop longue.", "The idempotency key is too long."
    ),
    # Routing: who sends, who receives.
    "CHORALE-SUPPLIER-MISSING": _c(
        "Le fournisseur n'est pas identifié dans la facture. Indiquez votre SIRET dans les paramètres de la "
        "société de votre logiciel.",
        "The supplier is not identified in the invoice.",
        "BT-29",
        "BT-30",
        "BT-31",
    ),
    "CHORALE-SUPPLIER-UNKNOWN": _c(
        "Le fournisseur n'est pas inscrit sur Chorale.", "The supplier is not registered on Chorale.", "BT-29"
    ),
    "CHORALE-SUPPLIER-NOT-MEMBER": _c(
        "Vous n'êtes pas habilité à déposer pour ce fournisseur.",
        "You may not deposit for this supplier.",
        "BT-29",
    ),
    "CHORALE-SUPPLIER-AMBIGUOUS": _c(
        "Le SIREN du fournisseur correspond à plusieurs établissements.",
        "The supplier's SIREN matches several establishments.",
        "BT-30",
        "BT-29",
    ),
    "CHORALE-SUPPLIER-CHOOSE": _c(
        "La structure fournisseur du dépôt n'est pas choisie.", "The supplier structure is not chosen."
    ),
    "CHORALE-SUPPLIER-NONE": _c(
        "Vous n'avez le droit de déposer pour aucune structure.", "You may deposit for no structure."
    ),
    "CHORALE-SUPPLIER-MISMATCH": _c(
        "La facture n'est pas émise par la structure choisie pour ce dépôt.",
        "The invoice is not issued by the structure chosen for this deposit.",
        "BT-29",
    ),
    "CHORALE-BUYER-MISSING": _c(
        "Le destinataire n'est pas identifié dans la facture. Indiquez le SIRET de l'entité publique dans la "
        "fiche client.",
        "The recipient is not identified in the invoice.",
        "BT-46",
        "BT-47",
    ),
    "CHORALE-BUYER-INVALID": _c(
        "Le SIRET du destinataire n'est pas valide.", "The recipient's SIRET is not valid.", "BT-46"
    ),
    "CHORALE-BUYER-UNKNOWN": _c(
        "Le destinataire n'est pas une entité publique inscrite sur Chorale. Vérifiez le SIRET de l'entité "
        "publique dans la fiche client (il figure sur le bon de commande).",
        "The recipient is not a public entity registered on Chorale.",
        "BT-46",
    ),
    "CHORALE-BUYER-NOT-PUBLIC": _c(
        "Le destinataire n'est pas une entité publique.", "The recipient is not a public entity.", "BT-46"
    ),
    "CHORALE-BUYER-INACTIVE": _c(
        "Le destinataire ne reçoit plus de factures.", "The recipient receives no more invoices.", "BT-46"
    ),
    "CHORALE-SERVICE-TOO-LONG": _c(
        "Le code service est trop long.", "The service code is too long.", "BT-10"
    ),
    "CHORALE-SERVICE-UNKNOWN": _c(
        "Le code service n'existe pas chez le destinataire. Vérifiez le code service indiqué sur le bon de "
        "commande ; il se saisit comme « référence acheteur » dans la plupart des logiciels.",
        "The service code does not exist at the recipient.",
        "BT-10",
    ),
    "CHORALE-SERVICE-INACTIVE": _c(
        "Le service destinataire ne reçoit plus de factures.",
        "The recipient service receives no more invoices.",
        "BT-10",
    ),
    "CHORALE-SERVICE-REQUIRED": _c(
        "Le code service exigé par le destinataire est absent. Il se saisit comme « référence acheteur » "
        "dans la plupart des logiciels.",
        "The service code the recipient requires is missing.",
        "BT-10",
    ),
    "CHORALE-ENGAGEMENT-REQUIRED": _c(
        "Le numéro d'engagement exigé par le destinataire est absent. Il figure sur le bon de commande et se "
        "saisit comme « référence de commande ».",
        "The engagement number the recipient requires is missing.",
        "BT-13",
    ),
    "CHORALE-ENGAGEMENT-REQUIRED-BY-SERVICE": _c(
        "Le numéro d'engagement exigé par le service destinataire est absent. Il figure sur le bon de "
        "commande et se saisit comme « référence de commande ».",
        "The engagement number the recipient service requires is missing.",
        "BT-13",
    ),
    "CHORALE-ENGAGEMENT-TOO-LONG": _c(
        "Le numéro d'engagement est trop long.", "The engagement number is too long.", "BT-13"
    ),
    "CHORALE-SERVICE-OR-ENGAGEMENT-REQUIRED": _c(
        "Ni code service ni numéro d'engagement : le destinataire exige l'un ou l'autre.",
        "Neither service code nor engagement number: the recipient requires one.",
        "BT-10",
        "BT-13",
    ),
    "CHORALE-NUMBER-MISSING": _c("La facture n'a pas de numéro.", "The invoice has no number.", "BT-1"),
    "CHORALE-NUMBER-TOO-LONG": _c(
        "Le numéro de facture est trop long.", "The invoice number is too long.", "BT-1"
    ),
    "CHORALE-DATE-MISSING": _c(
        "La facture n'a pas de date lisible.", "The invoice has no readable date.", "BT-2"
    ),
    "CHORALE-DUPLICATE-NUMBER": _c(
        "Ce numéro de facture a déjà été déposé par ce fournisseur cette année.",
        "This invoice number was already deposited by this supplier this year.",
        "BT-1",
    ),
    "CHORALE-FLOW-FAILED": _c(
        "Le traitement de ce fichier du flux a échoué : déposez-le à nouveau.",
        "Processing this file of the flow failed: deposit it again.",
    ),
    "CHORALE-VALIDATION-LIMIT": _c(
        "La vérification de ce fichier a dépassé la limite de durée ou de mémoire : il est refusé.",
        "Checking this file went past the time or memory limit: it is refused.",
    ),
    "CHORALE-VALIDATION-BUSY": _c(
        "Le portail est très sollicité : votre fichier n'a pas pu être vérifié, déposez-le à nouveau.",
        "The portal is very busy: your file could not be checked, deposit it again.",
    ),
    "CHORALE-DUPLICATE-NUMBER-SIREN": _c(
        "Ce numéro de facture a déjà été déposé cette année par un autre établissement de votre entreprise.",
        "This invoice number was already deposited this year by another establishment of your company.",
        "BT-1",
    ),
    "CHORALE-CREDIT-NOTE-REFERENCE": _c(
        "L'avoir ne cite pas la facture qu'il corrige.",
        "The credit note does not give the invoice it corrects.",
        "BT-25",
        "BT-3",
    ),
    "CHORALE-CREDIT-NOTE-REFERENCE-PROFILE": _c(
        "L'avoir ne cite pas la facture qu'il corrige, son profil ne le permettant pas.",
        "The credit note does not give the invoice it corrects: its profile has no room for it.",
        "BT-25",
        "BT-3",
    ),
}
