"""Acceptance 4: the connector against a second Chorale whose /cpro/ API plays Chorus Pro.

The second Chorale runs in a subprocess with its own database; a proxy in front of it answers errors and
stalls past the client's timeout when told to. The connector pulls the structure's invoices through Chorale's
deposit, pushes a *suspendue* with its motif back, survives the errors and timeouts, and never creates an
invoice twice, whether the pull is repeated or cut short after a deposit.
"""

import base64

import pytest
import requests

from accounts.models import Structure
from invoices.cpro import connector
from invoices.cpro.models import PulledInvoice, StatusPush
from invoices.lifecycle import set_status
from invoices.models import Invoice, InvoiceStatus
from tests.cpro.remote import FaultyProxy, RemoteChorale
from tests.factories import MembershipFactory, PublicStructureFactory, ServiceFactory, support_user

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    server = RemoteChorale(tmp_path_factory.mktemp("remote-chorale")).start()
    yield server
    server.stop()


@pytest.fixture
def proxy(remote, settings):
    faulty = FaultyProxy(remote.url).start()
    settings.CHORALE_CPRO_API_URL = faulty.url
    settings.CHORALE_CPRO_TOKEN_URL = f"{faulty.url}/api/oauth/token"
    settings.CHORALE_CPRO_TIMEOUT = 2
    settings.CHORALE_CPRO_RETRY_SECONDS = 60
    yield faulty
    faulty.stop()


_seeds = iter(range(1, 1000))


@pytest.fixture
def chorus(remote, request):
    """A public structure as Chorus Pro holds it (its invoices, its technical account), and the same structure
    on this Chorale with its connection recorded."""
    seed = next(_seeds)
    held = remote.run("setup", seed, "CP-1", "CP-2", "CP-3")
    support_user()
    structure = PublicStructureFactory(identifier=held["siret"], name=held["name"])
    ServiceFactory(structure=structure, code="VOIRIE", name="Voirie")
    accountant = MembershipFactory(structure=structure, can_triage=True).user
    credentials = held["credentials"]
    connection = connector.record_connection(
        structure,
        actor=structure.principal_manager,
        client_id=credentials["client_id"],
        client_secret=credentials["client_secret"],
        login=credentials["login"],
        password=credentials["password"],
    )
    return {
        "seed": seed,
        "held": held,
        "structure": structure,
        "accountant": accountant,
        "connection": connection,
    }


def remote_status(remote, held, invoice_id) -> dict:
    """Ask the second Chorale directly (not through the proxy) what its invoice's status is now."""
    credentials = held["credentials"]
    token = requests.post(
        f"{remote.url}/api/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
        },
        timeout=30,
    ).json()["access_token"]
    account = base64.b64encode(f"{credentials['login']}:{credentials['password']}".encode()).decode()
    return requests.post(
        f"{remote.url}/cpro/factures/v1/consulter/historique",
        json={"idFacture": invoice_id},
        headers={"Authorization": f"Bearer {token}", "cpro-account": account},
        timeout=30,
    ).json()


def sync(chorus) -> connector.SyncResult:
    connection = chorus["connection"]
    connector.request_sync(connection, actor=chorus["structure"].principal_manager)
    connection.refresh_from_db()
    return connector.sync(connection)


def invoices_of(chorus):
    return Invoice.objects.filter(recipient=chorus["structure"])


