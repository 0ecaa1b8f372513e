"""Demo invoices for `manage.py load_demo`: real generated files deposited through the real path."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from invoices import lifecycle
from invoices.deposit.operations import deposit_files
from invoices.formats import samples
from invoices.lifecycle import counters
from invoices.models import Invoice
from invoices.models import InvoiceStatus as S

# A step of the walk: a status set by the demo accountant, or (who, what) for the public accountant's steps.
COMPTABLE = "public_accountant"
REJECT_MANDAT = "reject_mandat"

# number, supplier, recipient, service code, format, amount, days since delivery, statuses to walk
_PLAN = [
    ("DUR-2026-001", "durand", "villebelle", "VOIRIE", "facturx", "1250.00", 3, []),
    ("DUR-2026-002", "durand", "villebelle", "ECOLES", "facturx", "480.00", 12, [S.PRISE_EN_COMPTE]),
    ("DUR-2026-003", "durand", "villebelle", "VOIRIE", "cii", "3200.00", 22, [S.SERVICE_FAIT]),
    (
        "DUR-2026-004",
        "durand",
        "villebelle",
        "CULTURE",
        "ubl",
        "760.50",
        34,
        [S.SERVICE_FAIT, S.MANDATEE, (COMPTABLE, S.COMPTABILISEE)],
    ),
    ("DUR-2026-005", "durand", "villebelle", "ECOLES", "facturx", "129.90", 25, [S.MANDATEE]),
    ("DUR-2026-006", "durand", "syndicat", None, "facturx", "2100.00", 8, [S.SUSPENDUE]),
    ("INF-2026-101", "infoserv", "syndicat", None, "facturx", "5400.00", 15, [S.SERVICE_FAIT]),
    ("INF-2026-102", "infoserv", "villebelle", "CULTURE", "ubl", "890.00", 1, []),
    # The comptable rejected the first mandat; the commune issued a new one (the history keeps both).
    (
        "DUR-2026-007",
        "durand",
        "villebelle",
        "VOIRIE",
        "facturx",
        "980.00",
        18,
        [S.SERVICE_FAIT, S.MANDATEE, (COMPTABLE, REJECT_MANDAT), S.MANDATEE],
    ),
    # Long overdue: its interest runs in a semester whose ECB rate is in the table.
    ("INF-2025-090", "infoserv", "villebelle", "ECOLES", "facturx", "2450.00", 400, [S.SERVICE_FAIT]),
    # The hospital's délai is 50 days, the public undertaking's 60.
    ("INF-2026-103", "infoserv", "hopital", None, "facturx", "1320.00", 40, [S.PRISE_EN_COMPTE]),
    ("DUR-2026-008", "durand", "sem", None, "facturx", "3100.00", 45, []),
]


def _document(fmt: str, **fields) -> tuple[str, bytes]:
    if fmt == "cii":
        return f"{fields['number']}.xml", samples.cii_invoice("EN16931", **fields)
    if fmt == "ubl":
        return f"{fields['number']}.xml", samples.ubl_invoice(**fields)
    return f"{fields['number']}.pdf", samples.facturx_pdf("EN16931", **fields)


def load_invoices(world: dict) -> int:
    """Deposit the demo invoices once, then walk them through the statuses an accountant would set."""
    users = world["users"]
    depositors = {"durand": users["supplier"], "infoserv": users["supplier2"]}
    created = 0
    for index, (number, supplier_key, recipient_key, code, fmt, amount, age, walk) in enumerate(_PLAN):
        supplier, recipient = world[supplier_key], world[recipient_key]
        if Invoice.objects.filter(supplier=supplier, number=number).exists():
            continue
        issue = timezone.localdate() - timedelta(days=age + 2)
        name, data = _document(
            fmt,
            number=number,
            issue_date=date(issue.year, issue.month, issue.day),
            seller_name=supplier.name,
            seller_siret=supplier.identifier,
            buyer_name=recipient.name,
            buyer_siret=recipient.identifier,
            service_code=code,
            engagement=f"EJ-2026-{index + 1:04d}" if code else None,
            amount=Decimal(amount),
        )
        deposit = deposit_files(depositors[supplier_key], [SimpleUploadedFile(name, data)], supplier=supplier)
        invoice = Invoice.objects.filter(deposit_documents__deposit=deposit).first()
        if invoice is None:
            raise RuntimeError(f"demo invoice {number} was refused: {deposit.report}")
        with transaction.atomic():
            # Backdated as if deposited and delivered `age` days ago: its ageing counter moves with it.
            before = counters.place_of(invoice)
            invoice.delivered_at -= timedelta(days=age)
            invoice.created_at -= timedelta(days=age)
            invoice.save(update_fields=["delivered_at", "created_at"])
            counters.count_move(before, counters.place_of(invoice))
        for step in walk:
            invoice = _walk(invoice, step, index, users)
        created += 1
    return created


def _walk(invoice, step, index: int, users):
    """One step of a demo invoice's walk, by the demo accountant or the demo public accountant."""
    who, target = step if isinstance(step, tuple) else ("accountant", step)
    actor = users[who]
    if target == REJECT_MANDAT:
        return lifecycle.reject_mandat(
            invoice, actor=actor, reason="MANDAT_IMPUTATION", comment="Imputation à corriger : compte 6156."
        )
    extra = {}
    if target == S.MANDATEE:
        number = 300 + index + (50 if invoice.revision else 0)
        extra["mandat"] = {"exercice": 2026, "bordereau": "12", "numero": str(number), "ligne": "1"}
    if target == S.SUSPENDUE:
        extra.update(reason="JUSTIF_ABS", comment="Merci de joindre le bon de livraison signé.")
    return lifecycle.set_status(invoice, target, actor=actor, **extra)
