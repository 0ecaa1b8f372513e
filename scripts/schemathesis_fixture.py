"""Test data for `scripts/schemathesis`, in the throwaway database it points DATABASE_URL at.

Loads the demo world, then writes one schemathesis configuration per caller into OUTDIR (the shared
settings of scripts/schemathesis.toml, the caller's token, and the ids of objects that caller may see, so
that most generated requests reach real invoices, deposits, exports and requests rather than a 404):

- `technical.toml`: a technical account of the Commune de Villebelle (a public body) with every right;
- `personal.toml`: the personal token of Atelier Durand's principal manager (a supplier);
- `cpro.toml`: the Chorus Pro-compatible API (`/cpro/`), with Chorus Pro credentials (an access token as
  `/api/oauth/token` gives it, and the `cpro-account` header) of a technical account of Atelier Durand for the
  supplier's operations and of one of the Commune de Villebelle for the recipient's, and the ids Chorus Pro
  clients keep (`numeroFluxDepot`, `idFacture`, `idStructureCPP`…).

Usage: python scripts/schemathesis_fixture.py OUTDIR
"""

import base64
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from accounts import access, claims, cpro_identity, demo, services  # noqa: E402
from accounts.models import Structure, User  # noqa: E402
from accounts.tokens import create_api_token  # noqa: E402
from invoices.cpro import mapping  # noqa: E402
from invoices.formats import samples  # noqa: E402
from invoices.models import Deposit, Invoice  # noqa: E402
from invoices.pes.export import export_pes  # noqa: E402
from invoices.pes.scope import PesExportError  # noqa: E402

# How often a generated request takes a real id rather than a generated one (which then tests the 404).
REAL_ID_PROBABILITY = 0.8


def _ids(queryset) -> list[str]:
    return [str(value) for value in queryset.values_list("uuid", flat=True)]


def _caller_config(token: str, ids: dict[str, list[str]]) -> str:
    """The caller's part of the configuration: its token, then where its ids go."""
    lines = ["[headers]", f"Authorization = {json.dumps('Bearer ' + token)}", ""]
    for name, values in ids.items():
        if values:
            lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]

    def bind(key: str, name: str) -> str:
        return f'"{key}" = {{ dictionary = "{name}", probability = {REAL_ID_PROBABILITY} }}'

    # Path parameters are named after their objects, except `id`: an invoice's, or a deposit's.
    operations = [
        ("^/api/v1/invoices/\\\\{id\\\\}", [("path.id", "invoice")]),
        ("^/api/v1/deposits/\\\\{id\\\\}", [("path.id", "deposit")]),
        ("^/api/v1/invoices/statuses/$", [("body.changes[*].id", "invoice")]),
        ("^/api/v1/pes-exports/$", [("body.structure", "structure"), ("body.invoices[*]", "invoice")]),
        ("^/api/v1/principal-transfers/$", [("body.assignments[*].structure", "structure")]),
    ]
    global_bindings = [
        ("path.structure", "structure"),
        ("query.structure", "structure"),
        ("path.export", "export"),
        ("path.attachment_request", "attachment_request"),
        ("path.principal_claim", "principal_claim"),
    ]
    present = {name for name, values in ids.items() if values}
    lines.append("[parameters]")
    lines += [bind(key, name) for key, name in global_bindings if name in present]
    lines.append("")
    for regex, bindings in operations:
        usable = [(key, name) for key, name in bindings if name in present]
        if usable:
            lines += ["[[operations]]", f'include-path-regex = "{regex}"', "[operations.parameters]"]
            lines += [bind(key, name) for key, name in usable]
            lines.append("")
    return "\n".join(lines)


def _technical() -> tuple[str, dict]:
    villebelle = Structure.objects.get(identifier=demo.VILLEBELLE_SIRET)
    user, token = services.create_technical_account(
        villebelle, actor=None, name="schemathesis", rights=list(access.RIGHTS)
    )
    exports = []
    try:
        exports.append(str(export_pes(villebelle, actor=user).uuid))
    except PesExportError as error:  # without PES parameters or exportable invoices: no export to read
        print(f"no PES export for the run: {error.message}", file=sys.stderr)
    return token, {
        "invoice": _ids(Invoice.objects.filter(recipient=villebelle)),
        "structure": [str(villebelle.uuid)],
        "export": exports,
    }


def _personal() -> tuple[str, dict]:
    supplier = User.objects.get(email=demo.DEMO_USERS["supplier"][0])
    durand = Structure.objects.get(identifier=demo.DURAND_SIRET)
    _token, token = create_api_token(supplier, name="schemathesis")
    colleague = User.objects.get(email=demo.DEMO_USERS["supplier2"][0])
    request = services.request_attachment(colleague, durand, message="schemathesis")
    syndicat = Structure.objects.get(identifier=demo.SYNDICAT_SIRET)
    claim = claims.submit_claim(
        supplier,
        syndicat,
        function="Maire",
        document_name="delegation.pdf",
        document=samples.plain_pdf(),
    )
    return token, {
        "invoice": _ids(Invoice.objects.filter(supplier=durand)),
        "deposit": _ids(Deposit.objects.filter(supplier=durand)),
        "structure": [str(durand.uuid)],
        "attachment_request": [str(request.uuid)],
        "principal_claim": [str(claim.uuid)],
    }


# The recipient's operations, called as the public body; every other one as the supplier.
CPRO_RECIPIENT_PATHS = "^/cpro/factures/v1/(rechercher/recipiendaire|telecharger/groupe|traiter/recue)$"


