"""Run inside the second Chorale (a subprocess with its own database): build what Chorus Pro holds for a
public structure, or add an invoice to it. Prints JSON on stdout.

    python -m tests.cpro.remote_world setup SEED NUMBER…      → {siret, supplier_siret, credentials, invoices}
    python -m tests.cpro.remote_world add SEED NUMBER [SERVICE] → {number: id}
"""

import json
import os
import sys


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def _sirets(seed: int) -> tuple[str, str]:
    from tests.factories import make_siret

    return make_siret(900000 + 2 * seed), make_siret(900001 + 2 * seed)


def _invoice(recipient, supplier, number: str, service_code: str = "VOIRIE"):
    from invoices.formats.samples import facturx_pdf
    from tests.factories import InvoiceFactory, StoredFileFactory

    pdf = facturx_pdf(
        number=number,
        seller_siret=supplier.identifier,
        seller_name=supplier.name,
        buyer_siret=recipient.identifier,
        buyer_name=recipient.name,
        service_code=service_code,
    )
    service = recipient.services.filter(code=service_code).first()
    return InvoiceFactory(
        number=number,
        supplier=supplier,
        recipient=recipient,
        service=service,
        code_service=service_code,
        original=StoredFileFactory(content=pdf, original_name=f"{number}.pdf"),
    )


def setup(seed: int, numbers: list[str]) -> dict:
    from accounts import cpro_identity
    from tests.factories import PublicStructureFactory, ServiceFactory, StructureFactory, UserFactory

    # Each run is a new process whose factory sequences start again: the e-mails are made unique here.
    recipient_siret, supplier_siret = _sirets(seed)
    recipient = PublicStructureFactory(
        identifier=recipient_siret,
        name=f"Commune distante {seed}",
        principal_manager=UserFactory(email=f"gestion-{seed}@remote.test"),
    )
    ServiceFactory(structure=recipient, code="VOIRIE", name="Voirie")
    supplier = StructureFactory(
        identifier=supplier_siret,
        name=f"Fournisseur distant {seed}",
        principal_manager=UserFactory(email=f"fournisseur-{seed}@remote.test"),
    )
    _user, credentials = cpro_identity.create_cpro_credentials(
        recipient, actor=None, name="Chorale locale", rights=["triage"]
    )
    invoices = {number: _invoice(recipient, supplier, number).pk for number in numbers}
    return {
        "siret": recipient_siret,
        "name": recipient.name,
        "supplier_siret": supplier_siret,
        "credentials": credentials,
        "invoices": invoices,
    }


def add(seed: int, number: str, service_code: str = "VOIRIE") -> dict:
    from accounts.models import Structure

    recipient_siret, supplier_siret = _sirets(seed)
    recipient = Structure.objects.get(identifier=recipient_siret)
    supplier = Structure.objects.get(identifier=supplier_siret)
    return {number: _invoice(recipient, supplier, number, service_code).pk}


if __name__ == "__main__":
    _setup_django()
    command, seed, *rest = sys.argv[1:]
    result = setup(int(seed), rest) if command == "setup" else add(int(seed), *rest)
    print(json.dumps(result))
