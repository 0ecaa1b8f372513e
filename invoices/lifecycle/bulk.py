"""Status changes over many invoices at once, set-based: a few statements per chunk, whatever its size.

The rules are `set_status`'s, checked invoice by invoice under the row locks (version, transition table,
reason, mandat reference), and each invoice gets its own result. What changes is the cost: per chunk of
invoices, one statement finds and locks them all (tenant-scoped, in id order so that two batches never
deadlock), one inserts the history rows, one updates the invoices that end in the same state, and one
moves the counters; the chunk is one transaction. The supplier's users get one e-mail per batch listing
their invoices, once the changes are committed (`notifications.statuses_changed`).
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import access_of
from invoices.lifecycle import counters, notifications
from invoices.lifecycle.operations import _check_mandat, _check_reason, _check_transition, _check_version
from invoices.lifecycle.queries import received_invoices_for, roles_of
from invoices.lifecycle.transitions import SET_STATUS, LifecycleError
from invoices.models import Invoice, InvoiceEvent
from invoices.models import InvoiceStatus as S

CHUNK_SIZE = 500
NOT_FOUND = "not_found"


@dataclass(frozen=True)
class StatusChange:
    """One invoice (its public id) to move to `status`, as a bulk request asks."""

    id: object
    status: str
    reason: str = ""
    comment: str = ""
    version: object = None
    mandat: dict | None = None


@dataclass
class ChangeResult:
    """What became of one change: `error` is not_found, illegal_transition, conflict or invalid."""

    id: str
    ok: bool
    invoice: Invoice | None = None
    error: str | None = None
    detail: str = ""
    status: str | None = None
    version: int | None = None

    @property
    def label(self) -> str:
        """The invoice's number when the user may see it, else the id asked for."""
        return self.invoice.number if self.invoice is not None else self.id


@dataclass
class _Chunk:
    now: object
    events: list = field(default_factory=list)
    moved: list = field(default_factory=list)
    touched: dict = field(default_factory=dict)
    fields: dict = field(default_factory=lambda: defaultdict(set))
    first_place: dict = field(default_factory=dict)


def _uuid(value):
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def change_statuses(
    changes: list[StatusChange],
    *,
    actor,
    among: QuerySet[Invoice] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> list[ChangeResult]:
    """Apply each change the actor may make, in order; one result per change, in the same order.

    `among` is the tenant-scoped queryset the invoices are looked up in (default: the invoices the actor
    receives for triage); an id outside it is `not_found`, as an outsider's lookup answers 404.
    """
    among = received_invoices_for(actor) if among is None else among
    access = access_of(actor)
    results: list[ChangeResult | None] = [None] * len(changes)
    batch: list[notifications.Moved] = []
    indexed = list(enumerate(changes))
    for start in range(0, len(indexed), chunk_size):
        _change_chunk(
            indexed[start : start + chunk_size], results, actor=actor, among=among, access=access, batch=batch
        )
    # Registered after the chunks' own callbacks: it runs once they have all gathered their changes.
    notifications.queue_batch_emails_on_commit(batch)
    return results


def _change_chunk(chunk, results, *, actor, among, access, batch) -> None:
    wanted = {_uuid(change.id) for _index, change in chunk} - {None}
    state = _Chunk(now=timezone.now())
    with transaction.atomic():
        locked = {
            invoice.uuid: invoice
            # The extracted data are not needed to change a status, and may weigh kilobytes per invoice.
            for invoice in among.filter(uuid__in=wanted)
            .defer("data")
            .select_for_update(of=("self",))
            .order_by("pk")
        }
        for index, change in chunk:
            invoice = locked.get(_uuid(change.id))
            if invoice is None:
                results[index] = ChangeResult(
                    str(change.id), False, error=NOT_FOUND, detail=_("Facture introuvable.")
                )
                continue
            results[index] = _apply(invoice, change, state, actor=actor, access=access)
        _write(state)
        moved = list(state.moved)
        transaction.on_commit(lambda: batch.extend(moved))


def _apply(invoice: Invoice, change: StatusChange, state: _Chunk, *, actor, access) -> ChangeResult:
    """Check one change under the lock and apply it to the invoice in memory (written with the chunk)."""
    reason = (change.reason or "").strip().upper()
    comment = (change.comment or "").strip()
    try:
        _check_version(invoice, change.version)
        transition = _check_transition(
            invoice, change.status, roles_of(actor, invoice, user_access=access), SET_STATUS
        )
        _check_reason(transition, reason, comment)
        mandat = _check_mandat(transition, change.mandat)
    except LifecycleError as error:
        return ChangeResult(str(invoice.uuid), False, invoice, error=error.code, detail=error.message)
    state.first_place.setdefault(invoice.pk, counters.place_of(invoice))
    extra = {f"mandat_{k}": v for k, v in mandat.items()}
    if change.status == S.REJETEE:
        extra["rejection_acknowledged_at"] = None
    state.events.append(
        InvoiceEvent(
            invoice=invoice,
            from_status=invoice.status,
            to_status=change.status,
            actor=actor,
            at=state.now,
            reason=reason,
            comment=comment,
            data={"mandat": mandat} if mandat else {},
        )
    )
    invoice.status = change.status
    invoice.status_changed_at = state.now
    invoice.version += 1
    for name, value in extra.items():
        setattr(invoice, name, value)
    state.touched[invoice.pk] = invoice
    state.fields[invoice.pk].update(extra)
    state.moved.append(notifications.Moved(invoice.pk, change.status, reason, comment))
    return ChangeResult(
        str(invoice.uuid),
        True,
        invoice,
        detail=_("Statut « %(s)s » enregistré.") % {"s": S(change.status).label},
        status=invoice.status,
        version=invoice.version,
    )


def _write(state: _Chunk) -> None:
    """The chunk's history rows, invoices (one UPDATE per final state) and counters."""
    if not state.touched:
        return
    InvoiceEvent.objects.bulk_create(state.events)
    groups = defaultdict(list)
    for pk, invoice in state.touched.items():
        extra = tuple(sorted((name, getattr(invoice, name)) for name in state.fields[pk]))
        groups[(invoice.status, invoice.version, extra)].append(pk)
    for (status, version, extra), pks in groups.items():
        Invoice.objects.filter(pk__in=pks).update(
            status=status, status_changed_at=state.now, version=version, **dict(extra)
        )
    tally = counters.Tally()
    for pk, invoice in state.touched.items():
        tally.move(state.first_place[pk], counters.place_of(invoice))
    tally.save()
