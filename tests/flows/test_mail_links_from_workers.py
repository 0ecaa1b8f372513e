"""A status mail sent by a queue worker links to the host that served the change, as one sent in the request
would (accounts/site.py): the task carries the address in its message (portal/celery.py)."""

import pytest

from tests.conftest import verified_client
from tests.factories_lifecycle import invoice_in, recycle_on_the_page, world
from tests.flows.conftest import wait_until

pytestmark = pytest.mark.queue

HOST = "factures.villebelle.test"
SEPARATOR = "-" * 79  # Django's file backend closes each message with it: the mail is whole


def written(folder) -> str:
    return "".join(path.read_text() for path in folder.iterdir())


def test_a_status_mail_sent_by_a_worker_links_to_the_host_that_served_the_change(
    client, workers, settings, tmp_path
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    settings.SITE_URL = ""
    mails = tmp_path / "mails"
    mails.mkdir()
    # django-environ reads the path after "filemail://" without its first slash.
    workers.start(EMAIL_URL=f"filemail:///{mails}", SITE_URL="")
    w = world()
    invoice = invoice_in(supplier=w["supplier"], recipient=w["recipient"])

    response = recycle_on_the_page(verified_client(client, w["accountant"]), invoice, HTTP_HOST=HOST)

    assert response.status_code == 302
    wait_until(lambda: SEPARATOR in written(mails), timeout=60, what="the worker's mail", workers=workers)
    body = written(mails)
    assert f"http://{HOST}/factures/{invoice.uuid}/" in body
    assert "127.0.0.1" not in body
