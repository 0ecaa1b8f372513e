"""Statuses, formats, amounts, dates, units and notes as people read them: page, mails and PDF."""

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from invoices import lifecycle
from invoices.models import InvoiceStatus
from tests.conftest import verified_client
from tests.factories_lifecycle import invoice_in, world

S = InvoiceStatus
NBSP = "\xa0"

UBL_DATA = {
    "issue_date": "2026-12-03",
    "due_date": "2027-01-02",
    "currency": "EUR",
    "total_without_vat": "1840.00",
    "total_vat": "368.00",
    "total_with_vat": "2208.00",
    "amount_due": "2208.00",
    "vat_breakdown": [{"category": "S", "rate": "20.00", "base": "1840.00", "amount": "368.00"}],
    "lines": [
        {
            "id": "1",
            "name": "Entretien des espaces verts",
            "quantity": "46",
            "unit": "HUR",
            "unit_price": "40.00",
            "net_amount": "1840.00",
            "vat_rate": "20.00",
        },
        {
            "id": "2",
            "name": "Sacs de terreau",
            "quantity": "10",
            "unit": "C62",
            "unit_price": "0.00",
            "net_amount": "0.00",
            "vat_rate": "20.00",
        },
    ],
    "note": "#PMT#Indemnité forfaitaire pour frais de recouvrement : 40 EUR.\n#AAB#Pas d'escompte.",
}


@pytest.fixture
def w(db):
    return world()


@pytest.fixture
def invoice(w):
    return invoice_in(
        supplier=w["supplier"],
        recipient=w["recipient"],
        number="MOTS-1",
        format="ubl",
        profile="EN16931",
        issue_date=date(2026, 12, 3),
        total_without_vat=Decimal("1840.00"),
        total_vat=Decimal("368.00"),
        total_with_vat=Decimal("2208.00"),
        data=UBL_DATA,
    )


def _page(client, user, url, language="fr"):
    verified_client(client, user)
    if language == "en":
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client.get(url).content.decode()


def _recycle(invoice, w):
    return lifecycle.set_status(
        invoice, S.A_RECYCLER, actor=w["accountant"], reason="CODE_ROUTAGE_ERR", comment="Service ECOLES."
    )


def test_an_invoice_a_recycler_shows_chorale_s_label_next_to_its_lifecycle_code(w, invoice, client):
    _recycle(invoice, w)
    page = _page(client, w["supplier_user"], f"/factures/{invoice.uuid}/")
    header = page.split('data-testid="invoice-status"')[1].split("</div>")[0]
    assert ">À recycler</span>" in header
    assert "cycle de vie 208" in header
    assert "Suspendue" not in page


def test_the_mail_about_an_invoice_a_recycler_names_it_a_recycler(
    w, invoice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _recycle(invoice, w)
    body = mailoutbox[0].body
    assert "Statut : À recycler (code 208" in body
    assert "Suspendue" not in body and "Suspendue" not in mailoutbox[0].subject


def test_the_format_reads_as_a_name_with_its_profile(w, client):
    facturx = invoice_in(
        supplier=w["supplier"], recipient=w["recipient"], format="facturx", profile="EN16931"
    )
    page = _page(client, w["accountant"], f"/factures/{facturx.uuid}/")
    assert "Format Factur-X (profil EN 16931)" in page
    assert "FACTURX" not in page and "EN16931" not in page


def test_amounts_are_grouped_and_carry_the_euro_sign_in_french(w, invoice, client):
    listing = _page(client, w["accountant"], "/factures/recues/")
    assert f"2{NBSP}208,00{NBSP}€" in listing
    page = client.get(f"/factures/{invoice.uuid}/").content.decode()
    assert f"2{NBSP}208,00{NBSP}€" in page
    assert "2208,00" not in page and "EUR" not in page.split('data-testid="invoice-amount"')[1][:80]


def test_amounts_follow_english_conventions_on_english_pages(w, invoice, client):
    page = _page(client, w["accountant"], f"/factures/{invoice.uuid}/", language="en")
    assert "€2,208.00" in page


def test_dates_are_day_first_in_french_and_iso_in_english_never_month_first(w, invoice, client):
    french = _page(client, w["accountant"], "/factures/recues/")
    assert "03/12/2026" in french
    english = client.post("/i18n/setlang/", {"language": "en", "next": "/factures/recues/"}, follow=True)
    english = english.content.decode()
    assert "2026-12-03" in english
    assert "12/03/2026" not in english


def test_the_invoice_data_section_shows_amounts_units_and_note_subjects_with_labels(w, invoice, client):
    page = _page(client, w["accountant"], f"/factures/{invoice.uuid}/")
    data = page.split('id="data"')[1].split("</section>")[0]
    assert f"1{NBSP}840,00{NBSP}€" in data and "1840.00" not in data
    assert ">heure</abbr>" in data and ">HUR<" not in data
    assert ">unité</abbr>" in data and ">C62<" not in data
    assert "Informations de paiement" in data and "Conditions de paiement" in data
    assert "#PMT#" not in data and "#AAB#" not in data


def test_the_data_section_of_an_english_page_names_units_and_subjects_in_english(w, invoice, client):
    page = _page(client, w["accountant"], f"/factures/{invoice.uuid}/", language="en")
    data = page.split('id="data"')[1].split("</section>")[0]
    assert ">hour</abbr>" in data and "Payment information" in data and "€1,840.00" in data


def test_the_readable_pdf_shows_french_dates_unit_labels_and_note_subjects(w, invoice, client):
    verified_client(client, w["accountant"])
    response = client.get(f"/factures/{invoice.uuid}/rendu.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = text.replace(NBSP, " ")
    assert "Date d'émission : 03/12/2026" in text and "Échéance : 02/01/2027" in text
    assert "2026-12-03" not in text
    assert "heure" in text and "HUR" not in text
    assert "Informations de paiement" in text and "#PMT#" not in text
    assert "2 208,00 EUR" in text
    assert "UBL 2.1 (EN 16931)" in text
