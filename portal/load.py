"""Realistic load for `manage.py generate_load`: structures, suppliers, three years of invoices, history.

What makes it realistic: a few recipients receive most invoices and a few suppliers send most of them (Zipf
weights), invoices are spread over three years with more of them lately, and each one has walked the
lifecycle as far as its age allows (made available, taken into account, service done, mandated, accounted,
paid when the structure manages payment), with the detours a real year holds: routing errors recycled,
suspensions completed, rejections, and a backlog of invoices left waiting. Every step is a history row.

Rows go in by batches, each in one transaction with the counters it adds (`invoices.lifecycle.counters`), so
`recount_statuses --check` passes after a load. On PostgreSQL they are written with COPY (psycopg 3), which
makes a million invoices in minutes; elsewhere with `bulk_create`. Invoices share a few stored originals.
"""

import itertools
import math
import random
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from stdnum import luhn

from accounts.models import Membership, Service, Structure, User
from invoices.lifecycle import counters
from invoices.lifecycle.clock import CLOCK_RUNNING
from invoices.lifecycle.reasons import STATUS_REASONS
from invoices.models import Invoice, InvoiceEvent, StoredFile
from invoices.models import InvoiceStatus as S
from invoices.storage import store_file

DAY = timedelta(days=1)
YEARS = 3
BATCH = 20_000
ORIGINALS = 3


def zipf_weights(n: int, s: float) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


def siret(n: int) -> str:
    """A valid SIRET (SIREN and whole number pass the Luhn check) numbered `n`, in the 9xx… range."""
    siren8 = f"9{n % 10**7:07d}"
    siren = siren8 + luhn.calc_check_digit(siren8)
    body = siren + f"{n // 10**7 % 10000:04d}"
    return body + luhn.calc_check_digit(body)


# --- Structures and their people ------------------------------------------------------------------------


def _new_structures(count: int, *, kind: str, prefix: str, rng: random.Random) -> list[Structure]:
    """`count` structures with their principal managers (no usable password) and manager memberships."""
    if count <= 0:
        return []
    taken = set(Structure.objects.filter(id_type=Structure.IdType.SIRET).values_list("identifier", flat=True))
    numbers = (n for n in itertools.count(rng.randrange(10**6)) if siret(n) not in taken)
    tag = uuid.uuid4().hex[:8]
    users = User.objects.bulk_create(
        [User(email=f"{prefix}-{tag}-{i}@charge.chorale.test", password="!") for i in range(count)]
    )
    public = kind == Structure.Kind.PUBLIC
    structures = Structure.objects.bulk_create(
        [
            Structure(
                kind=kind,
                identifier=siret(next(numbers)),
                name=f"{'Commune' if public else 'Entreprise'} {prefix.upper()}-{tag}-{i}",
                principal_manager=user,
                gestion_mise_en_paiement=public and rng.random() < 0.5,
                code_service_obligatoire=public and rng.random() < 0.3,
            )
            for i, user in enumerate(users)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user=s.principal_manager, structure=s, role=Membership.Role.MANAGER, can_export_pes=public
            )
            for s in structures
        ]
    )
    if public:
        Service.objects.bulk_create(
            [
                Service(structure=s, code=f"S{k:02d}", name=f"Service {k}")
                for s in structures
                for k in range(1, rng.randint(1, 6) + 1)
            ]
        )
    return structures


def _structures(kind: str, wanted: int, *, prefix: str, rng: random.Random) -> list[Structure]:
    """The existing structures of `kind` first (the demo's, say), then new ones up to `wanted`."""
    existing = list(Structure.objects.filter(kind=kind, is_active=True).order_by("pk")[:wanted])
    return existing + _new_structures(wanted - len(existing), kind=kind, prefix=prefix, rng=rng)


def _originals() -> list[StoredFile]:
    """A few stored originals shared by every generated invoice (their content is not what is measured)."""
    files = []
    for i in range(ORIGINALS):
        data = f"%PDF-1.4\n% generate_load original {i}\n%%EOF\n".encode()
        files.append(store_file(data, name=f"facture-{i}.pdf", user=None))
    return files


