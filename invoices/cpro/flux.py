"""Chorus Pro flows into Chorale's deposit: the one place where the compatible API and the connector call it.

`deposit_flux` is `factures/v1/deposer/flux`: the same deposit as the portal's and `/api/v1/`'s (same reading,
validation, routing, storage, report), so a flow deposited here is a deposit like any other. A flow is one
invoice file, a ZIP of them (opened by the deposit itself), or a `.tar.gz` of them (OCA sends one for several
invoices), opened here with the ZIP's limits and handed over file by file.

`deposit_pulled` deposits an invoice the connector downloaded from Chorus Pro, on the supplier's behalf, to
the connection's structure only.
"""

import posixpath
import tarfile
import zlib
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from accounts.models import Structure
from invoices.deposit.operations import OversizedUpload, deposit_files
from invoices.deposit.routing import RoutingContext
from invoices.deposit.validation import Limits, Size
from invoices.models import Deposit

_GZIP = b"\x1f\x8b"
_BZIP2 = b"BZh"
_XZ = b"\xfd7zXZ\x00"
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")


class FluxRefused(Exception):
    """A flow that cannot even be attempted (an unreadable or oversized archive)."""


def deposit_flux(user, *, data: bytes, name: str) -> Deposit:
    """Deposit a Chorus Pro flow (`deposer/flux`) for `user` through Chorale's deposit."""
    limits = Limits.from_settings()
    files = expand_tar(name, data, limits) if is_tar(name, data) else [ContentFile(data, name=name)]
    return deposit_files(user, files, channel=Deposit.Channel.API)


def is_tar(name: str, data: bytes) -> bool:
    lowered = (name or "").lower()
    if lowered.endswith(TAR_SUFFIXES):
        return True
    compressed = data[:2] == _GZIP or data[:3] == _BZIP2 or data[:6] == _XZ
    return compressed or (len(data) > 262 and data[257:262] == b"ustar")


def expand_tar(name: str, data: bytes, limits: Limits) -> list:
    """The files of a (compressed) tar archive, read with the limits of a ZIP.

    Read as a stream, member after member: reaching the next member inflates the current one, so the sum of
    the sizes the headers declare is checked *before* moving on, which caps the work a bomb can ask for.
    """
    files, declared = [], 0
    too_large = FluxRefused(
        _("L'archive « %(name)s » se décompresse en plus de %(limit)s : refusée.")
        % {"name": name, "limit": Size(limits.max_zip_bytes)}
    )
    try:
        with tarfile.open(fileobj=BytesIO(data), mode="r|*") as archive:
            for info in archive:
                declared += max(info.size, 0)
                if declared > limits.max_zip_bytes:
                    raise too_large
                base = posixpath.basename(info.name.replace("\\", "/"))
                if not info.isfile() or not base or base.startswith(".") or info.name.startswith("__MACOSX/"):
                    continue
                if len(files) >= limits.max_zip_members:
                    raise FluxRefused(
                        _("L'archive « %(name)s » contient plus de %(limit)d fichiers.")
                        % {"name": name, "limit": limits.max_zip_members}
                    )
                if info.size > limits.max_file_bytes:
                    files.append(OversizedUpload(base))
                    continue
                stream = archive.extractfile(info)
                files.append(ContentFile(stream.read(limits.max_file_bytes + 1), name=base))
    except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError) as exc:
        raise FluxRefused(
            _("L'archive « %(name)s » est illisible : %(detail)s") % {"name": name, "detail": str(exc)[:200]}
        ) from exc
    if not files:
        raise FluxRefused(_("L'archive « %(name)s » ne contient aucun fichier.") % {"name": name})
    return files


# --- The connector -----------------------------------------------------------------------------------


class ImportRouting(RoutingContext):
    """The routing context of an invoice Chorus Pro already routed: from this supplier, to this
    structure only.

    The connector deposits on the supplier's behalf (Chorus Pro authenticated the supplier); an invoice whose
    data name another recipient is refused rather than delivered to some other structure of Chorale.
    """

    def __init__(self, user, *, supplier: Structure, recipient: Structure):
        super().__init__(user, supplier=supplier)
        self.only_recipient = recipient
        self._depositable = [supplier]

    def recipient(self, siret: str, code: str = "") -> Structure | None:
        if siret != self.only_recipient.identifier:
            return None
        return super().recipient(siret, code)


def deposit_pulled(
    account, *, data: bytes, name: str, supplier: Structure, recipient: Structure, form: dict | None, key: str
) -> Deposit:
    """Deposit one invoice downloaded from Chorus Pro, once: `key` makes a second attempt return the first."""
    return deposit_files(
        account,
        [ContentFile(data, name=name)],
        supplier=supplier,
        routing_form=form,
        channel=Deposit.Channel.API,
        idempotency_key=key,
        archives=False,
        routing_context=ImportRouting(account, supplier=supplier, recipient=recipient),
    )
