"""The connector to Chorus Pro itself: a public structure's credentials, and its synchronisations.

A structure's manager records the structure's PISTE client and Chorus Pro technical account (kept encrypted);
a scheduled task (`invoices.cpro.tasks`) then synchronises each connection in turn: pull the invoices Chorus
Pro received for the structure into Chorale (`pulling`), push back the statuses set in Chorale (`pushing`).
A connection that cannot reach Chorus Pro waits longer and longer before trying again; what went wrong is on
its page, with the invoices that are pending or were refused.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access, cpro_identity, services
from accounts.journal import log_event
from accounts.models import SecurityEvent, Structure
from invoices.cpro import pulling, pushing
from invoices.cpro.client import ChorusProClient, ChorusProError, Credentials
from invoices.cpro.models import Connection, PulledInvoice, StatusPush
from invoices.storage import sealed

log = logging.getLogger(__name__)

SYNC_LEASE = timedelta(minutes=30)


class ConnectorError(services.StructureError):
    pass


def _fernet():
    return sealed.fernet(salt=b"chorale-cpro-connector", info=b"credentials")


# --- Credentials --------------------------------------------------------------------------------------------


def _require_manager(actor, structure: Structure) -> None:
    if not access.is_manager(actor, structure):
        raise services.NotAllowed(_("Seul un gestionnaire de la structure gère sa connexion à Chorus Pro."))
    if not structure.is_public:
        raise ConnectorError(_("Seule une entité publique reçoit des factures de Chorus Pro."))


@transaction.atomic
def record_connection(
    structure: Structure,
    *,
    actor,
    client_id: str,
    client_secret: str,
    login: str,
    password: str,
    request=None,
) -> Connection:
    """Create or replace the structure's Chorus Pro credentials; the next synchronisation runs at once."""
    _require_manager(actor, structure)
    fernet = _fernet()
    connection = Connection.objects.select_for_update().filter(structure=structure).first()
    if connection is None:
        connection = Connection(structure=structure, created_by=actor)
    if connection.account_id is None or not connection.account.is_active:
        connection.account = cpro_identity.create_connector_account(structure)
    connection.client_id = client_id.strip()
    connection.client_secret_encrypted = fernet.encrypt(client_secret.encode())
    connection.login = login.strip()
    connection.password_encrypted = fernet.encrypt(password.encode())
    connection.is_active = True
    connection.failures = 0
    connection.last_error = ""
    connection.next_sync_at = timezone.now()
    connection.save()
    log_event(
        actor,
        SecurityEvent.Kind.OTHER,
        request=request,
        detail=f"Connexion à Chorus Pro enregistrée pour {structure.name} ({connection.login})"[:500],
        actor=actor,
    )
    return connection


def set_active(connection: Connection, *, actor, active: bool) -> Connection:
    _require_manager(actor, connection.structure)
    connection.is_active = active
    connection.next_sync_at = timezone.now()
    connection.save(update_fields=["is_active", "next_sync_at", "updated_at"])
    return connection


def credentials(connection: Connection) -> Credentials:
    fernet = _fernet()
    return Credentials(
        client_id=connection.client_id,
        client_secret=fernet.decrypt(bytes(connection.client_secret_encrypted)).decode(),
        login=connection.login,
        password=fernet.decrypt(bytes(connection.password_encrypted)).decode(),
    )


def client_for(connection: Connection) -> ChorusProClient:
    return ChorusProClient(credentials(connection))


# --- Lookups for the connector's page -----------------------------------------------------------------


def connection_of(structure: Structure) -> Connection | None:
    return Connection.objects.filter(structure=structure).select_related("account").first()


def get_pulled_for_manager(connection: Connection, item_uuid) -> PulledInvoice:
    item = connection.pulled.filter(uuid=item_uuid).first()
    if item is None:
        raise Http404("No such pulled invoice")
    return item


def get_push_for_manager(connection: Connection, push_uuid) -> StatusPush:
    push = StatusPush.objects.filter(pulled__connection=connection, uuid=push_uuid).first()
    if push is None:
        raise Http404("No such status push")
    return push


