"""The accountant's workspace: the received list, the invoice page and its actions, bulk actions, charts."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from invoices import lifecycle
from invoices.models import InvoiceStatus
from tests.conftest import verified_client
from tests.factories import StoredFileFactory, StructureFactory
from tests.factories_lifecycle import accountant_of, invoice_in, recycle_on_the_page, statuses_of, world

S = InvoiceStatus


@pytest.fixture
def w(db):
    return world()


@pytest.fixture
def accountant_client(w, client):
    return verified_client(client, w["accountant"])


def _numbers(response) -> list[str]:
    return re.findall(r'data-number="([^"]+)"', response.content.decode())


def test_the_received_list_shows_the_structure_invoices_and_nobody_else_s(w, accountant_client):
    mine = invoice_in(supplier=w["supplier"], recipient=w["recipient"], number="A-1")
    invoice_in(supplier=w["supplier"], number="ELSEWHERE-1")  # another public structure
    response = accountant_client.get("/factures/recues/")
    assert response.status_code == 200
    assert _numbers(response) == [mine.number]


def test_filters_narrow_the_list(w, accountant_client):
    other_supplier = StructureFactory(name="Menuiserie Bois SAS")
    invoice_in(
        supplier=w["supplier"],
        recipient=w["recipient"],
        number="F-100",
        service=w["voirie"],
        total_with_vat=Decimal("120.00"),
        issue_date=date(2026, 1, 10),
    )
    invoice_in(
        supplier=other_supplier,
        recipient=w["recipient"],
        number="F-200",
        service=w["ecoles"],
        total_with_vat=Decimal("980.00"),
        issue_date=date(2026, 3, 2),
    )
    rejected = invoice_in(
        S.REJETEE,
        supplier=w["supplier"],
        recipient=w["recipient"],
        number="F-300",
        total_with_vat=Decimal("50.00"),
        issue_date=date(2026, 2, 1),
    )
    cases = {
        "status=rejetee": ["F-300"],
        f"service={w['ecoles'].uuid}": ["F-200"],
        "supplier=menuiserie": ["F-200"],
        f"supplier={other_supplier.identifier}": ["F-200"],
        "number=F-1": ["F-100"],
        "amount_min=100&amount_max=500": ["F-100"],
        "issued_from=2026-02-01&issued_to=2026-12-31": ["F-200", "F-300"],
        "status=rejetee&status=mise_a_disposition&sort=number": ["F-100", "F-200", "F-300"],
    }
    for query, expected in cases.items():
        assert sorted(_numbers(accountant_client.get(f"/factures/recues/?{query}"))) == expected, query
    assert rejected.status == S.REJETEE


def test_the_list_counts_invoices_per_status_under_the_other_filters(w, accountant_client):
    for _ in range(3):
        invoice_in(supplier=w["supplier"], recipient=w["recipient"], service=w["voirie"])
    invoice_in(S.SUSPENDUE, supplier=w["supplier"], recipient=w["recipient"], service=w["voirie"])
    invoice_in(S.SUSPENDUE, supplier=w["supplier"], recipient=w["recipient"], service=w["ecoles"])
    page = accountant_client.get(f"/factures/recues/?service={w['voirie'].uuid}&status=suspendue")
    body = page.content.decode()
    assert 'data-status="mise_a_disposition">Mise à disposition du destinataire <strong>3</strong>' in body
    assert 'data-status="suspendue">Suspendue <strong>1</strong>' in body
    assert len(_numbers(page)) == 1


def test_pages_follow_a_keyset_cursor_without_offset(w, accountant_client):
    numbers = [
        invoice_in(supplier=w["supplier"], recipient=w["recipient"], number=f"K-{i:03d}").number
        for i in range(120)
    ]
    seen, url = [], "/factures/recues/?sort=number"
    with CaptureQueriesContext(connection) as queries:
        while url:
            response = accountant_client.get(url)
            seen += _numbers(response)
            next_url = response.context["next_url"]
            url = f"/factures/recues/{next_url}" if next_url else None
    assert seen == sorted(numbers)
    assert not any("OFFSET" in q["sql"].upper() for q in queries.captured_queries)
    # And back.
    last = accountant_client.get(
        "/factures/recues/?sort=number&" + response.context["previous_url"].lstrip("?")
    )
    assert _numbers(last) == sorted(numbers)[50:100]


def test_a_forged_cursor_starts_from_the_first_page(w, accountant_client):
    invoice_in(supplier=w["supplier"], recipient=w["recipient"], number="ONLY-1")
    assert _numbers(accountant_client.get("/factures/recues/?cursor=Zm9yZ2Vk")) == ["ONLY-1"]


def test_sorting_by_amount(w, accountant_client):
    for number, amount in (("S-1", "30.00"), ("S-2", "10.00"), ("S-3", "20.00")):
        invoice_in(
            supplier=w["supplier"], recipient=w["recipient"], number=number, total_with_vat=Decimal(amount)
        )
    assert _numbers(accountant_client.get("/factures/recues/?sort=amount")) == ["S-2", "S-3", "S-1"]
    assert _numbers(accountant_client.get("/factures/recues/?sort=-amount")) == ["S-1", "S-3", "S-2"]


def test_the_invoice_page_frames_a_pdf_deposit_and_serves_it_inline(w, accountant_client):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"], format="facturx")
    page = accountant_client.get(f"/factures/{invoice.uuid}/").content.decode()
    assert f'src="/factures/{invoice.uuid}/original/?inline=1"' in page
    inline = accountant_client.get(f"/factures/{invoice.uuid}/original/?inline=1")
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline")
    assert inline["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(inline.streaming_content).startswith(b"%PDF")
    download = accountant_client.get(f"/factures/{invoice.uuid}/original/")
    assert download["Content-Disposition"].startswith("attachment")


def test_an_xml_deposit_gets_a_readable_rendering_downloadable_as_pdf(w, accountant_client):
    xml = StoredFileFactory(
        content=b"<?xml version='1.0'?><rsm:CrossIndustryInvoice/>",
        original_name="f.xml",
        content_type="application/xml",
    )
    invoice = invoice_in(
        supplier=w["supplier"],
        recipient=w["recipient"],
        format="cii",
        profile="EN16931",
        original=xml,
        number="CII-7",
        data={
            "number": "CII-7",
            "type_code": "380",
            "currency": "EUR",
            "seller_name": "Fournisseur SARL",
            "lines": [
                {
                    "id": "1",
                    "name": "Enrobé à chaud — 12 t",
                    "quantity": "12",
                    "unit": "TNE",
                    "unit_price": "95.50",
                    "net_amount": "1146.00",
                    "vat_rate": "20",
                }
            ],
            "vat_breakdown": [{"category": "S", "rate": "20", "base": "1146.00", "amount": "229.20"}],
            "total_without_vat": "1146.00",
            "total_vat": "229.20",
            "total_with_vat": "1375.20",
            "amount_due": "1375.20",
            "payment_terms": "30 jours",
            "payment_iban": "FR7630006000011234567890189",
        },
    )
    page = accountant_client.get(f"/factures/{invoice.uuid}/").content.decode()
    assert f'src="/factures/{invoice.uuid}/rendu.pdf?inline=1"' in page
    assert "Enrobé à chaud" in page
    response = accountant_client.get(f"/factures/{invoice.uuid}/rendu.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = text.replace("\xa0", " ")  # amounts group their thousands with non-breaking spaces
    for expected in ("CII-7", "Enrobé à chaud", "1 375,20 EUR", "FR7630006000011234567890189", "fait foi"):
        assert expected in text, expected


def test_the_invoice_page_offers_the_actions_of_the_status_with_their_reasons(w, accountant_client):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    page = accountant_client.get(f"/factures/{invoice.uuid}/").content.decode()
    for target in ("prise_en_compte", "service_fait", "mandatee", "a_recycler", "suspendue", "rejetee"):
        assert f'data-testid="form-{target}"' in page, target
    assert 'id="id_a_recycler-reason"' in page and 'value="CODE_ROUTAGE_ERR"' in page
    assert 'id="id_mandatee-mandat_numero"' in page
    assert "mise_en_paiement" not in page.split('data-testid="actions"')[1].split("</section>")[0]


def test_an_action_on_the_page_changes_the_status(w, accountant_client):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    response = recycle_on_the_page(accountant_client, invoice)
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == S.A_RECYCLER


def test_a_stale_page_gets_a_conflict_and_changes_nothing(w, accountant_client):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    stale = invoice.version
    lifecycle.set_status(invoice, S.PRISE_EN_COMPTE, actor=accountant_of(w["recipient"]))
    response = accountant_client.post(
        f"/factures/{invoice.uuid}/statut/",
        {
            "target": "service_fait",
            "service_fait-target": "service_fait",
            "service_fait-version": stale,
        },
    )
    assert response.status_code == 409
    assert "vient d" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == S.PRISE_EN_COMPTE


def test_a_missing_reason_is_shown_next_to_the_field(w, accountant_client):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    response = accountant_client.post(
        f"/factures/{invoice.uuid}/statut/",
        {
            "target": "suspendue",
            "suspendue-target": "suspendue",
            "suspendue-version": invoice.version,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="field has-error"' in body and "Ce champ est obligatoire" in body


def test_bulk_actions_report_a_result_per_invoice(w, accountant_client):
    fresh = invoice_in(supplier=w["supplier"], recipient=w["recipient"], number="B-1")
    done = invoice_in(S.MANDATEE, supplier=w["supplier"], recipient=w["recipient"], number="B-2")
    foreign = invoice_in(supplier=w["supplier"], number="B-3")
    response = accountant_client.post(
        "/factures/recues/actions/",
        {
            "target": "service_fait",
            "invoices": [str(fresh.uuid), str(done.uuid), str(foreign.uuid)],
        },
    )
    assert response.status_code == 200
    results = response.context["results"]
    assert [(r[0], r[2]) for r in results] == [("B-1", True), ("B-2", False), (str(foreign.uuid), False)]
    assert "Mandatée" in results[1][3]
    for invoice in (fresh, done, foreign):
        invoice.refresh_from_db()
    assert (fresh.status, done.status, foreign.status) == (S.SERVICE_FAIT, S.MANDATEE, S.MISE_A_DISPOSITION)


def test_the_structure_dashboard_charts_statuses_and_ageing(w, accountant_client):
    for days in (1, 5, 21, 25, 31, 40):
        invoice_in(supplier=w["supplier"], recipient=w["recipient"], days=days)
    invoice_in(S.SUSPENDUE, supplier=w["supplier"], recipient=w["recipient"], days=45)  # clock paused
    invoice_in(S.REJETEE, supplier=w["supplier"], recipient=w["recipient"], days=50)
    response = accountant_client.get(f"/factures/tableau-de-bord/{w['recipient'].uuid}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-status="mise_a_disposition" data-count="6"' in body
    assert 'data-status="suspendue" data-count="1"' in body
    assert 'data-ageing="recent" data-count="2"' in body
    assert 'data-ageing="warn" data-count="2"' in body
    assert 'data-ageing="late" data-count="2"' in body
    assert "<svg" in body and "<script" not in body.split("</footer>")[0]


def test_a_twenty_day_old_invoice_is_not_yet_past_the_ordonnateur_share(w, accountant_client):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"], days=20)
    clock = lifecycle.payment_clock(invoice)
    assert (clock.days_elapsed, clock.past_ordonnateur_share) == (20, False)
    body = accountant_client.get(f"/factures/tableau-de-bord/{w['recipient'].uuid}/").content.decode()
    assert 'data-ageing="recent" data-count="1"' in body


def test_outsiders_get_404_everywhere(w, client):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])
    lifecycle.set_status(invoice, S.PRISE_EN_COMPTE, actor=w["accountant"])
    attachment_free = [
        f"/factures/{invoice.uuid}/",
        f"/factures/{invoice.uuid}/original/",
        f"/factures/{invoice.uuid}/rendu.pdf",
        f"/factures/{invoice.uuid}/historique.csv",
        f"/factures/{invoice.uuid}/historique.json",
        f"/factures/tableau-de-bord/{w['recipient'].uuid}/",
    ]
    for user in (w["outsider"], w["stranger"]):
        client.logout()
        verified_client(client, user)
        for url in attachment_free:
            assert client.get(url).status_code == 404, url
        for url in ("statut/", "recycler/", "completer/", "accuser-reception/"):
            assert (
                client.post(f"/factures/{invoice.uuid}/{url}", {"target": "service_fait"}).status_code == 404
            )
        assert _numbers(client.get("/factures/recues/")) == []
    invoice.refresh_from_db()
    assert statuses_of(invoice) == [S.PRISE_EN_COMPTE]


def test_the_dashboard_of_the_home_page_links_the_structure_dashboards(w, accountant_client):
    body = accountant_client.get("/").content.decode()
    assert f"/factures/tableau-de-bord/{w['recipient'].uuid}/" in body


def test_the_history_shows_who_did_what_and_why(w, accountant_client):
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"], days=3)
    lifecycle.set_status(
        invoice, S.SUSPENDUE, actor=w["accountant"], reason="JUSTIF_ABS", comment="Le devis signé"
    )
    body = accountant_client.get(f"/factures/{invoice.uuid}/").content.decode()
    history = body.split('data-testid="history"')[1]
    assert "Justificatif absent ou insuffisant" in history and "Le devis signé" in history
    assert ">208</abbr>" in history and "Suspendue" in history and str(w["accountant"]) in history


def test_malformed_filters_are_reported_not_crashed_on(w, accountant_client):
    invoice_in(supplier=w["supplier"], recipient=w["recipient"], number="OK-1")
    response = accountant_client.get(
        "/factures/recues/?amount_min=abc&issued_from=yesterday&sort=bogus&status=nope"
    )
    assert response.status_code == 200
    assert 'class="field has-error"' in response.content.decode()
