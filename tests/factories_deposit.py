"""Helpers for the deposit tests: a supplier, a public recipient and its people, invoices addressed to it."""

import io
import itertools
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership, Service, Structure
from tests import builders
from tests.factories import MembershipFactory, PublicStructureFactory, ServiceFactory, StructureFactory

_numbers = itertools.count(1)


@dataclass
class World:
    """A supplier company and its depositing user, a public recipient with a service and an accountant,
    and another public structure with its own accountant (who must never see the first one's invoices)."""

    supplier_structure: Structure
    supplier: object
    recipient: Structure
    service: Service
    accountant: object
    other_recipient: Structure
    other_accountant: object


def make_world(**recipient_options) -> World:
    supplier_structure = StructureFactory(name="Atelier Durand SARL")
    recipient = PublicStructureFactory(name="Commune de Villebelle", **recipient_options)
    service = ServiceFactory(structure=recipient, code="VOIRIE", name="Voirie")
    accountant = MembershipFactory(structure=recipient, role=Membership.Role.USER, can_triage=True).user
    other_recipient = PublicStructureFactory(name="Syndicat des eaux du Val")
    other_accountant = MembershipFactory(
        structure=other_recipient, role=Membership.Role.USER, can_triage=True
    ).user
    return World(
        supplier_structure,
        supplier_structure.principal_manager,
        recipient,
        service,
        accountant,
        other_recipient,
        other_accountant,
    )


def sibling_establishment(structure) -> Structure:
    """Another establishment (SIRET) of the same company (SIREN): another NIC, its own Luhn key."""
    from stdnum import luhn

    base = structure.identifier[:9] + ("0002" if structure.identifier[9:13] != "0002" else "0003")
    return StructureFactory(identifier=base + luhn.calc_check_digit(base))


def next_number() -> str:
    return f"FAC-2025-{next(_numbers):05d}"


def invoice_bytes(world: World, kind: str = "facturx", **fields) -> bytes:
    """A valid invoice of `kind` (facturx, cii, ubl, ubl_credit_note) from the supplier to the recipient."""
    fields.setdefault("number", next_number())
    fields.setdefault("seller_siret", world.supplier_structure.identifier)
    fields.setdefault("buyer_siret", world.recipient.identifier)
    fields.setdefault("service_code", world.service.code)
    profile = fields.pop("profile", "EN16931")
    if kind == "facturx":
        return builders.facturx_pdf(profile, **fields)
    if kind == "cii":
        return builders.cii_invoice(profile, **fields)
    if kind == "ubl":
        return builders.ubl_invoice(**fields)
    if kind == "ubl_credit_note":
        return builders.ubl_credit_note(**fields)
    raise ValueError(kind)


EXTENSIONS = {"facturx": "pdf", "cii": "xml", "ubl": "xml", "ubl_credit_note": "xml"}


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def invoice_upload(world: World, kind: str = "facturx", name: str = "", **fields) -> SimpleUploadedFile:
    return upload(name or f"facture.{EXTENSIONS[kind]}", invoice_bytes(world, kind, **fields))


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def rules_of(deposit, document: int = 0) -> set[str]:
    """The rule ids reported for one file of a deposit's report."""
    return {f["rule"] for f in deposit.report["documents"][document]["findings"]}


def error_rules_of(deposit, document: int = 0) -> set[str]:
    return {f["rule"] for f in deposit.report["documents"][document]["findings"] if f["severity"] == "error"}


# A tiny valid PNG (1×1 pixel) for attachments.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def token_headers(user) -> dict:
    """Authorization headers for the API, with a fresh personal token of `user`."""
    from accounts.tokens import create_api_token

    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user, name='tests')[1]}"}
