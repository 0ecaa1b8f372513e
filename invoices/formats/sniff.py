"""What a file is, from its first bytes: the extension a user gives is never trusted on its own."""

import zipfile
from io import BytesIO

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tiff": "image/tiff",
    "xml": "application/xml",
    "text": "text/plain",
    "rtf": "application/rtf",
    "zip": "application/zip",
    "odf": "application/vnd.oasis.opendocument",
    "ole": "application/msword",
    "ooxml": "application/vnd.openxmlformats-officedocument",
}
_BINARY_MAGICS = (
    b"%PDF-",
    b"PK\x03\x04",
    b"\x7fELF",
    b"MZ",
    b"\xd0\xcf\x11\xe0",
    b"\x89PNG",
    b"\xff\xd8\xff",
)


def sniff(data: bytes) -> str | None:
    """The kind of a file from its first bytes (None when nothing known matches)."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"BM") and len(data) > 14:
        return "bmp"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return "xml"
    if b"\x00" not in data[:8192] and not head.startswith(_BINARY_MAGICS):
        return "text"
    return None


def content_type_of(data: bytes) -> str:
    return CONTENT_TYPES.get(sniff(data) or "", "application/octet-stream")


def office_archive(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist()[:1000])
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" in names:
        return "ooxml"
    if "mimetype" in names:
        return "odf"
    return None
