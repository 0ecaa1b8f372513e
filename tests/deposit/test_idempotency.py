"""A retried API upload with the same Idempotency-Key gets the first answer and creates nothing new."""

from django.test import Client

from invoices.models import (
    Deposit,
    DepositDailyUsage,
    DepositDocument,
    Invoice,
    InvoiceEvent,
    InvoiceStatus,
    StoredFile,
)
from tests.concurrently import at_once, on_postgresql
from tests.factories_deposit import invoice_bytes, make_world, token_headers, upload

URL = "/api/v1/invoices/"


def counts():
    return (
        Deposit.objects.count(),
        Invoice.objects.count(),
        InvoiceEvent.objects.count(),
        StoredFile.objects.count(),
        DepositDocument.objects.count(),
    )


def post(client, headers, name, data, key):
    return client.post(URL, {"file": upload(name, data)}, HTTP_IDEMPOTENCY_KEY=key, **headers)


def test_a_retry_gets_the_first_answer_and_creates_nothing(client, world):
    headers = token_headers(world.supplier)
    data = invoice_bytes(world, "facturx")
    first = post(client, headers, "facture.pdf", data, "retry-1")
    before = counts()

    second = post(client, headers, "facture.pdf", data, "retry-1")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert counts() == before == (1, 1, 2, 1, 1)


def test_a_retry_of_a_refused_deposit_gets_the_same_refusal(client, world):
    headers = token_headers(world.supplier)
    data = invoice_bytes(world, "cii", service_code="NOPE")
    first = post(client, headers, "facture.xml", data, "retry-2")

    second = post(client, headers, "facture.xml", data, "retry-2")

    assert first.status_code == second.status_code == 422
    assert second.json() == first.json()
    assert Deposit.objects.count() == 1


def test_the_answer_replayed_is_the_first_even_after_the_invoice_moved_on(client, world):
    headers = token_headers(world.supplier)
    data = invoice_bytes(world, "ubl")
    first = post(client, headers, "facture.xml", data, "retry-3")
    Invoice.objects.update(status=InvoiceStatus.PRISE_EN_COMPTE)

    second = post(client, headers, "facture.xml", data, "retry-3")

    assert second.json() == first.json()
    assert second.json()["status"] == InvoiceStatus.MISE_A_DISPOSITION


def test_the_same_key_from_another_user_is_another_deposit(client, world):
    data = invoice_bytes(world, "cii")
    post(client, token_headers(world.supplier), "facture.xml", data, "shared-key")

    other = post(client, token_headers(world.accountant), "facture.xml", data, "shared-key")

    assert other.status_code == 422  # the accountant does not deposit for this supplier
    assert Deposit.objects.count() == 2


def test_a_key_reused_for_another_file_is_refused(client, world):
    headers = token_headers(world.supplier)
    post(client, headers, "facture.xml", invoice_bytes(world, "cii"), "reused")
    before = counts()

    response = post(client, headers, "facture.xml", invoice_bytes(world, "cii"), "reused")

    assert response.status_code == 422
    assert [f["rule"] for f in response.json()["findings"]] == ["CHORALE-IDEMPOTENCY-MISMATCH"]
    assert counts() == before


def test_a_key_longer_than_200_characters_is_refused(client, world):
    response = post(
        client, token_headers(world.supplier), "facture.xml", invoice_bytes(world, "cii"), "k" * 201
    )

    assert response.status_code == 400
    assert not Deposit.objects.exists()


def test_without_a_key_a_second_upload_is_a_second_deposit_refused_as_a_duplicate(client, world):
    headers = token_headers(world.supplier)
    data = invoice_bytes(world, "cii")
    client.post(URL, {"file": upload("facture.xml", data)}, **headers)

    second = client.post(URL, {"file": upload("facture.xml", data)}, **headers)

    assert second.status_code == 422
    assert "CHORALE-DUPLICATE-NUMBER" in {f["rule"] for f in second.json()["findings"]}
    assert Invoice.objects.count() == 1


@on_postgresql
def test_two_simultaneous_uploads_with_one_key_make_one_invoice(settings):
    settings.CHORALE_DEPOSIT_DAILY_BYTES = 10_000_000
    world = make_world()
    headers = token_headers(world.supplier)
    data = invoice_bytes(world, "cii")
    for attempt in range(3):
        key = f"race-{attempt}"
        answers = at_once(*[lambda key=key: post(Client(), headers, "facture.xml", data, key)] * 2)

        statuses = sorted(a.status_code for a in answers)
        if attempt == 0:
            assert statuses == [201, 201]
            assert answers[0].json()["id"] == answers[1].json()["id"]
        else:
            # Later rounds deposit the same number again under a new key: refused as a duplicate, once each.
            assert statuses == [422, 422]
            assert answers[0].json()["deposit"] == answers[1].json()["deposit"]
        assert Invoice.objects.count() == 1
        assert Deposit.objects.filter(idempotency_key=f"race-{attempt}").count() == 1
        # The quota is charged in the deposit's transaction: a request answered by the first is not charged.
        assert DepositDailyUsage.objects.get().bytes == len(data) * (attempt + 1)
