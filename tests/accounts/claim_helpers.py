"""Shared helpers of the claim tests: a supporting document and a public structure awaiting its claim."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import PublicStructureFactory, support_user

PDF = b"%PDF-1.7\n% Delegation du maire\n1 0 obj << >> endobj\n\x00\xff\xfe binary bytes\n%%EOF\n"


def awaiting_claim(**fields):
    """A public structure created by support and still held by it."""
    return PublicStructureFactory(principal_manager=support_user(), **fields)


def upload(data: bytes = PDF, name: str = "délégation.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")
