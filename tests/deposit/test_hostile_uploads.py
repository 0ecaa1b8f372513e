"""Hostile files through the real upload paths (the deposit page and the API): refused with a clear message,
never a server error, and no traceback in the server log. The 200 MB upload is generated as it is read,
never held in memory, and must be refused before it is read at all."""

import logging
import tracemalloc

import pytest
from django.test import Client

from invoices.models import Deposit, Invoice
from tests.builders import cii_invoice, facturx_pdf, pdf_with_attachment
from tests.builders.hostile import LAUGHS, XXE
from tests.conftest import verified_client
from tests.factories_deposit import token_headers, upload, zip_of

API_URL = "/api/v1/invoices/"
WEB_URL = "/factures/deposer/"
BOUNDARY = "chorale-test-boundary"


def truncated_pdf():
    data = facturx_pdf()
    return data[: len(data) // 2]


def pdf_with_a_catalog():
    return pdf_with_attachment("factur-x.xml", b'<?xml version="1.0"?><catalog><book id="1"/></catalog>')


HOSTILE = {
    "external-entity": ("xxe.xml", XXE, "SAFE-DOCTYPE", "DOCTYPE"),
    "billion-laughs": ("lol.xml", LAUGHS, "SAFE-DOCTYPE", "DOCTYPE"),
    "truncated-pdf": ("tronque.pdf", truncated_pdf(), "CHORALE-PDF-UNREADABLE", "PDF illisible"),
    "xml-not-an-invoice": (
        "catalogue.pdf",
        pdf_with_a_catalog(),
        "CHORALE-FX-XML-NOT-INVOICE",
        "n'est pas une facture",
    ),
    "zip-bomb": (
        "bombe.zip",
        zip_of({f"{i}.xml": b"\0" * 50 * 1024 * 1024 for i in range(3)}),
        "CHORALE-ZIP-TOO-LARGE",
        "se décompresse en plus de",
    ),
}


def assert_no_traceback(caplog):
    assert not [r for r in caplog.records if r.exc_info], [
        r.getMessage() for r in caplog.records if r.exc_info
    ]
    assert "Traceback" not in caplog.text


def all_findings(body):
    return body["findings"]


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_the_api_refuses_a_hostile_file_with_a_clear_message(client, world, caplog, case):
    name, data, rule, words = HOSTILE[case]
    if case == "zip-bomb":  # the API takes one invoice per call: a ZIP is refused without being opened
        rule, words = "CHORALE-ZIP-ONE-INVOICE", "une facture par appel"
    caplog.set_level(logging.INFO)

    response = client.post(API_URL, {"file": upload(name, data)}, **token_headers(world.supplier))

    assert response.status_code == 422
    [finding] = [f for f in response.json()["findings"] if f["rule"] == rule]
    assert words in finding["message"]
    assert not Invoice.objects.exists()
    assert Deposit.objects.get().status == "rejete"
    assert_no_traceback(caplog)


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_the_deposit_page_refuses_a_hostile_file_with_a_clear_message(
    client, world, caplog, case, django_capture_on_commit_callbacks
):
    name, data, rule, words = HOSTILE[case]
    caplog.set_level(logging.INFO)
    verified_client(client, world.supplier)

    with django_capture_on_commit_callbacks(execute=True):  # a ZIP is a flow, checked once committed
        posted = client.post(WEB_URL, {"files": [upload(name, data)]})
    response = client.get(posted["Location"])

    assert response.status_code == 200
    page = response.content.decode()
    assert rule in page and words.replace("'", "&#x27;") in page
    assert "Rejeté" in page
    assert not Invoice.objects.exists()
    assert_no_traceback(caplog)


class StreamedMultipart:
    """A multipart/form-data body with one file of `size` bytes, produced as it is read, never held whole."""

    def __init__(self, size, field="file", filename="enorme.pdf"):
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.length = len(self.head) + size + len(self.tail)
        self.body_end = len(self.head) + size
        self.position = 0

    def read(self, size=-1):
        if size is None or size < 0:
            size = self.length - self.position
        size = min(size, self.length - self.position, 1024 * 1024)
        out = bytearray()
        while len(out) < size:
            p = self.position + len(out)
            if p < len(self.head):
                out += self.head[p : p + size - len(out)]
            elif p < self.body_end:
                out += b"0" * min(size - len(out), self.body_end - p)
            else:
                out += self.tail[p - self.body_end : p - self.body_end + size - len(out)]
        self.position += len(out)
        return bytes(out)

    def readline(self, size=-1):
        return self.read(size if size and size > 0 else 64 * 1024)

    def environ(self):
        return {
            "wsgi.input": self,
            "CONTENT_LENGTH": str(self.length),
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        }


def post_stream(client, url, stream, **headers):
    return client.generic("POST", url, b"", **stream.environ(), **headers)


@pytest.mark.parametrize("path", ["api", "web"])
def test_a_200_mb_upload_is_refused_before_it_is_read(client, world, caplog, path):
    caplog.set_level(logging.INFO)
    stream = StreamedMultipart(200 * 1024 * 1024, field="file" if path == "api" else "files")
    if path == "api":
        response = post_stream(client, API_URL, stream, **token_headers(world.supplier))
    else:
        verified_client(client, world.supplier)
        response = post_stream(client, WEB_URL, stream)

    assert response.status_code == 413
    assert stream.position == 0
    text = response.content.decode()
    assert "Dépôt trop volumineux" in text and "200 Mo" in text
    assert not Deposit.objects.exists()
    assert_no_traceback(caplog)


@pytest.mark.parametrize("path", ["api", "web"])
def test_a_file_over_the_limit_inside_an_acceptable_upload_is_dropped_as_it_streams(
    client, world, caplog, path
):
    caplog.set_level(logging.INFO)
    stream = StreamedMultipart(40 * 1024 * 1024, field="file" if path == "api" else "files")
    tracemalloc.start()
    try:
        if path == "api":
            response = post_stream(client, API_URL, stream, **token_headers(world.supplier))
        else:
            verified_client(client, world.supplier)
            response = post_stream(client, WEB_URL, stream)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 20 * 1024 * 1024  # a 40 MB file, never held: only a few chunks at a time
    deposit = Deposit.objects.get()
    assert deposit.status == "rejete"
    [finding] = deposit.report["documents"][0]["findings"]
    assert finding["rule"] == "CHORALE-FILE-TOO-LARGE" and "enorme.pdf" in finding["message"]
    assert response.status_code == (422 if path == "api" else 302)
    assert_no_traceback(caplog)


def test_a_malformed_multipart_body_is_a_clean_400(client, world, caplog):
    caplog.set_level(logging.INFO)
    body = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.xml"\r\n\r\n<a'.encode()
    verified_client(client, world.supplier)

    response = client.generic("POST", WEB_URL, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 400
    assert not Invoice.objects.exists()
    assert_no_traceback(caplog)


def test_a_valid_invoice_still_goes_through_the_guarded_paths(client, world):
    response = client.post(
        API_URL,
        {
            "file": upload(
                "f.xml",
                cii_invoice(
                    seller_siret=world.supplier_structure.identifier,
                    buyer_siret=world.recipient.identifier,
                    service_code="VOIRIE",
                ),
            )
        },
        **token_headers(world.supplier),
    )

    assert response.status_code == 201


def test_a_session_upload_to_the_api_is_guarded_before_the_csrf_check_reads_it(world, caplog):
    # Session authentication checks the CSRF token, which makes Django parse the body: the guard comes first.
    client = verified_client(Client(enforce_csrf_checks=True), world.supplier)
    client.get(WEB_URL)
    csrf = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}

    huge = StreamedMultipart(200 * 1024 * 1024)
    assert post_stream(client, API_URL, huge, **csrf).status_code == 413
    assert huge.position == 0

    big = StreamedMultipart(40 * 1024 * 1024)
    tracemalloc.start()
    try:
        response = post_stream(client, API_URL, big, **csrf)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 422
    assert [f["rule"] for f in response.json()["findings"]] == ["CHORALE-FILE-TOO-LARGE"]
    assert peak < 20 * 1024 * 1024
    assert_no_traceback(caplog)
