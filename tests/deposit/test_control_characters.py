"""Control characters in invoice text (a CR/LF inside an invoice number, a bidirectional override) never
reach an e-mail, a list or an export: intake writes every such field on one line."""

import pytest
from django.core import mail

from invoices import lifecycle
from invoices.deposit.operations import deposit_files
from invoices.formats.extract import single_line
from invoices.models import Invoice, InvoiceStatus
from tests.factories_deposit import invoice_upload, make_world


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("F-1\r\nBcc: victim@example.org", "F-1 Bcc: victim@example.org"),
        ("F-2\u202egpj.exe", "F-2 gpj.exe"),
        ("  F-3\t\x00\x1b[31m ", "F-3 [31m"),
        ("F-4\u2028suite", "F-4 suite"),
        ("Facture n° 5 — été", "Facture n° 5 — été"),
        ("", ""),
        (None, ""),
    ],
)
def test_single_line_known_answers(typed, kept):
    assert single_line(typed) == kept


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["cii", "ubl", "facturx"])
def test_a_number_with_a_line_break_is_kept_on_one_line_and_mailed_so(
    kind, django_capture_on_commit_callbacks
):
    world = make_world()
    upload = invoice_upload(
        world, kind, number="F-9\r\nBcc: victim@example.org", seller_name="Durand\u202e SARL"
    )
    deposit = deposit_files(world.supplier, [upload])
    invoice = Invoice.objects.get(deposit_documents__deposit=deposit)
    assert invoice.number == "F-9 Bcc: victim@example.org"
    assert "\u202e" not in invoice.seller_name

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.set_status(invoice, InvoiceStatus.PRISE_EN_COMPTE, actor=world.accountant)
    (message,) = mail.outbox
    assert "\r" not in message.subject and "\n" not in message.subject
    (line,) = [line for line in message.body.splitlines() if "F-9" in line]
    assert "Bcc: victim@example.org" in line
    assert not any(line.startswith("Bcc:") for line in message.body.splitlines())
