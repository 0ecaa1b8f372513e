"""Enveloped XAdES signature of a whole PES_Aller file, and its verification.

PES_Aller.xsd ends the root with an optional `ds:Signature` (Class_Signature.xsd, PESSignatureType:
SignedInfo, SignatureValue, KeyInfo, Object*). The qualifying properties go in `ds:Object`, whose content the
xmldsig schema validates laxly: signxml's XAdES 1.3.2 namespace is not declared by the PES schemas, so the
signed file stays valid. The signature policy identifier is the DGFiP Hélios one, as in real signed flows.

Signing loads the file as a tree (signxml works on trees): memory grows with the file, unlike writing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from lxml import etree
from signxml import SignatureConstructionMethod, SignatureMethod
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm
from signxml.exceptions import InvalidInput, SignXMLException
from signxml.xades import (
    XAdESDataObjectFormat,
    XAdESSignatureConfiguration,
    XAdESSignaturePolicy,
    XAdESSigner,
    XAdESVerifier,
)

from invoices.pes.core.errors import PesSignatureError
from invoices.pes.core.schema import validate_pes
from invoices.pes.core.writer import ENCODING

DSIG = "http://www.w3.org/2000/09/xmldsig#"

HELIOS_SIGNATURE_POLICY = XAdESSignaturePolicy(
    Identifier="urn:oid:1.2.250.1.131.1.5.18.21.1.7",
    Description="Politique de signature Helios de la DGFiP",
    DigestMethod=DigestAlgorithm.SHA256,
    DigestValue="roF9+cfRHNPtVJolhdqfIqGMVuUXX8aR4rpiquf0u5E=",
)
"""The policy referenced by signed PES flows (see shared/pes/examples/SHA256_bordereau.cleaned.xml)."""


@dataclass(frozen=True)
class SignatureInfo:
    subject: str
    issuer: str
    serial_number: int
    not_after: datetime
    signing_time: str


def _parser() -> etree.XMLParser:
    # huge_tree: a PJ is one base64 text node, often above libxml2's 10 MB default limit.
    return etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True, load_dtd=False)


class _PesSigner(XAdESSigner):
    @property
    def parser(self):
        return _parser()

    def _add_reference_to_signed_info(self, sig_root, node_to_reference, **attrs):
        """Name the canonicalization of the SignedProperties and KeyInfo references in a Transform.

        signxml digests them with the signer's c14n but writes no Transform, and a verifier then falls back
        to inclusive c14n (XMLDSig 4.4.3.3): with exclusive c14n, as in signed PES flows, none would agree.
        The Transform is added before SignedInfo is signed, and does not change the digest itself.
        """
        super()._add_reference_to_signed_info(sig_root, node_to_reference, **attrs)
        reference = sig_root.find(f"{{{DSIG}}}SignedInfo")[-1]
        transforms = etree.Element(f"{{{DSIG}}}Transforms")
        etree.SubElement(transforms, f"{{{DSIG}}}Transform", Algorithm=self.c14n_alg.value)
        reference.insert(0, transforms)


def _parse(path: Path) -> etree._Element:
    try:
        return etree.parse(str(path), _parser()).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise PesSignatureError(f"cannot read {path}: {exc}") from exc


def _root_signatures(root: etree._Element) -> list[etree._Element]:
    return root.findall(f"{{{DSIG}}}Signature")


def _load_pkcs12(pkcs12_bytes: bytes, password: str | bytes | None):
    if isinstance(password, str):
        password = password.encode()
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(pkcs12_bytes, password or None)
    except ValueError as exc:
        raise PesSignatureError(f"cannot open the PKCS#12 certificate (wrong password?): {exc}") from exc
    if key is None or cert is None:
        raise PesSignatureError("the PKCS#12 file must hold a private key and its certificate")
    if isinstance(key, rsa.RSAPrivateKey):
        method = SignatureMethod.RSA_SHA256
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        method = SignatureMethod.ECDSA_SHA256
    else:
        raise PesSignatureError("only RSA and ECDSA keys are supported")
    return key, cert, list(extra or []), method


def _info(cert: x509.Certificate, signing_time: str) -> SignatureInfo:
    return SignatureInfo(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial_number=cert.serial_number,
        not_after=cert.not_valid_after_utc,
        signing_time=signing_time,
    )


def _signing_time(signature: etree._Element) -> str:
    for element in signature.iter("{*}SigningTime"):
        return (element.text or "").strip()
    return ""


def sign_pes(
    path_in, path_out, pkcs12_bytes: bytes, password: str | bytes | None, *, xsd_dir=None
) -> SignatureInfo:
    """Sign the whole file at `path_in` (enveloped XAdES-EPES, RSA or ECDSA with SHA-256, exclusive c14n).

    Writes `path_out` in ISO-8859-1, then verifies the signature it just wrote against the certificate and,
    when `xsd_dir` is given, validates the signed file; `path_out` is deleted if either check fails.
    """
    path_in, path_out = Path(path_in), Path(path_out)
    key, cert, chain, method = _load_pkcs12(pkcs12_bytes, password)
    root = _parse(path_in)
    if _root_signatures(root):
        raise PesSignatureError(f"{path_in.name} is already signed")
    signer = _PesSigner(
        signature_policy=HELIOS_SIGNATURE_POLICY,
        data_object_format=XAdESDataObjectFormat(Description="Flux PES_Aller", MimeType="text/xml"),
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=method,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    try:
        signed = signer.sign(root, key=key, cert=[cert, *chain])
    except (SignXMLException, InvalidInput, ValueError) as exc:
        raise PesSignatureError(f"signing failed: {exc}") from exc
    with path_out.open("wb") as handle:
        handle.write(f'<?xml version="1.0" encoding="{ENCODING}"?>\n'.encode("ascii"))
        handle.write(etree.tostring(signed, encoding=ENCODING, xml_declaration=False))
        handle.write(b"\n")
    try:
        info = verify_pes_signature(path_out, x509_cert=cert)
        if xsd_dir:
            errors = validate_pes(path_out, xsd_dir)
            if errors:
                raise PesSignatureError("the signed file does not validate: " + "; ".join(errors[:3]))
    except BaseException:
        path_out.unlink(missing_ok=True)
        raise
    return info


def verify_pes_signature(
    path, *, x509_cert: x509.Certificate | None = None, ca_pem_file=None
) -> SignatureInfo:
    """Verify the whole-file signature of a PES_Aller; raises PesSignatureError when absent or invalid.

    With neither `x509_cert` nor `ca_pem_file`, this checks integrity against the certificate embedded in the
    signature only: it proves the file was not altered since it was signed with that certificate, not that the
    certificate is trustworthy. Pass `x509_cert` (expected signer) or `ca_pem_file` (trusted CAs) for that.
    """
    path = Path(path)
    root = _parse(path)
    signatures = _root_signatures(root)
    if len(signatures) != 1:
        raise PesSignatureError(
            f"{path.name}: expected one signature of the whole file, found {len(signatures)}"
        )
    embedded = signatures[0].findtext(f"{{{DSIG}}}KeyInfo/{{{DSIG}}}X509Data/{{{DSIG}}}X509Certificate")
    if x509_cert is None and ca_pem_file is None:
        if not embedded:
            raise PesSignatureError(f"{path.name}: the signature carries no certificate")
        pem = "-----BEGIN CERTIFICATE-----\n" + "".join(embedded.split()) + "\n-----END CERTIFICATE-----\n"
        x509_cert = x509.load_pem_x509_certificate(pem.encode())
    pinned = x509_cert.public_bytes(Encoding.PEM).decode() if x509_cert is not None else None
    config = XAdESSignatureConfiguration(location="./", expect_references=3)
    try:
        result = XAdESVerifier().verify(
            root,
            x509_cert=pinned,
            ca_pem_file=ca_pem_file,
            parser=_parser(),
            expect_config=config,
            expect_signature_policy=HELIOS_SIGNATURE_POLICY,
        )
    except (SignXMLException, InvalidInput, ValueError) as exc:
        raise PesSignatureError(f"{path.name}: signature does not verify: {exc}") from exc
    results = result if isinstance(result, list) else [result]
    signed = results[0].signed_xml
    if signed is None or etree.QName(signed).localname != "PES_Aller":
        raise PesSignatureError(f"{path.name}: the signature does not cover the whole file")
    cert = x509_cert
    if cert is None and embedded:
        cert = x509.load_pem_x509_certificate(
            (
                "-----BEGIN CERTIFICATE-----\n" + "".join(embedded.split()) + "\n-----END CERTIFICATE-----\n"
            ).encode()
        )
    return _info(cert, _signing_time(signatures[0]))
