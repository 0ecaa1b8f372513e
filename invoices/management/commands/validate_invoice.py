"""validate_invoice FILE… : run the deposit validation on files without depositing them.

Exit status: 0 when every file is valid, 1 when one is not, 2 on a usage error. With --json, stdout carries
only a JSON array (one object per file); logs go to stderr.
"""

import json
import logging
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from invoices.formats import ValidationConfig, validate_document
from invoices.formats.findings import ERROR

log = logging.getLogger(__name__)

LABELS = {
    "fr": {
        "valid": "VALIDE",
        "invalid": "REFUSÉE",
        "error": "erreur",
        "warning": "avertissement",
        "format": "format",
        "profile": "profil",
        "number": "n°",
        "date": "date",
        "seller": "fournisseur",
        "buyer": "destinataire",
        "service": "code service",
        "engagement": "engagement",
        "total": "total TTC",
        "due": "net à payer",
        "none": "aucune remarque",
    },
    "en": {
        "valid": "VALID",
        "invalid": "REFUSED",
        "error": "error",
        "warning": "warning",
        "format": "format",
        "profile": "profile",
        "number": "no.",
        "date": "date",
        "seller": "seller",
        "buyer": "buyer",
        "service": "service code",
        "engagement": "engagement",
        "total": "total incl. VAT",
        "due": "amount due",
        "none": "no remark",
    },
}
FORMAT_NAMES = {"facturx": "Factur-X", "cii": "CII", "ubl": "UBL 2.1", "pdf": "PDF", "unknown": "?"}


class Command(BaseCommand):
    help = "Validate invoice files (Factur-X, CII, UBL, PDF) as a deposit would, without depositing them."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--json", action="store_true", help="print only a JSON array on stdout")
        parser.add_argument(
            "--as-user", metavar="EMAIL", help="also apply the routing rules seen by this user"
        )
        parser.add_argument("--lang", choices=("fr", "en"), default="fr")

    def handle(self, *args, **options):
        paths = [Path(name) for name in options["files"]]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise CommandError(f"Fichier introuvable / file not found: {', '.join(missing)}", returncode=2)
        check_routing, user = self._routing(options["as_user"])
        config = ValidationConfig.from_settings(settings)
        lang = options["lang"]
        reports = []
        for path in paths:
            log.info("validating %s", path)
            result = validate_document(path.read_bytes(), filename=path.name, config=config)
            if check_routing is not None:
                extra = check_routing(result, user)
                if extra:
                    result.findings.extend(extra)
            reports.append({"file": str(path), **result.to_dict(lang)})
        if options["json"]:
            self.stdout.write(json.dumps(reports, ensure_ascii=False, indent=2))
        else:
            for report in reports:
                self.stdout.write(self._text(report, lang))
        if not all(report["valid"] for report in reports):
            sys.exit(1)

    def _routing(self, email):
        """The deposit engineer's routing hook and the user, or (None, None) without --as-user."""
        if not email:
            return None, None
        try:
            from invoices.deposit.routing import check_routing
        except (ImportError, AttributeError) as exc:
            raise CommandError(
                f"--as-user : les règles d'acheminement ne sont pas disponibles ({exc})", returncode=2
            ) from exc
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"--as-user : aucun utilisateur {email}", returncode=2)
        return check_routing, user

    def _text(self, report: dict, lang: str) -> str:
        words = LABELS[lang]
        verdict = words["valid"] if report["valid"] else words["invalid"]
        head = f"{report['file']} : {verdict} — {words['format']} {FORMAT_NAMES.get(report['format'])}" + (
            f", {words['profile']} {report['profile']}" if report["profile"] else ""
        )
        lines = [head]
        invoice = report["invoice"]
        if invoice:
            fields = [
                ("number", invoice["number"]),
                ("date", invoice["issue_date"]),
                ("seller", _party(invoice["seller_name"], invoice["seller_siret"])),
                ("buyer", _party(invoice["buyer_name"], invoice["buyer_siret"])),
                ("service", invoice["service_code"]),
                ("engagement", invoice["engagement"]),
                ("total", _amount(invoice["total_with_vat"], invoice["currency"])),
                ("due", _amount(invoice["amount_due"], invoice["currency"])),
            ]
            lines += [f"    {words[key]} : {value}" for key, value in fields if value]
        findings = sorted(report["findings"], key=lambda f: f["severity"] != ERROR)
        for f in findings:
            where = f" ({f['location']})" if f["location"] else ""
            lines.append(f"  [{words[f['severity']]}] {f['rule']} : {f['message']}{where}")
        if not findings:
            lines.append(f"  {words['none']}")
        return "\n".join(lines) + "\n"


def _party(name, siret):
    return " ".join(filter(None, [name, f"(SIRET {siret})" if siret else None])) or None


def _amount(value, currency):
    return f"{value} {currency or ''}".strip() if value else None
