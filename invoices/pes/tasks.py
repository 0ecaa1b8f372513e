"""PES export in a worker: `export_pes` (writing, validating and keeping the files can take minutes).

Idempotent: an export re-run after it committed finds its invoices already exported and stops there (a
re-export with a reason is the one exception: run it once). Retried on transient failures by the project's
task class (portal/celery.py); a refusal of the export (nothing to export, missing parameters) is its result.
"""

import logging

from celery import shared_task

from accounts.models import Structure, User
from invoices.models import PesExport
from invoices.pes.export import export_pes
from invoices.pes.scope import AlreadyExported, NothingToExport, PesExportError

log = logging.getLogger(__name__)


@shared_task
def export_pes_files(
    structure_id: int,
    actor_id: int | None = None,
    invoice_ids: list[str] | None = None,
    shape: str = PesExport.Shape.PJ_LIST,
    reexport_reason: str | None = None,
    sign: bool = True,
) -> dict:
    """Export the structure's invoices (those given, or every exportable one): the export's id or why not."""
    structure = Structure.objects.get(pk=structure_id)
    actor = User.objects.get(pk=actor_id) if actor_id is not None else None
    try:
        export = export_pes(
            structure,
            actor=actor,
            invoices=invoice_ids,
            shape=shape,
            reexport_reason=reexport_reason,
            sign=sign,
        )
    except (NothingToExport, AlreadyExported) as refusal:
        log.info("PES export task for structure %s: nothing (left) to export", structure.pk)
        return {"export": None, "refused": str(refusal)}
    except PesExportError as refusal:
        log.warning("PES export task for structure %s refused: %s", structure.pk, refusal)
        return {"export": None, "refused": str(refusal)}
    return {"export": str(export.uuid), "refused": None}
