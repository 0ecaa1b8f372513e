"""The invoices an export takes, in file order, read by batches so that memory never holds a whole export."""

from collections.abc import Iterator

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Structure
from invoices.models import (
    Invoice,
    PesExport,
    PesExportItem,
)
from invoices.pes.scope import (
    PesExportError,
    check_pes_parameters,
    exportable_invoices,
    invoices_in_scope,
    mandated,
)

# Invoices are read and marked by batches: memory holds one batch, never the whole export.
BATCH = 200


def batches(values: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _ordered(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return invoices.order_by("issue_date", "number", "pk")


def selected_pks(structure: Structure, *, actor, invoices, filters, shape) -> list[int]:
    """The primary keys of the invoices to export, in file order."""
    if invoices is None:
        return list(
            exportable_invoices(structure, actor=actor, filters=filters, shape=shape).values_list(
                "pk", flat=True
            )
        )
    wanted = {str(getattr(i, "uuid", i)) for i in invoices}
    found = []
    for batch in batches(sorted(wanted)):
        found += invoices_in_scope(structure, actor=actor).filter(uuid__in=batch).values_list("pk", "uuid")
    unknown = wanted - {str(key) for _pk, key in found}
    if unknown:
        raise PesExportError(
            _(
                "%(count)d facture(s) sélectionnée(s) ne peuvent pas être exportées : introuvables, hors de "
                "vos services ou pas encore acceptées."
            )
            % {"count": len(unknown)},
            details=sorted(unknown),
        )
    pks = [pk for pk, _key in found]
    ordered = []
    for batch in batches(pks):
        ordered += _ordered(Invoice.objects.filter(pk__in=batch)).values_list("issue_date", "number", "pk")
    return [pk for *_sort, pk in sorted(ordered)]


def numbers_of(
    invoices: QuerySet[Invoice], pks: list[int], limit: int = 20
) -> tuple[int, list[str], list[str]]:
    """How many of `pks` are in `invoices`, with (at most `limit` of) their numbers and ids."""
    count, numbers, ids = 0, [], []
    for batch in batches(pks):
        rows = invoices.filter(pk__in=batch).values_list("number", "uuid")
        for number, key in rows:
            count += 1
            if len(numbers) < limit:
                numbers.append(number)
                ids.append(str(key))
    return count, numbers, ids


def listed(count: int, numbers: list[str]) -> str:
    return ", ".join(numbers) + ("…" if count > len(numbers) else "")


def check_shape(pks: list[int], shape: str) -> None:
    if shape != PesExport.Shape.REF_COMPTA:
        return
    count, numbers, ids = numbers_of(Invoice.objects.exclude(mandated()), pks)
    if count:
        raise PesExportError(
            _(
                "Le lien RefCompta demande la référence du mandat ; ces factures ne l'ont pas : "
                "%(numbers)s. Exportez-les avec la liste pour les PJRef."
            )
            % {"numbers": listed(count, numbers)},
            details=ids,
        )


def previously_exported(pks: list[int]) -> set[int]:
    """Those already sent at their current revision (a new revision goes without a re-export reason)."""
    before = set()
    for batch in batches(pks):
        sent = PesExportItem.objects.filter(invoice_id__in=batch, revision=F("invoice__revision"))
        before.update(sent.values_list("invoice_id", flat=True))
    return before


def export_problems(structure: Structure, selected: list[Invoice], *, shape: str) -> list[str]:
    """Why exporting `selected` with `shape` would be refused, for the preview (empty: it can go)."""
    pks = [i.pk for i in selected]
    problems = []
    for check in (lambda: check_pes_parameters(structure), lambda: check_shape(pks, shape)):
        try:
            check()
        except PesExportError as exc:
            problems.append(exc.message)
    exported = previously_exported(pks)
    if exported:
        problems.append(
            _("%(count)d facture(s) déjà exportée(s) : un réexport demande un motif.")
            % {"count": len(exported)}
        )
    return problems