# --- One invoice's life ---------------------------------------------------------------------------------


@dataclass
class Life:
    """The statuses an invoice walked, each with its time, actor side (recipient or supplier) and reason."""

    steps: list = field(default_factory=list)
    delivered_at: datetime | None = None
    mandat: bool = False

    def go(self, status: str, at: datetime, side: str, reason: str = "") -> None:
        self.steps.append((status, at, side, reason))


def _reason(status: str, rng: random.Random) -> str:
    return rng.choice(STATUS_REASONS[status])


def live(created: datetime, now: datetime, rng: random.Random, *, pays: bool) -> Life:
    """How far an invoice deposited at `created` has gone by `now`."""
    life = Life()
    life.go(S.DEPOSEE, created, "supplier")
    life.go(S.MISE_A_DISPOSITION, created, "supplier")
    life.delivered_at = created
    at = created
    detour = rng.random()
    if detour < 0.015:  # routing error: sent back for recycling, usually corrected within days
        at += rng.uniform(0.5, 4) * DAY
        if at > now:
            return life
        life.go(S.A_RECYCLER, at, "recipient", _reason(S.A_RECYCLER, rng))
        at += rng.uniform(1, 10) * DAY
        if at > now or rng.random() < 0.1:
            return life
        life.go(S.DEPOSEE, at, "supplier")
        life.go(S.MISE_A_DISPOSITION, at, "supplier")
        life.delivered_at = at
    elif detour < 0.045:  # a document missing: suspended, then completed
        at += rng.uniform(1, 8) * DAY
        if at > now:
            return life
        life.go(S.SUSPENDUE, at, "recipient", _reason(S.SUSPENDUE, rng))
        at += rng.uniform(2, 20) * DAY
        if at > now or rng.random() < 0.1:
            return life
        life.go(S.COMPLETEE, at, "supplier")
        life.delivered_at = at
    elif detour < 0.065:  # rejected for good
        at += rng.uniform(1, 10) * DAY
        if at <= now:
            life.go(S.REJETEE, at, "recipient", _reason(S.REJETEE, rng))
        return life
    # The usual walk; a backlog of invoices stops at some step and waits (the "late" bucket).
    stall = rng.random() < 0.04
    # Chorus Pro's steps after delivery are optional: many bodies go straight to "service fait" or to the
    # mandat, and not every accounting step is reported.
    chain = [
        (S.PRISE_EN_COMPTE, 0.2, 3, 0.3),
        (S.SERVICE_FAIT, 1, 10, 0.7),
        (S.MANDATEE, 2, 12, 1),
        (S.COMPTABILISEE, 1, 8, 0.4 if pays else 0.8),
    ]
    if pays:
        chain.append((S.MISE_EN_PAIEMENT, 1, 5, 1))
    for status, low, high, chance in chain:
        if rng.random() >= chance:
            continue
        if stall and rng.random() < 0.4:
            return life
        at += rng.uniform(low, high) * DAY
        if at > now:
            return life
        life.go(status, at, "recipient")
        life.mandat = life.mandat or status == S.MANDATEE
    return life


# --- Building the rows ----------------------------------------------------------------------------------


@dataclass
class World:
    recipients: list
    recipient_weights: list
    services: dict
    suppliers: list
    supplier_weights: list
    originals: list


def _world(structures: int, suppliers: int, rng: random.Random) -> World:
    recipients = _structures(Structure.Kind.PUBLIC, structures, prefix="dest", rng=rng)
    companies = _structures(Structure.Kind.PRIVATE, suppliers, prefix="fourn", rng=rng)
    services: dict[int, tuple] = {}
    for service in Service.objects.filter(structure__in=recipients, is_active=True).order_by("pk"):
        services.setdefault(service.structure_id, []).append(service)
    return World(
        recipients=recipients,
        recipient_weights=list(itertools.accumulate(zipf_weights(len(recipients), 1.0))),
        services={
            pk: (found, list(itertools.accumulate(zipf_weights(len(found), 1.0))))
            for pk, found in services.items()
        },
        suppliers=companies,
        supplier_weights=list(itertools.accumulate(zipf_weights(len(companies), 1.1))),
        originals=[f.pk for f in _originals()],
    )


