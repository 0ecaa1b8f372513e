"""Test data for `scripts/schemathesis`, in the throwaway database it points DATABASE_URL at.

Loads the demo world, then writes one schemathesis configuration per caller into OUTDIR (the shared
settings of scripts/schemathesis.toml, the caller's token, and the ids of objects that caller may see, so
that most generated requests reach real invoices, deposits, exports and requests rather than a 404):

- `technical.toml`: a technical account of the Commune de Villebelle (a public body) with every right;
- `personal.toml`: the personal token of Atelier Durand's principal manager (a supplier).

Usage: python scripts/schemathesis_fixture.py OUTDIR
"""

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

from accounts import access, claims, demo, services  # noqa: E402
from accounts.models import Structure, User  # noqa: E402
from accounts.tokens import create_api_token  # noqa: E402
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


def main(outdir: Path) -> None:
    call_command("load_demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    shared = (REPO / "scripts" / "schemathesis.toml").read_text(encoding="utf-8")
    for name, make in (("technical", _technical), ("personal", _personal)):
        token, ids = make()
        (outdir / f"{name}.toml").write_text(shared + "\n" + _caller_config(token, ids), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
