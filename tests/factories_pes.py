"""Invoices ready for a PES export (accepted, with real generated originals), and the PES test fixtures."""

import hashlib
import itertools
from datetime import date

import pytest
from django.core.files.base import ContentFile
from stdnum import luhn

from accounts.models import Membership
from invoices.formats import samples
from invoices.models import InvoiceAttachment, InvoiceStatus, StoredFile
from tests.conftest import SHARED_DIR, shared_path
from tests.factories import InvoiceFactory, MembershipFactory, PublicStructureFactory, StructureFactory

_numbers = itertools.count(1)
_sirets = itertools.count(1)
MIME = {
    "facturx": "application/pdf",
    "pdf": "application/pdf",
    "cii": "application/xml",
    "ubl": "application/xml",
}
EXT = {"facturx": "pdf", "pdf": "pdf", "cii": "xml", "ubl": "xml"}
XSD_PARTS = ("pes", "xsd", "schemas_pes_v5.17")


def valid_siret() -> str:
    """A SIRET whose SIREN and SIRET keys both check (IdColl is checked more strictly than the factories)."""
    n = next(_sirets)
    siren = f"{(n * 7919 + 21000) % 10**8:08d}"
    siren += luhn.calc_check_digit(siren)
    nic = f"{n % 10000:04d}"
    return siren + nic + luhn.calc_check_digit(siren + nic)


def pes_structure(**fields):
    """A public structure whose PES parameters are set (valid for the PES_Aller schema)."""
    defaults = {
        "pes_id_post": "013000",
        "pes_cod_col": "123",
        "pes_cod_bud": "01",
        "pes_libelle_col_bud": "BUDGET PRINCIPAL",
    }
    fields.setdefault("identifier", valid_siret())
    return PublicStructureFactory(**{**defaults, **fields})


def generated_original(fmt: str, *, number: str, seller_name: str = "Fournisseur SARL") -> bytes:
    """A real invoice file of the format, as the formats engineer's generators make it."""
    fields = {"number": number, "seller_name": seller_name, "issue_date": date(2026, 3, 14)}
    if fmt == "facturx":
        return samples.facturx_pdf("EN16931", **fields)
    if fmt == "cii":
        return samples.cii_invoice("EN16931", **fields)
    if fmt == "ubl":
        return samples.ubl_invoice(**fields)
    if fmt == "pdf":
        return samples.plain_pdf(**fields)
    raise ValueError(fmt)


def stored_file(content: bytes, name: str, content_type: str) -> StoredFile:
    return StoredFile.objects.create(
        file=ContentFile(content, name="original"),
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def accepted_invoice(
    recipient,
    *,
    fmt: str = "facturx",
    content: bytes | None = None,
    mandated: bool = False,
    status: str | None = None,
    number: str | None = None,
    supplier=None,
    **fields,
):
    """An invoice of `recipient` in an accepted state whose original is a real file of format `fmt`."""
    number = number or f"F2026-{next(_numbers):05d}"
    supplier = supplier or StructureFactory(name=fields.pop("seller_name", "Fournisseur SARL"))
    if content is None:
        content = generated_original(fmt, number=number, seller_name=supplier.name)
    original = stored_file(content, f"{number}.{EXT[fmt]}", MIME[fmt])
    if mandated:
        fields.setdefault("mandat_exercice", 2026)
        fields.setdefault("mandat_bordereau", "12")
        fields.setdefault("mandat_numero", str(100 + next(_numbers)))
        fields.setdefault("mandat_ligne", "1")
    return InvoiceFactory(
        recipient=recipient,
        supplier=supplier,
        number=number,
        format=fmt,
        original=original,
        status=status or (InvoiceStatus.MANDATEE if mandated else InvoiceStatus.SERVICE_FAIT),
        **fields,
    )


def add_attachment(invoice, content: bytes, name: str, content_type: str = "application/pdf"):
    return InvoiceAttachment.objects.create(
        invoice=invoice,
        stored_file=stored_file(content, name, content_type),
        added_by=invoice.deposited_by,
    )


# Deposits through the real deposit path (the deposit engineer's service), then accepted by the recipient.


def deposited_invoice(
    supplier,
    accountant,
    *,
    fmt: str,
    number: str,
    mandat: dict | None = None,
    attachments=(),
    routing_form: dict | None = None,
):
    """Deposit a generated file of `fmt` through `deposit_files`, then move it to service_fait or mandatee."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from invoices import lifecycle
    from invoices.deposit import operations as services

    content = generated_original(fmt, number=number, seller_name=supplier.name)
    upload = SimpleUploadedFile(f"{number}.{EXT[fmt]}", content, content_type=MIME[fmt])
    extra = [SimpleUploadedFile(name, data, content_type=ctype) for name, data, ctype in attachments]
    deposit = services.deposit_files(
        supplier.principal_manager,
        [upload],
        supplier=supplier,
        attachments=extra,
        routing_form=routing_form,
    )
    invoice = deposit.documents.get(invoice__isnull=False).invoice
    if mandat:
        lifecycle.set_status(invoice, InvoiceStatus.MANDATEE, actor=accountant, mandat=mandat)
    else:
        lifecycle.set_status(invoice, InvoiceStatus.SERVICE_FAIT, actor=accountant)
    invoice.refresh_from_db()
    return invoice, content


def fresh_second_factor(client):
    """Mark the client's session as having passed the second factor just now (downloads ask for it)."""
    from django.utils import timezone

    from accounts.twofactor import RECENT_OTP_SESSION_KEY

    session = client.session
    session[RECENT_OTP_SESSION_KEY] = timezone.now().timestamp()
    session.save()
    return client


# Fixtures: import them into a test module to use them.


@pytest.fixture(name="structure")
def pes_commune():
    """`structure`: a commune whose PES parameters are set."""
    return pes_structure(name="Commune de Test")


@pytest.fixture(name="accountant")
def pes_accountant(structure):
    """`accountant`: a user of `structure` with the PES export right."""
    return MembershipFactory(structure=structure, role=Membership.Role.USER, can_export_pes=True).user


@pytest.fixture
def pes_schemas(settings):
    """Every file written is validated against PES_Aller.xsd; skips when ../shared/pes/xsd is absent."""
    settings.CHORALE_PES_XSD_DIR = str(shared_path(*XSD_PARTS))
    return settings.CHORALE_PES_XSD_DIR


@pytest.fixture
def pes_schemas_if_present(settings):
    """Validate written files when the schemas are there; the behaviour under test does not depend on them."""
    path = SHARED_DIR.joinpath(*XSD_PARTS)
    settings.CHORALE_PES_XSD_DIR = str(path) if path.exists() else ""
    return settings.CHORALE_PES_XSD_DIR


def personal_pkcs12(common_name: str, *, password: str = "mot-de-passe", days: int = 365) -> bytes:
    """A PKCS#12 (RSA key + self-signed certificate) standing for a named person's signing certificate."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=2))
        .not_valid_after(now + datetime.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(password.encode())
    return pkcs12.serialize_key_and_certificates(b"signer", key, cert, None, encryption)