# --- Operations a manager asks for -------------------------------------------------------------------


def request_sync(connection: Connection, *, actor) -> None:
    """Synchronise at the scheduler's next round, with every pending item due now."""
    _require_manager(actor, connection.structure)
    now = timezone.now()
    Connection.objects.filter(pk=connection.pk).update(next_sync_at=now)
    connection.pulled.filter(state=PulledInvoice.State.PENDING).update(next_attempt_at=now)
    StatusPush.objects.filter(pulled__connection=connection, state=StatusPush.State.PENDING).update(
        next_attempt_at=now
    )


def retry_pulled(item: PulledInvoice, *, actor) -> None:
    """Another round for an invoice Chorale refused (after the cause was fixed): a new deposit attempt."""
    _require_manager(actor, item.connection.structure)
    PulledInvoice.objects.filter(pk=item.pk, state=PulledInvoice.State.REFUSED).update(
        state=PulledInvoice.State.PENDING, rounds=F("rounds") + 1, attempts=0, next_attempt_at=timezone.now()
    )


def retry_push(push: StatusPush, *, actor) -> None:
    _require_manager(actor, push.pulled.connection.structure)
    StatusPush.objects.filter(pk=push.pk, state=StatusPush.State.REFUSED).update(
        state=StatusPush.State.PENDING, attempts=0, next_attempt_at=timezone.now()
    )


# --- Synchronisation ---------------------------------------------------------------------------------


@dataclass
class SyncResult:
    found: int = 0
    enqueued: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def sync(connection: Connection, *, client: ChorusProClient | None = None) -> SyncResult:
    """One synchronisation: find new invoices, deposit the due ones, push the statuses. Never raises for
    Chorus Pro's failures: they are recorded on the connection and its items, and retried later."""
    result = SyncResult()
    if not connection.account.is_active:
        result.errors.append(_("Le compte technique du connecteur est désactivé : réactivez-le."))
        return _finish(connection, result)
    client = client or client_for(connection)
    result.enqueued = pushing.enqueue(connection)
    try:
        result.found = pulling.find_new(connection, client)
    except ChorusProError as error:
        result.errors.append(str(error))  # Chorus Pro out of reach: the rest waits for the next round
    else:
        result.errors += pulling.deposit_due(connection, client)
        result.errors += pushing.send_due(connection, client)
    return _finish(connection, result)


def _finish(connection: Connection, result: SyncResult) -> SyncResult:
    now = timezone.now()
    if result.ok:
        failures, wait, success = 0, timedelta(minutes=settings.CHORALE_CPRO_SYNC_MINUTES), now
        if connection.pulled.filter(state=PulledInvoice.State.PENDING, next_attempt_at__lte=now).exists():
            wait = timedelta(minutes=1)  # more invoices than one round deposits: the next round comes soon
    else:
        failures = connection.failures + 1
        wait = min(pulling.retry_delay(failures), timedelta(minutes=settings.CHORALE_CPRO_SYNC_MINUTES))
        success = connection.last_success_at
        log.warning(
            "Chorus Pro synchronisation of %s: %s", connection.structure, "; ".join(result.errors)[:500]
        )
    Connection.objects.filter(pk=connection.pk).update(
        last_sync_at=now,
        last_success_at=success,
        failures=failures,
        last_error="\n".join(result.errors)[:4000],
        next_sync_at=now + wait,
    )
    connection.refresh_from_db()
    return result


def sync_due_connections() -> int:
    """Synchronise every active connection that is due (each claimed first: one worker per connection)."""
    done = 0
    now = timezone.now()
    for connection in Connection.objects.filter(is_active=True, next_sync_at__lte=now).select_related(
        "structure", "account"
    ):
        claimed = Connection.objects.filter(pk=connection.pk, next_sync_at=connection.next_sync_at).update(
            next_sync_at=now + SYNC_LEASE
        )
        if claimed:
            sync(connection)
            done += 1
    return done
