"""XAdES signing certificates: kept encrypted, one per accountant and structure, used to sign exports."""

import hashlib
import logging
import uuid as uuid_lib
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.journal import log_event
from accounts.models import Structure
from invoices.models import PesSigningCertificate
from invoices.pes import core as pes
from invoices.pes.scope import PesExportError, exportable_structures
from invoices.storage import sealed

logger = logging.getLogger(__name__)


SIGNATURE_ROOM = 16 * 1024


class CertificateError(PesExportError):
    """A signing certificate refused (unreadable, wrong password, expired, structures not allowed)."""


def _fernet():
    # The PKCS#12 and its password; re-uploading them is the price of rotating SECRET_KEY.
    return sealed.fernet(salt=b"chorale-pes-signing", info=b"pkcs12")


def _read_pkcs12(pkcs12_bytes: bytes, password: str):
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        key, cert, _chain = pkcs12.load_key_and_certificates(pkcs12_bytes, password.encode() or None)
    except (ValueError, TypeError) as exc:
        raise CertificateError(_("Fichier PKCS#12 illisible ou mot de passe erroné.")) from exc
    if key is None or cert is None:
        raise CertificateError(_("Le fichier PKCS#12 doit contenir la clé privée et son certificat."))
    return cert


def user_certificates(user) -> QuerySet[PesSigningCertificate]:
    """The user's own signing certificates (never anyone else's)."""
    return PesSigningCertificate.objects.filter(owner=user).prefetch_related("structures")


def get_certificate_for_user(user, certificate_uuid) -> PesSigningCertificate:
    """One of the user's own certificates, else 404: a certificate is personal, even to a manager."""
    try:
        key = uuid_lib.UUID(str(certificate_uuid))
    except ValueError:
        raise Http404("No such certificate") from None
    certificate = user_certificates(user).filter(uuid=key).first()
    if certificate is None:
        raise Http404("No such certificate")
    return certificate


@transaction.atomic
def add_signing_certificate(
    owner, *, pkcs12_bytes: bytes, password: str, label: str, structures: Iterable[Structure]
) -> PesSigningCertificate:
    """Keep `owner`'s PKCS#12 to sign their exports for `structures` (where they hold the export right)."""
    structures = list(structures)
    allowed = set(exportable_structures(owner).values_list("pk", flat=True))
    if not structures or any(s.pk not in allowed for s in structures):
        raise CertificateError(
            _("Choisissez des structures pour lesquelles vous avez le droit d'export PES.")
        )
    cert = _read_pkcs12(pkcs12_bytes, password)
    if cert.not_valid_after_utc <= timezone.now():
        raise CertificateError(_("Ce certificat a expiré."))
    fernet = _fernet()
    certificate = PesSigningCertificate.objects.create(
        owner=owner,
        label=label.strip() or cert.subject.rfc4514_string()[:200],
        subject=cert.subject.rfc4514_string()[:500],
        issuer=cert.issuer.rfc4514_string()[:500],
        serial_number=format(cert.serial_number, "X")[:100],
        not_after=cert.not_valid_after_utc,
        pkcs12_encrypted=fernet.encrypt(pkcs12_bytes),
        password_encrypted=fernet.encrypt(password.encode()),
    )
    certificate.structures.set(structures)
    log_event(
        owner,
        "other",
        actor=owner,
        detail=f"Certificat de signature PES ajouté : {certificate.subject}"[:500],
    )
    return certificate


@transaction.atomic
def revoke_signing_certificate(certificate: PesSigningCertificate, *, actor) -> PesSigningCertificate:
    """Stop using a certificate and forget its key material (only its owner may)."""
    if certificate.owner_id != actor.pk:
        raise Http404("No such certificate")
    certificate.revoked_at = timezone.now()
    certificate.pkcs12_encrypted = b""
    certificate.password_encrypted = b""
    certificate.save(update_fields=["revoked_at", "pkcs12_encrypted", "password_encrypted"])
    log_event(
        actor,
        "other",
        actor=actor,
        detail=f"Certificat de signature PES retiré : {certificate.subject}"[:500],
    )
    return certificate


def signing_certificate_for(actor, structure: Structure) -> PesSigningCertificate | None:
    """The actor's own valid certificate for the structure; a scheduled export (no actor) is never signed.

    Only the owner's certificate signs the owner's export: another member's certificate configured for the
    same structure never signs on their behalf.
    """
    if actor is None or not getattr(actor, "pk", None):
        return None
    return (
        PesSigningCertificate.objects.filter(
            owner=actor, structures=structure, revoked_at__isnull=True, not_after__gt=timezone.now()
        )
        .order_by("-created_at")
        .first()
    )


def sign_files(report: pes.ExportReport, certificate: PesSigningCertificate) -> dict:
    """Sign every written file in place (enveloped XAdES, verified and re-validated by the signer)."""
    fernet = _fernet()
    pkcs12_bytes = fernet.decrypt(bytes(certificate.pkcs12_encrypted))
    password = fernet.decrypt(bytes(certificate.password_encrypted)).decode()
    xsd_dir = settings.CHORALE_PES_XSD_DIR or None
    info = None
    for written in report.files:
        signed = written.path.with_suffix(".signed.xml")
        try:
            info = pes.sign_pes(written.path, signed, pkcs12_bytes, password, xsd_dir=xsd_dir)
        except pes.PesSignatureError as exc:
            logger.error("PES signature failed with certificate %s: %s", certificate.uuid, exc)
            raise PesExportError(
                _("La signature du fichier PES a échoué : export abandonné."), details=[str(exc)]
            ) from exc
        signed.replace(written.path)
        written.size, written.sha256 = _digest(written.path)
    return {
        "certificate": str(certificate.uuid),
        "subject": info.subject if info else certificate.subject,
        "signing_time": info.signing_time if info else "",
    }


def _digest(path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            size += len(chunk)
            digest.update(chunk)
    return size, digest.hexdigest()
