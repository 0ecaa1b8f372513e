"""Helpers for the lifecycle and workspace tests: people with given rights, invoices in a given status."""

import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum import luhn

from accounts.models import Membership
from accounts.twofactor import RECENT_OTP_SESSION_KEY
from invoices.models import InvoiceEvent, InvoiceStatus
from tests.conftest import verified_client
from tests.factories import (
    InvoiceFactory,
    MembershipFactory,
    PublicStructureFactory,
    ServiceFactory,
    StructureFactory,
    UserFactory,
)

_sirens = itertools.count(100)


def valid_siret() -> str:
    """A SIRET whose SIREN and whole number both pass the Luhn check (what `is_valid_siret` asks)."""
    base = f"{(next(_sirens) * 7907) % 10**8:08d}"
    siren = base + luhn.calc_check_digit(base)
    nic = "0001"
    body = siren + nic
    return body + luhn.calc_check_digit(body)


def public_structure(**fields):
    fields.setdefault("identifier", valid_siret())
    return PublicStructureFactory(**fields)


def accountant_of(structure, *, services=(), **rights):
    """A user attached to `structure` with the triage right (limited to `services` when given)."""
    rights = {"can_triage": True, "can_deposit": False, **rights}
    membership = MembershipFactory(structure=structure, role=Membership.Role.USER, **rights)
    if services:
        membership.services.set(services)
    return membership.user


def comptable_of(*structures):
    """The DGFiP public accountant of `structures` (his poste comptable's): no right but his own role."""
    user = UserFactory()
    for structure in structures:
        MembershipFactory(
            user=user,
            structure=structure,
            role=Membership.Role.PUBLIC_ACCOUNTANT,
            can_deposit=False,
            can_triage=False,
        )
    return user


def supplier_member(structure, **rights):
    rights = {"can_deposit": True, "can_triage": False, **rights}
    return MembershipFactory(structure=structure, role=Membership.Role.USER, **rights).user


def invoice_in(status=InvoiceStatus.MISE_A_DISPOSITION, **fields):
    """An invoice already in `status`, delivered `days` days ago (default today)."""
    days = fields.pop("days", 0)
    delivered = timezone.now() - timedelta(days=days)
    fields.setdefault("delivered_at", None if status == InvoiceStatus.DEPOSEE else delivered)
    fields.setdefault("status_changed_at", delivered)
    return InvoiceFactory(status=status, **fields)


def world():
    """A supplier company, a public structure with two services, their people."""
    supplier = StructureFactory(name="Fournisseur SARL")
    recipient = public_structure(name="Commune d'Essai")
    voirie = ServiceFactory(structure=recipient, code="VOIRIE", name="Voirie")
    ecoles = ServiceFactory(structure=recipient, code="ECOLES", name="Écoles")
    return {
        "supplier": supplier,
        "recipient": recipient,
        "voirie": voirie,
        "ecoles": ecoles,
        "supplier_user": supplier.principal_manager,
        "accountant": accountant_of(recipient),
        "outsider": StructureFactory(name="Autre").principal_manager,
        "stranger": UserFactory(),
    }


def fresh_otp_client(client, user):
    """A verified client whose second factor was given a moment ago (for exports)."""
    verified_client(client, user)
    session = client.session
    session[RECENT_OTP_SESSION_KEY] = timezone.now().timestamp()
    session.save()
    return client


def recycle_on_the_page(client, invoice, **headers):
    """What an accountant's "À recycler" button on the invoice's page posts (wrong service code)."""
    return client.post(
        f"/factures/{invoice.uuid}/statut/",
        {
            "target": "a_recycler",
            "a_recycler-target": "a_recycler",
            "a_recycler-version": invoice.version,
            "a_recycler-reason": "CODE_ROUTAGE_ERR",
            "a_recycler-comment": "Service ECOLES",
        },
        **headers,
    )


def pdf_upload(name="bon-de-commande.pdf"):
    content = b"%PDF-1.4\n% " + name.encode() + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, content, "application/pdf")


def statuses_of(invoice) -> list[str]:
    events = InvoiceEvent.objects.filter(invoice=invoice).order_by("at", "id")
    return list(events.values_list("to_status", flat=True))