def test_it_pulls_through_errors_and_timeouts_and_never_twice(chorus, proxy, remote):
    connection = chorus["connection"]

    # Chorus Pro answers 503: nothing is pulled, the connection records it and waits.
    proxy.fail(1, 503)
    result = sync(chorus)
    connection.refresh_from_db()
    assert not result.ok and "503" in connection.last_error
    assert connection.failures == 1 and connection.next_sync_at > connection.last_sync_at
    assert not PulledInvoice.objects.exists() and not invoices_of(chorus).exists()

    # It does not answer in time: the same, one more failure.
    proxy.stall(1, 4)
    result = sync(chorus)
    connection.refresh_from_db()
    assert "no answer within" in connection.last_error and connection.failures == 2

    # It answers: the three invoices are deposited, from a supplier unknown here (now held by support).
    result = sync(chorus)
    connection.refresh_from_db()
    assert result.ok, result.errors
    assert (connection.failures, connection.last_error) == (0, "")
    assert sorted(invoices_of(chorus).values_list("number", flat=True)) == ["CP-1", "CP-2", "CP-3"]
    assert set(invoices_of(chorus).values_list("status", flat=True)) == {InvoiceStatus.MISE_A_DISPOSITION}
    supplier = Structure.objects.get(identifier=chorus["held"]["supplier_siret"])
    assert not supplier.is_public and supplier.principal_manager.is_staff
    assert set(PulledInvoice.objects.values_list("state", flat=True)) == {PulledInvoice.State.DONE}
    origins = dict(PulledInvoice.objects.values_list("number", "origin_id"))
    assert origins == chorus["held"]["invoices"]

    # A new invoice whose download fails once: it waits, with its error, then comes.
    remote.run("add", chorus["seed"], "CP-4")
    proxy.fail(1, 500, path="telecharger/groupe")
    sync(chorus)
    waiting = PulledInvoice.objects.get(number="CP-4")
    assert (
        waiting.state == PulledInvoice.State.PENDING and waiting.attempts == 1 and "500" in waiting.last_error
    )
    assert invoices_of(chorus).count() == 3
    sync(chorus)
    assert invoices_of(chorus).count() == 4

    # The whole search again, from the start: nothing new.
    connection.refresh_from_db()
    connection.pulled_since = None
    connection.save(update_fields=["pulled_since"])
    sync(chorus)
    assert PulledInvoice.objects.count() == 4 and invoices_of(chorus).count() == 4

    # Cut short after a deposit, before its row was updated: the next attempt finds the same deposit.
    cut = PulledInvoice.objects.get(number="CP-2")
    first_invoice = cut.invoice_id
    PulledInvoice.objects.filter(pk=cut.pk).update(
        state=PulledInvoice.State.PENDING, invoice=None, deposit=None
    )
    sync(chorus)
    cut.refresh_from_db()
    assert cut.state == PulledInvoice.State.DONE and cut.invoice_id == first_invoice
    assert invoices_of(chorus).count() == 4


def test_it_pushes_a_suspension_with_its_motif_back_in_order(chorus, proxy, remote):
    sync(chorus)
    invoice = invoices_of(chorus).get(number="CP-1")
    origin = invoice.cpro_origin.origin_id
    set_status(
        invoice,
        InvoiceStatus.SUSPENDUE,
        actor=chorus["accountant"],
        reason="JUSTIF_ABS",
        comment="Bon de livraison manquant",
    )

    # Chorus Pro fails to take it once: it stays to send, then goes.
    proxy.fail(1, 502, path="traiter/recue")
    sync(chorus)
    push = StatusPush.objects.get()
    assert push.state == StatusPush.State.PENDING and "502" in push.last_error
    assert push.status == "SUSPENDUE" and push.motif == "JUSTIF_ABS : Bon de livraison manquant"
    sync(chorus)
    push.refresh_from_db()
    assert push.state == StatusPush.State.DONE
    there = remote_status(remote, chorus["held"], origin)
    assert there["statutCourantCode"] == "SUSPENDUE"
    assert (
        "Bon de livraison manquant"
        in there["historiquesDesStatuts"]["histoStatut"][0]["histoStatutCommentaire"]
    )

    # Sent again after Chorus Pro took it (a crash before it was marked): recognised as done, not refused.
    StatusPush.objects.filter(pk=push.pk).update(state=StatusPush.State.PENDING)
    sync(chorus)
    push.refresh_from_db()
    assert push.state == StatusPush.State.DONE

    # Then rejected: the second change follows the first.
    invoice.refresh_from_db()
    set_status(invoice, InvoiceStatus.REJETEE, actor=chorus["accountant"], reason="DOUBLON")
    sync(chorus)
    assert remote_status(remote, chorus["held"], origin)["statutCourantCode"] == "REJETEE"
    assert StatusPush.objects.filter(state=StatusPush.State.DONE).count() == 2
    assert (
        proxy.calls.count("/cpro/factures/v1/traiter/recue") == 4
    )  # 502, SUSPENDUE, again (refused), REJETEE


def test_an_invoice_chorale_refuses_waits_for_a_manager_then_comes_in_a_new_round(chorus, proxy, remote):
    remote.run("add", chorus["seed"], "CP-9", "TRAVAUX")
    sync(chorus)
    refused = PulledInvoice.objects.get(number="CP-9")
    assert refused.state == PulledInvoice.State.REFUSED
    assert "CHORALE-SERVICE-UNKNOWN" in refused.last_error
    assert refused.deposit is not None and not invoices_of(chorus).filter(number="CP-9").exists()
    sync(chorus)
    assert PulledInvoice.objects.get(number="CP-9").state == PulledInvoice.State.REFUSED  # not retried alone

    ServiceFactory(structure=chorus["structure"], code="TRAVAUX", name="Travaux")
    connector.retry_pulled(refused, actor=chorus["structure"].principal_manager)
    sync(chorus)

    refused.refresh_from_db()
    assert refused.state == PulledInvoice.State.DONE and refused.rounds == 1
    assert invoices_of(chorus).filter(number="CP-9").count() == 1
