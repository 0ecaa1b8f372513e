"""Enveloped XAdES signature of a written PES_Aller: schema-valid, verifiable, tamper-evident."""

import datetime
import hashlib
import io
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from invoices.pes.core import (
    PesHeader,
    PesSignatureError,
    PjDocument,
    read_pes,
    sign_pes,
    validate_pes,
    verify_pes_signature,
    write_pes,
)

XSD_DIR = Path(__file__).resolve().parents[3] / "shared" / "pes" / "xsd" / "schemas_pes_v5.17"
HEADER = PesHeader(id_post="034000", id_coll="21340172201787", cod_col="123", cod_bud="00")
PASSWORD = "secret"
CONTENT = b"%PDF-1.7 signed invoice " * 500


def certificate(key, common_name="Ordonnateur Test"):
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Commune de Test"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )


def p12(key, cert, password=PASSWORD):
    encryption = serialization.BestAvailableEncryption(password.encode())
    return pkcs12.serialize_key_and_certificates(b"signer", key, cert, None, encryption)


@pytest.fixture(scope="module")
def rsa_signer():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = certificate(key)
    return cert, p12(key, cert)


@pytest.fixture
def unsigned(tmp_path):
    doc = PjDocument(
        key="inv-1",
        invoice_number="F-1",
        year=2025,
        supplier_name="Société Test",
        open=lambda: io.BytesIO(CONTENT),
    )
    report = write_pes([doc], HEADER, tmp_path / "out", max_bytes=1024 * 1024)
    return report.files[0].path


@pytest.fixture
def xsd_dir():
    if not (XSD_DIR / "PES_V2" / "Rev0" / "PES_Aller.xsd").is_file():
        pytest.skip("../shared/pes/xsd/schemas_pes_v5.17 is absent: XSD validation needs the DGFiP schemas")
    return XSD_DIR


def test_signed_file_verifies_and_stays_schema_valid(tmp_path, unsigned, rsa_signer, xsd_dir):
    cert, bundle = rsa_signer
    signed = tmp_path / "signed.xml"

    info = sign_pes(unsigned, signed, bundle, PASSWORD, xsd_dir=xsd_dir)

    assert info.subject == "CN=Ordonnateur Test,O=Commune de Test,C=FR"
    assert validate_pes(signed, xsd_dir) == []
    assert verify_pes_signature(signed).serial_number == cert.serial_number
    assert verify_pes_signature(signed, x509_cert=cert).signing_time == info.signing_time
    pes = read_pes(signed)
    assert pes.signatures == ["PES_Aller"]
    assert pes.pjs[0].sha256 == hashlib.sha256(CONTENT).hexdigest()


def test_signature_follows_the_helios_profile(tmp_path, unsigned, rsa_signer):
    signed = tmp_path / "signed.xml"
    sign_pes(unsigned, signed, rsa_signer[1], PASSWORD)

    raw = signed.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<n:PES_Aller ')
    assert b'<ds:Reference URI="#PES_' in raw
    assert b"xmldsig#enveloped-signature" in raw and b"xml-exc-c14n#" in raw and b"rsa-sha256" in raw
    assert b"urn:oid:1.2.250.1.131.1.5.18.21.1.7" in raw
    assert raw.rstrip().endswith(b"</ds:Signature></n:PES_Aller>")


def test_any_change_after_signing_is_detected(tmp_path, unsigned, rsa_signer):
    signed = tmp_path / "signed.xml"
    sign_pes(unsigned, signed, rsa_signer[1], PASSWORD)
    tampered = tmp_path / "tampered.xml"
    tampered.write_bytes(signed.read_bytes().replace(b'<TypePJ V="003"/>', b'<TypePJ V="002"/>'))

    with pytest.raises(PesSignatureError, match="does not verify"):
        verify_pes_signature(tampered)


def test_a_signature_by_another_certificate_is_refused_when_the_signer_is_pinned(
    tmp_path, unsigned, rsa_signer
):
    signed = tmp_path / "signed.xml"
    sign_pes(unsigned, signed, rsa_signer[1], PASSWORD)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    with pytest.raises(PesSignatureError):
        verify_pes_signature(signed, x509_cert=certificate(other_key, "Someone Else"))


def test_ecdsa_certificates_sign_too(tmp_path, unsigned, xsd_dir):
    key = ec.generate_private_key(ec.SECP256R1())
    signed = tmp_path / "signed.xml"

    sign_pes(unsigned, signed, p12(key, certificate(key)), PASSWORD, xsd_dir=xsd_dir)

    assert verify_pes_signature(signed).subject.startswith("CN=Ordonnateur Test")


def test_wrong_password_is_refused_and_writes_nothing(tmp_path, unsigned, rsa_signer):
    signed = tmp_path / "signed.xml"

    with pytest.raises(PesSignatureError, match="PKCS#12"):
        sign_pes(unsigned, signed, rsa_signer[1], "wrong")
    assert not signed.exists()


def test_an_unsigned_file_does_not_verify(unsigned):
    with pytest.raises(PesSignatureError, match="found 0"):
        verify_pes_signature(unsigned)


def test_a_signed_file_is_not_signed_twice(tmp_path, unsigned, rsa_signer):
    signed = tmp_path / "signed.xml"
    sign_pes(unsigned, signed, rsa_signer[1], PASSWORD)

    with pytest.raises(PesSignatureError, match="already signed"):
        sign_pes(signed, tmp_path / "twice.xml", rsa_signer[1], PASSWORD)