def _cpro_headers(structure: Structure, rights: list[str]) -> dict[str, str]:
    """The two headers of a Chorus Pro call, for a new technical account of `structure`.

    The access token is issued as /api/oauth/token issues it; it lives CHORALE_CPRO_TOKEN_SECONDS (an hour by
    default), well beyond a run.
    """
    _user, credentials = cpro_identity.create_cpro_credentials(
        structure, actor=None, name="schemathesis (Chorus Pro)", rights=rights
    )
    credential = cpro_identity.authenticate_client(credentials["client_id"], credentials["client_secret"])
    token, _lifetime = cpro_identity.issue_access_token(credential)
    account = base64.b64encode(f"{credentials['login']}:{credentials['password']}".encode()).decode()
    return {"Authorization": f"Bearer {token}", "cpro-account": account}


def _cpro_invoice(supplier: Structure, recipient: Structure) -> bytes:
    """A CII invoice that `deposer/flux` takes (with an IN_DP_E1_CII* syntax): the first is routed, the
    next ones refused as duplicates."""
    service = recipient.services.filter(is_active=True).first()
    return samples.cii_invoice(
        "EN16931",
        number="CPRO-SCHEMATHESIS-1",
        seller_name=supplier.name,
        seller_siret=supplier.identifier,
        buyer_name=recipient.name,
        buyer_siret=recipient.identifier,
        service_code=service.code if service else None,
        engagement="EJ-2026-9999",
    )


def _cpro_config() -> str:
    durand = Structure.objects.get(identifier=demo.DURAND_SIRET)
    villebelle = Structure.objects.get(identifier=demo.VILLEBELLE_SIRET)
    supplier = _cpro_headers(durand, [access.DEPOSIT])
    recipient = _cpro_headers(villebelle, list(access.RIGHTS))
    sent = Invoice.objects.filter(supplier=durand)
    received = Invoice.objects.filter(recipient=villebelle)
    public = Structure.objects.filter(identifier__in=[demo.VILLEBELLE_SIRET, demo.SYNDICAT_SIRET])
    ids = {
        "flux": [mapping.flux_number(d) for d in Deposit.objects.filter(supplier=durand)],
        "sent_invoice": list(sent.values_list("pk", flat=True)),
        "sent_number": list(sent.values_list("number", flat=True)),
        "received_invoice": list(received.values_list("pk", flat=True)),
        "received_number": list(received.values_list("number", flat=True)),
        "structure": [durand.pk, *public.values_list("pk", flat=True)],
        "service": list(villebelle.services.values_list("pk", flat=True)),
        "siret": [demo.DURAND_SIRET, demo.VILLEBELLE_SIRET, demo.SYNDICAT_SIRET],
        "syntax": sorted(mapping.SYNTAXES),
        "flux_file": [base64.b64encode(_cpro_invoice(durand, villebelle)).decode("ascii")],
        "flux_name": ["schemathesis.xml"],
        "target_status": sorted(mapping.TRAITER_RECUE_TARGETS),
    }

    def bind(key: str, name: str) -> str:
        return f'"{key}" = {{ dictionary = "{name}", probability = {REAL_ID_PROBABILITY} }}'

    def table(headers: dict[str, str]) -> str:
        return "{ " + ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in headers.items()) + " }"

    # The headers go with the operations, not at the top: schemathesis sends top-level headers when it loads
    # /api/schema/ too, which refuses a Chorus Pro token. The two groups are disjoint, so that each operation
    # takes exactly one identity.
    lines = [
        "[checks.negative_data_rejection]",
        "# Chorus Pro answers a body outside the schema in HTTP 200 (codeRetour 20003, or the field",
        "# ignored), as its clients expect and as each operation's description says; 400 is for a body",
        "# that is no JSON object.",
        'expected-statuses = ["200", "400", "401", "413", "429"]',
        "",
    ]
    for name, values in ids.items():
        if values:
            lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    lines += [
        "[parameters]",
        bind("body.numeroFluxDepot", "flux"),
        bind("body.idStructureCPP", "structure"),
        bind("body.idStructure", "structure"),
        bind("body.idService", "service"),
        bind("body.siretStructure", "siret"),
        bind("body.syntaxeFlux", "syntax"),
        bind("body.fichierFlux", "flux_file"),
        bind("body.nomFichier", "flux_name"),
        "",
        "[[operations]]",
        'include-path-regex = "^/cpro/"',
        f"exclude-path-regex = {json.dumps(CPRO_RECIPIENT_PATHS)}",
        f"headers = {table(supplier)}",
        "[operations.parameters]",
        bind("body.idFacture", "sent_invoice"),
        bind("body.numeroFacture", "sent_number"),
        "",
        "[[operations]]",
        f"include-path-regex = {json.dumps(CPRO_RECIPIENT_PATHS)}",
        f"headers = {table(recipient)}",
        "[operations.parameters]",
        bind("body.idFacture", "received_invoice"),
        bind("body.listeFacture[*].idFacture", "received_invoice"),
        bind("body.numeroFacture", "received_number"),
        bind("body.nouveauStatut", "target_status"),
        "",
    ]
    return "\n".join(lines)


def main(outdir: Path) -> None:
    call_command("load_demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    shared = (REPO / "scripts" / "schemathesis.toml").read_text(encoding="utf-8")
    for name, make in (("technical", _technical), ("personal", _personal)):
        token, ids = make()
        (outdir / f"{name}.toml").write_text(shared + "\n" + _caller_config(token, ids), encoding="utf-8")
    (outdir / "cpro.toml").write_text(shared + "\n" + _cpro_config(), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