# Plain rows (column name → value), not model instances: a million of those would cost minutes.
INVOICE_COLUMNS = (
    "id", "uuid", "number", "year", "type_code", "format", "profile", "supplier_id", "recipient_id",
    "service_id", "code_service", "engagement", "issue_date", "due_date", "currency", "seller_name",
    "seller_siret", "seller_vat", "buyer_name", "buyer_identifier", "total_without_vat", "total_vat",
    "total_with_vat", "amount_due", "data", "original_id", "deposited_by_id", "status", "status_changed_at",
    "version", "delivered_at", "mandat_exercice", "mandat_bordereau", "mandat_numero", "mandat_ligne",
    "rejection_acknowledged_at", "created_at", "revision",
)  # fmt: skip
EVENT_COLUMNS = ("invoice_id", "from_status", "to_status", "actor_id", "at", "reason", "comment", "data")
CENT = Decimal("0.01")


def _invoice(world: World, pk: int, now: datetime, rng: random.Random, *, age: timedelta | None = None):
    """One invoice's row, its history rows and where it counts (`age`: how long ago it was deposited)."""
    recipient = rng.choices(world.recipients, cum_weights=world.recipient_weights)[0]
    supplier = rng.choices(world.suppliers, cum_weights=world.supplier_weights)[0]
    if age is None:
        # More invoices lately: the platform grows (density rising towards now).
        age = timedelta(seconds=YEARS * 365 * 86400 * (1 - math.sqrt(rng.random())))
    created = now - age
    life = live(created, now, rng, pays=recipient.gestion_mise_en_paiement)
    status, changed_at = life.steps[-1][0], life.steps[-1][1]
    service = None
    if recipient.pk in world.services and (recipient.code_service_obligatoire or rng.random() < 0.8):
        found, weights = world.services[recipient.pk]
        service = rng.choices(found, cum_weights=weights)[0]
    issued = timezone.localdate(created) - rng.randint(0, 10) * DAY
    amount = None if rng.random() < 0.003 else Decimal(f"{rng.lognormvariate(6.5, 1.2):.2f}")
    vat = None if amount is None else (amount * Decimal("0.2")).quantize(CENT)
    total = None if amount is None else amount + vat
    row = {
        "id": pk,
        "uuid": uuid.uuid4(),  # never from the seed: a second load with the same seed must not collide
        "number": f"GL-{pk}",
        "year": issued.year,
        "type_code": "380",
        "format": "facturx",
        "profile": "EN16931",
        "supplier_id": supplier.pk,
        "recipient_id": recipient.pk,
        "service_id": service.pk if service else None,
        "code_service": service.code if service else "",
        "engagement": "",
        "issue_date": issued,
        "due_date": issued + 30 * DAY,
        "currency": "EUR",
        "seller_name": supplier.name,
        "seller_siret": supplier.identifier,
        "seller_vat": "",
        "buyer_name": recipient.name,
        "buyer_identifier": recipient.identifier,
        "total_without_vat": amount,
        "total_vat": vat,
        "total_with_vat": total,
        "amount_due": total,
        "data": {},
        "original_id": world.originals[pk % len(world.originals)],
        "deposited_by_id": supplier.principal_manager_id,
        "status": status,
        "status_changed_at": changed_at,
        "version": len(life.steps) - 1,
        "delivered_at": life.delivered_at,
        "mandat_exercice": created.year if life.mandat else None,
        "mandat_bordereau": str(pk % 900 + 1) if life.mandat else "",
        "mandat_numero": str(pk) if life.mandat else "",
        "mandat_ligne": "",
        "rejection_acknowledged_at": None,
        "created_at": created,
        "revision": 0,
    }
    actors = {"supplier": supplier.principal_manager_id, "recipient": recipient.principal_manager_id}
    events, previous = [], ""
    for step_status, at, side, reason in life.steps:
        events.append((pk, previous, step_status, actors[side], at, reason, "", {}))
        previous = step_status
    place = counters.Place(
        recipient_id=recipient.pk,
        service_key=service.pk if service else counters.NO_SERVICE,
        supplier_id=supplier.pk,
        status=status,
        running_on=counters.delivery_day(life.delivered_at) if status in CLOCK_RUNNING else None,
    )
    return tuple(row[c] for c in INVOICE_COLUMNS), events, place


