"""Telling Chorus Pro the statuses Chorale's users set on pulled invoices (`traiter/recue`), in order.

Every status change is already a history row (`InvoiceEvent`); each one Chorus Pro has a status for becomes
one `StatusPush` (a unique constraint: never two for one change), sent in the order of the history, an
invoice's later changes waiting while an earlier one cannot get through. A push cut short after Chorus Pro
took it is recognised on the next attempt: Chorus Pro refuses a change to the status the invoice already has,
and the invoice's current status there says the push was done.
"""

import logging

from django.db.models import F
from django.utils import timezone

from invoices.cpro import mapping
from invoices.cpro.client import ChorusProClient, ChorusProError, ChorusProRefused, ChorusProUnavailable
from invoices.cpro.models import Connection, PulledInvoice, StatusPush
from invoices.cpro.pulling import CLAIM, retry_delay
from invoices.lifecycle.reasons import label
from invoices.models import InvoiceEvent, InvoiceStatus

log = logging.getLogger(__name__)

# Changes Chorus Pro takes from a recipient; the delivery (MISE_A_DISPOSITION) came from Chorus Pro itself.
PUSHED_STATUSES = frozenset(
    status
    for status, code in mapping.STATUSES.items()
    if code in mapping.TRAITER_RECUE_TARGETS and status != InvoiceStatus.MISE_A_DISPOSITION
)
STATUS_CONFLICT = 20002


def enqueue(connection: Connection) -> int:
    """A push for every change made in Chorale to a pulled invoice that has none yet; how many."""
    events = (
        InvoiceEvent.objects.filter(
            invoice__cpro_origin__connection=connection,
            invoice__cpro_origin__state=PulledInvoice.State.DONE,
            to_status__in=PUSHED_STATUSES,
            cpro_push__isnull=True,
        )
        .exclude(actor=connection.account)
        .select_related("invoice__cpro_origin")
        .order_by("at", "pk")
    )
    pushes = [
        StatusPush(
            pulled=event.invoice.cpro_origin,
            event=event,
            status=mapping.cpro_status(event.to_status),
            motif=mapping.push_motif(
                event.reason, event.comment, label(event.reason) if event.reason else ""
            ),
            numero_dp_mandat=_mandat(event),
        )
        for event in events
    ]
    StatusPush.objects.bulk_create(pushes, ignore_conflicts=True)
    return len(pushes)


def _mandat(event: InvoiceEvent) -> str:
    mandat = (event.data or {}).get("mandat") or {}
    parts = [str(mandat.get(k) or "") for k in ("exercice", "bordereau", "numero", "ligne")]
    return "/".join(parts if parts[3] else parts[:3]) if parts[0] else ""


def send_due(connection: Connection, client: ChorusProClient) -> list[str]:
    """Send the pushes that are due, oldest first; the errors met, for the connection's page."""
    now = timezone.now()
    errors, waiting = [], set()
    pending = (
        StatusPush.objects.filter(pulled__connection=connection, state=StatusPush.State.PENDING)
        .select_related("pulled", "event")
        .order_by("event__at", "event_id")
    )
    for push in list(pending):
        if push.pulled_id in waiting:
            continue
        if push.next_attempt_at > now or not _claim(push, now):
            waiting.add(push.pulled_id)  # a later change of the same invoice must not overtake this one
            continue
        try:
            _send(push, client)
        except ChorusProUnavailable as error:
            waiting.add(push.pulled_id)
            StatusPush.objects.filter(pk=push.pk).update(
                next_attempt_at=timezone.now() + retry_delay(push.attempts), last_error=str(error)[:2000]
            )
            errors.append(f"{push.pulled.number} → {push.status} : {error}")
        except ChorusProRefused as error:
            StatusPush.objects.filter(pk=push.pk).update(
                state=StatusPush.State.REFUSED, last_error=str(error)[:2000]
            )
            errors.append(f"{push.pulled.number} → {push.status} : {error}")
    return errors


def _claim(push: StatusPush, now) -> bool:
    taken = StatusPush.objects.filter(
        pk=push.pk,
        state=StatusPush.State.PENDING,
        next_attempt_at=push.next_attempt_at,
        next_attempt_at__lte=now,
    ).update(next_attempt_at=now + CLAIM, attempts=F("attempts") + 1)
    push.refresh_from_db()
    return bool(taken)


def _send(push: StatusPush, client: ChorusProClient) -> None:
    try:
        client.treat(push.pulled.origin_id, push.status, motif=push.motif, mandat=push.numero_dp_mandat)
    except ChorusProRefused as refused:
        if refused.code != STATUS_CONFLICT or not _already_there(push, client):
            raise
    StatusPush.objects.filter(pk=push.pk).update(
        state=StatusPush.State.DONE, done_at=timezone.now(), last_error=""
    )
    log.info("status %s of Chorus Pro invoice %s pushed", push.status, push.pulled.origin_id)


def _already_there(push: StatusPush, client: ChorusProClient) -> bool:
    try:
        return client.current_status(push.pulled.origin_id) == push.status
    except ChorusProError:
        return False
