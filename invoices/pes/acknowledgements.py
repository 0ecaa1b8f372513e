"""Hélios's acknowledgements (PES_ACQUIT): import one, match it to the export file it answers, record the
verdict, and send the invoices Hélios refused back to the exportable ones under a new IdUnique revision.

The file comes from outside: `invoices.pes.core.read_acquit` refuses anything hostile or foreign (validated
against the acknowledgement schema when `CHORALE_PES_XSD_DIR` is set). It is matched by its NomFic to a file
of an export the importer may make (the scheduled import, actor None, sees every file), then its header is
checked against the structure's PES parameters. A refusal stores nothing.
"""

import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.journal import log_event
from invoices.models import HeliosStatus, Invoice, PesAcknowledgement, PesExportItem, PesFile
from invoices.pes import core as pes
from invoices.pes.scope import PesExportError, exportable_structures, get_export_for_user, pes_header

VERDICTS = {
    "accepted": HeliosStatus.ACCEPTED,
    "partial": HeliosStatus.PARTIAL,
    "rejected": HeliosStatus.REJECTED,
}


class AcknowledgementRefused(PesExportError):
    """The acknowledgement is not read or answers none of the importer's files: nothing was stored."""


def _in_language(fr: str, en: str) -> str:
    return en if (get_language() or "fr").startswith("en") else fr


def _read(data: bytes) -> pes.PesAcquit:
    try:
        return pes.read_acquit(data, xsd_dir=settings.CHORALE_PES_XSD_DIR or None)
    except pes.AcquitRefusedError as exc:
        raise AcknowledgementRefused(
            _in_language(exc.message_fr, exc.message_en), details=exc.errors[:20]
        ) from exc
    except pes.SchemaNotFoundError as exc:
        raise AcknowledgementRefused(
            _("Les schémas PES configurés n'ont pas le schéma des acquittements : import impossible."),
            details=[str(exc)],
        ) from exc


def _answered_file(ack: pes.PesAcquit, actor) -> PesFile:
    files = PesFile.objects.select_related("export__structure").filter(nom_fic=ack.answered_nom_fic)
    if actor is not None:
        files = files.filter(export__structure__in=exportable_structures(actor))
    pes_file = files.order_by("-pk").first()
    if pes_file is not None and actor is not None:
        get_export_for_user(actor, pes_file.export.uuid)  # services limits: 404 like any other lookup
    if pes_file is None:
        raise AcknowledgementRefused(
            _(
                "Cet acquittement répond au fichier %(nom_fic)s, qui n'est aucun des fichiers PES que vous "
                "pouvez voir : il n'a pas été enregistré."
            )
            % {"nom_fic": ack.nom_fic[:100]}
        )
    mismatches = ack.header_mismatches(pes_header(pes_file.export.structure))
    if mismatches:
        raise AcknowledgementRefused(
            _("Cet acquittement ne correspond pas au fichier %(nom_fic)s envoyé : il n'a pas été enregistré.")
            % {"nom_fic": pes_file.nom_fic},
            details=[_in_language(m.message_fr, m.message_en) for m in mismatches],
        )
    return pes_file


def _error_record(error: pes.AckError) -> dict:
    return {
        "code": error.code,
        "label_fr": error.label_fr,
        "label_en": error.label_en,
        "message": error.message,
        "num_piece": error.num_piece,
        "num_ligne": error.num_ligne,
    }


def _content(ack: pes.PesAcquit) -> dict:
    return {
        "schema_version": ack.schema_version,
        "nom_fic": ack.nom_fic,
        "dte_str": ack.dte_str,
        "id_post": ack.id_post,
        "id_coll": ack.id_coll,
        "cod_col": ack.cod_col,
        "cod_bud": ack.cod_bud,
        "elements": [
            {
                "domain": e.domain,
                "domain_label_fr": e.domain_label_fr,
                "domain_label_en": e.domain_label_en,
                "accepted": e.accepted,
                "state_label_fr": e.state_label_fr,
                "state_label_en": e.state_label_en,
                "id_unique": e.id_unique,
                "exercice": e.exercice,
                "num_bord": e.num_bord,
                "errors": [_error_record(error) for error in e.errors],
            }
            for e in ack.elements
        ],
    }


def import_acknowledgement(data: bytes, *, actor, file_name: str = "", request=None) -> PesAcknowledgement:
    """Record what Hélios answered to one of our files; the refused PJ's invoices go to a new revision."""
    ack = _read(data)
    pes_file = _answered_file(ack, actor)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        pes_file = PesFile.objects.select_for_update().select_related("export__structure").get(pk=pes_file.pk)
        if pes_file.acknowledgements.filter(sha256=digest).exists():
            raise AcknowledgementRefused(
                _("Cet acquittement du fichier %(nom_fic)s a déjà été importé.")
                % {"nom_fic": pes_file.nom_fic}
            )
        verdict = VERDICTS[ack.verdict]
        reopened = _apply(pes_file, ack)
        content = {**_content(ack), "reopened": reopened}
        acknowledgement = PesAcknowledgement.objects.create(
            pes_file=pes_file,
            imported_by=actor,
            verdict=verdict,
            file_name=(file_name or "")[:255],
            sha256=digest,
            content=content,
        )
        pes_file.helios_status = verdict
        pes_file.acknowledged_at = timezone.now()
        pes_file.save(update_fields=["helios_status", "acknowledged_at"])
        if actor is not None:
            numbers = ", ".join(r["number"] for r in reopened[:20])
            log_event(
                actor,
                "other",
                request=request,
                actor=actor,
                detail=(
                    f"Acquittement Hélios de {pes_file.nom_fic} ({pes_file.export.structure.identifier}) : "
                    f"{ack.verdict_label_fr}" + (f" ; à réexporter : {numbers}" if numbers else "")
                )[:500],
            )
    return acknowledgement


def _apply(pes_file: PesFile, ack: pes.PesAcquit) -> list[dict]:
    """Mark each PJ of the file as Hélios answered; the invoices of a refused PJ move to their next revision.

    The revision moves only from the one the file carried, so a second acknowledgement of the same file, or
    one arriving after a mandat rejection already moved the invoice on, changes nothing more.
    """
    reopened = {}
    items = PesExportItem.objects.filter(pes_file=pes_file).select_related("invoice")
    for item in items:
        accepted = ack.pj_accepted(item.id_unique)
        if accepted is None:
            continue
        status = HeliosStatus.ACCEPTED if accepted else HeliosStatus.REJECTED
        PesExportItem.objects.filter(pk=item.pk).update(helios_status=status)
        if accepted or item.invoice_id in reopened:
            continue
        moved = Invoice.objects.filter(pk=item.invoice_id, revision=item.revision).update(
            revision=F("revision") + 1
        )
        if moved:
            reopened[item.invoice_id] = {
                "id": str(item.invoice.uuid),
                "number": item.invoice.number,
                "revision": item.revision + 1,
            }
    return list(reopened.values())


def acknowledgements_of(export) -> list[PesAcknowledgement]:
    return list(
        PesAcknowledgement.objects.filter(pes_file__export=export)
        .select_related("pes_file", "imported_by")
        .order_by("-imported_at", "-pk")
    )