# --- Writing --------------------------------------------------------------------------------------------


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, datetime):
        return value.isoformat()
    # Generated text holds no tab, newline nor backslash: nothing to escape.
    return str(value)


def _copy(table: str, columns: tuple[str, ...], rows) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    statement = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        lines = []
        for row in rows:
            lines.append("\t".join(map(_copy_value, row)))
            if len(lines) >= 5000:
                copy.write("\n".join(lines) + "\n")
                lines = []
        if lines:
            copy.write("\n".join(lines) + "\n")


def _insert(model, columns: tuple[str, ...], rows) -> None:
    """Plain INSERTs of these columns, each value prepared by its field (`bulk_create` would stamp
    `created_at` with now)."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    prepare = [fields[c].get_db_prep_save for c in columns]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (our own table and column names)
        quote(model._meta.db_table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    prepared = [[p(v, connection=connection) for p, v in zip(prepare, row, strict=True)] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


def _reserve_ids(count: int) -> list[int]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Invoice._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]
    start = (Invoice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    return list(range(start, start + count))


def _write(invoices: list[tuple], events: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A load, not a payment: losing the last batches to a crash is fine, waiting on each flush not.
            cursor.execute("SET LOCAL synchronous_commit = off")
        _copy(Invoice._meta.db_table, INVOICE_COLUMNS, invoices)
        _copy(InvoiceEvent._meta.db_table, EVENT_COLUMNS, events)
    else:
        _insert(Invoice, INVOICE_COLUMNS, invoices)
        _insert(InvoiceEvent, EVENT_COLUMNS, events)


@contextmanager
def _list_indexes_set_aside(enabled: bool):
    """Without the list indexes while a large load goes in, rebuilt after: building an index over a million
    rows is much cheaper than maintaining it through a million inserts. PostgreSQL only."""
    if not enabled or connection.vendor != "postgresql":
        yield
        return
    indexes = list(Invoice._meta.indexes)
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.remove_index(Invoice, index)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
        with connection.schema_editor() as editor:
            for index in indexes:
                editor.add_index(Invoice, index)
        with connection.cursor() as cursor:
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Invoice._meta.db_table)}")


def generate(count: int, *, structures: int = 20, suppliers: int = 1000, seed=None, progress=None) -> int:
    """Create `count` invoices (and the structures they need); returns the number of history rows written."""
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        world = _world(structures, suppliers, rng)
    existing = Invoice.objects.count()
    written = 0
    with _list_indexes_set_aside(count >= max(existing, 50_000)):
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            with transaction.atomic():
                invoices, events = [], []
                tally = counters.Tally()
                for pk in _reserve_ids(size):
                    row, history, place = _invoice(world, pk, now, rng)
                    invoices.append(row)
                    events += history
                    tally.add(place)
                _write(invoices, events)
                tally.save()
            written += len(events)
            if progress:
                progress(start + size, written)
    return written


def deliver_now(count: int, *, recipient: Structure, suppliers: list[Structure], seed=None) -> list[int]:
    """`count` invoices to `recipient` just delivered (status *mise à disposition*), counted; their ids.

    For benchmarks that need fresh invoices to act on, whatever the age of the rest of the load.
    """
    rng = random.Random(seed)
    now = timezone.now()
    world = World(
        recipients=[recipient],
        recipient_weights=[1.0],
        services={},
        suppliers=suppliers,
        supplier_weights=list(itertools.accumulate(zipf_weights(len(suppliers), 1.1))),
        originals=[f.pk for f in _originals()],
    )
    with transaction.atomic():
        ids = _reserve_ids(count)
        rows, events, tally = [], [], counters.Tally()
        for pk in ids:
            # Deposited a moment ago: its life has not gone past the delivery.
            row, history, place = _invoice(world, pk, now, random.Random(rng.random()), age=timedelta(0))
            rows.append(row)
            events += history
            tally.add(place)
        _write(rows, events)
        tally.save()
    return ids
