"""Optional XAdES signature: a person's certificate signs only that person's exports, for its structures."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import SecurityEvent
from invoices.models import PesSigningCertificate
from invoices.pes import core as pes
from invoices.pes import export as pes_export
from invoices.pes import signing as pes_signing
from tests.conftest import verified_client
from tests.factories import MembershipFactory
from tests.factories_pes import (  # noqa: F401
    accepted_invoice,
    fresh_second_factor,
    personal_pkcs12,
    pes_commune,
    pes_schemas,
    pes_structure,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pes_schemas")]


@pytest.fixture
def alice(structure):
    return MembershipFactory(structure=structure, can_export_pes=True, user__first_name="Alice").user


@pytest.fixture
def bob(structure):
    return MembershipFactory(structure=structure, can_export_pes=True, user__first_name="Bob").user


def _certificate(owner, structures, name="Alice Ordonnatrice"):
    return pes_signing.add_signing_certificate(
        owner, pkcs12_bytes=personal_pkcs12(name), password="mot-de-passe", label=name, structures=structures
    )


def test_the_owners_export_is_signed_valid_and_verifiable(structure, alice, settings):
    certificate = _certificate(alice, [structure])
    invoice = accepted_invoice(structure)

    export = pes_export.export_pes(structure, actor=alice)

    pes_file = export.files.get()
    path = pes_file.file.path
    assert pes.validate_pes(path, settings.CHORALE_PES_XSD_DIR) == []
    info = pes.verify_pes_signature(path)
    assert "Alice Ordonnatrice" in info.subject
    assert export.report["signature"]["certificate"] == str(certificate.uuid)
    assert pes.read_pes(path).signatures == ["PES_Aller"]
    assert pes.read_pes(path).pjs[0].sha256 == invoice.original.sha256
    assert pes_signing._digest(path) == (pes_file.size, pes_file.sha256)


def test_another_persons_certificate_never_signs_for_them(structure, alice, bob):
    _certificate(alice, [structure])
    accepted_invoice(structure)

    export = pes_export.export_pes(structure, actor=bob)

    assert "signature" not in export.report
    assert pes.read_pes(export.files.get().file.path).signatures == []


def test_a_certificate_signs_only_for_the_structures_it_names(structure, alice):
    other = pes_structure(name="Autre commune")
    MembershipFactory(structure=other, user=alice, can_export_pes=True)
    _certificate(alice, [structure])
    accepted_invoice(other)

    export = pes_export.export_pes(other, actor=alice)

    assert pes.read_pes(export.files.get().file.path).signatures == []


def test_scheduled_and_revoked_exports_are_unsigned(structure, alice):
    certificate = _certificate(alice, [structure])
    accepted_invoice(structure)
    scheduled = pes_export.export_pes(structure, actor=None)
    pes_signing.revoke_signing_certificate(certificate, actor=alice)
    accepted_invoice(structure)

    after_revocation = pes_export.export_pes(structure, actor=alice)

    for export in (scheduled, after_revocation):
        assert pes.read_pes(export.files.get().file.path).signatures == []
    certificate.refresh_from_db()
    assert bytes(certificate.pkcs12_encrypted) == b"" and certificate.revoked_at


def test_a_certificate_is_refused_for_a_structure_without_the_export_right(alice):
    elsewhere = pes_structure(name="Commune voisine")

    with pytest.raises(pes_signing.CertificateError):
        _certificate(alice, [elsewhere])


def test_a_wrong_password_is_refused(structure, alice):
    with pytest.raises(pes_signing.CertificateError, match="mot de passe"):
        pes_signing.add_signing_certificate(
            alice, pkcs12_bytes=personal_pkcs12("Alice"), password="faux", label="", structures=[structure]
        )


def test_the_key_material_is_not_stored_in_clear(structure, alice):
    data = personal_pkcs12("Alice")
    certificate = pes_signing.add_signing_certificate(
        alice, pkcs12_bytes=data, password="mot-de-passe", label="", structures=[structure]
    )

    stored = PesSigningCertificate.objects.get(pk=certificate.pk)
    assert data not in bytes(stored.pkcs12_encrypted) and b"mot-de-passe" not in bytes(
        stored.password_encrypted
    )


def test_the_certificates_page_asks_a_fresh_second_factor_and_is_personal(client, structure, alice, bob):
    browser = verified_client(client, alice)
    url = reverse("invoices:pes_certificates")
    assert browser.get(url)["Location"].startswith(reverse("accounts:reverify"))

    upload = SimpleUploadedFile("alice.p12", personal_pkcs12("Alice Ordonnatrice"), "application/x-pkcs12")
    response = fresh_second_factor(browser).post(
        url,
        {
            "label": "Ma clé",
            "pkcs12": upload,
            "password": "mot-de-passe",
            "structures": [str(structure.uuid)],
        },
    )

    assert response.status_code == 302
    certificate = PesSigningCertificate.objects.get(owner=alice)
    assert SecurityEvent.objects.filter(
        user=alice, detail__contains="Certificat de signature PES ajouté"
    ).exists()
    bobs = fresh_second_factor(verified_client(client, bob))
    assert "Ma clé" not in bobs.get(url).content.decode()
    revoke = reverse("invoices:pes_certificate_revoke", args=[certificate.uuid])
    assert bobs.post(revoke).status_code == 404
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
