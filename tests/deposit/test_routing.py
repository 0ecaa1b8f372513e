"""The Chorus Pro routing rules: supplier, recipient, service code, engagement number, credit notes."""

import pytest

from accounts.models import Membership
from invoices.deposit.operations import deposit_files
from invoices.deposit.routing import LOCATIONS, check_routing
from invoices.formats import validate_document
from invoices.models import Deposit, DepositStatus, Invoice
from tests.factories import MembershipFactory, PublicStructureFactory, ServiceFactory, StructureFactory
from tests.factories_deposit import error_rules_of, invoice_bytes, invoice_upload, make_world, rules_of


def deposit(world, user=None, supplier=None, kind="cii", **fields):
    return deposit_files(
        user or world.supplier,
        [invoice_upload(world, kind, **fields)],
        channel=Deposit.Channel.WEB,
        supplier=supplier,
    )


def findings_of(deposit_, rule):
    return [f for f in deposit_.report["documents"][0]["findings"] if f["rule"] == rule]


# The supplier.


def test_an_unknown_supplier_is_refused(world):
    result = deposit(world, seller_siret="73282932000074")

    assert result.status == DepositStatus.REJETE
    assert "CHORALE-SUPPLIER-UNKNOWN" in error_rules_of(result)


def test_a_supplier_the_user_does_not_belong_to_is_refused(world):
    stranger = StructureFactory().principal_manager

    result = deposit(world, user=stranger)

    assert "CHORALE-SUPPLIER-NOT-MEMBER" in error_rules_of(result)
    assert not Invoice.objects.exists()


def test_a_member_without_the_deposit_right_is_refused(world):
    clerk = MembershipFactory(structure=world.supplier_structure, can_deposit=False).user

    result = deposit(world, user=clerk)

    assert "CHORALE-SUPPLIER-NOT-MEMBER" in error_rules_of(result)


def test_a_member_with_the_deposit_right_may_deposit(world):
    clerk = MembershipFactory(
        structure=world.supplier_structure, role=Membership.Role.USER, can_deposit=True
    ).user

    assert deposit(world, user=clerk).status == DepositStatus.INTEGRE


def test_an_invoice_of_another_supplier_than_the_chosen_one_is_refused(world):
    other = StructureFactory(principal_manager=world.supplier)

    result = deposit(world, supplier=other)

    assert "CHORALE-SUPPLIER-MISMATCH" in error_rules_of(result)


def test_a_minimum_invoice_names_its_supplier_by_siren(world):
    result = deposit(world, kind="facturx", profile="MINIMUM")

    assert result.status == DepositStatus.INTEGRE, result.report["documents"][0]["findings"]
    assert Invoice.objects.get().supplier == world.supplier_structure


# The recipient.


def test_a_recipient_that_is_not_on_the_portal_is_refused(world):
    result = deposit(world, buyer_siret="73282932000074")

    [finding] = findings_of(result, "CHORALE-BUYER-UNKNOWN")
    assert finding["location"] == LOCATIONS["cii"]["buyer"]
    assert "73282932000074" in finding["message"]


def test_a_private_company_cannot_receive_invoices(world):
    company = StructureFactory()

    result = deposit(world, buyer_siret=company.identifier)

    assert "CHORALE-BUYER-NOT-PUBLIC" in error_rules_of(result)


def test_an_inactive_recipient_is_refused(world):
    world.recipient.is_active = False
    world.recipient.save()

    assert "CHORALE-BUYER-INACTIVE" in error_rules_of(deposit(world))


# Service code and engagement number.


def test_an_unknown_service_code_is_refused(world):
    result = deposit(world, service_code="NOPE")

    [finding] = findings_of(result, "CHORALE-SERVICE-UNKNOWN")
    assert finding["location"].endswith("/ram:ApplicableHeaderTradeAgreement/ram:BuyerReference")


def test_an_inactive_service_is_refused(world):
    world.service.is_active = False
    world.service.save()

    assert "CHORALE-SERVICE-INACTIVE" in error_rules_of(deposit(world))


def test_a_service_code_longer_than_100_characters_is_refused(world):
    assert "CHORALE-SERVICE-TOO-LONG" in error_rules_of(deposit(world, service_code="S" * 101))


def test_a_structure_requiring_a_service_code_refuses_an_invoice_without_one(db):
    world = make_world(code_service_obligatoire=True)

    result = deposit(world, service_code=None)

    assert error_rules_of(result) == {"CHORALE-SERVICE-REQUIRED"}
    assert "Commune de Villebelle" in findings_of(result, "CHORALE-SERVICE-REQUIRED")[0]["message"]


def test_an_invoice_without_service_code_goes_to_the_structure_when_none_is_required(world):
    result = deposit(world, service_code=None)

    assert result.status == DepositStatus.INTEGRE
    invoice = Invoice.objects.get()
    assert invoice.service is None and invoice.recipient == world.recipient


def test_the_service_code_is_matched_whatever_its_case(world):
    assert deposit(world, service_code="voirie").status == DepositStatus.INTEGRE
    assert Invoice.objects.get().service == world.service


def test_a_structure_requiring_an_engagement_number_refuses_an_invoice_without_one(db):
    world = make_world(engagement_obligatoire=True)

    result = deposit(world, engagement=None)

    [finding] = findings_of(result, "CHORALE-ENGAGEMENT-REQUIRED")
    assert finding["location"].endswith("/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID")
    assert deposit(world, engagement="EJ-1").status == DepositStatus.INTEGRE


def test_a_service_requiring_an_engagement_number_refuses_an_invoice_without_one(world):
    ServiceFactory(structure=world.recipient, code="ECOLES", engagement_obligatoire=True)

    assert "CHORALE-ENGAGEMENT-REQUIRED-BY-SERVICE" in error_rules_of(
        deposit(world, service_code="ECOLES", engagement=None)
    )
    assert deposit(world, service_code="VOIRIE", engagement=None).status == DepositStatus.INTEGRE


@pytest.mark.parametrize(
    ("service_code", "engagement", "accepted"),
    [(None, None, False), ("VOIRIE", None, True), (None, "EJ-7", True)],
)
def test_a_structure_may_require_a_service_code_or_an_engagement_number(
    db, service_code, engagement, accepted
):
    world = make_world(service_ou_engagement_obligatoire=True)

    result = deposit(world, service_code=service_code, engagement=engagement)

    assert (result.status == DepositStatus.INTEGRE) is accepted
    assert ("CHORALE-SERVICE-OR-ENGAGEMENT-REQUIRED" in error_rules_of(result)) is not accepted


def test_every_routing_problem_is_reported_at_once(db):
    world = make_world(code_service_obligatoire=True, engagement_obligatoire=True)

    result = deposit(world, service_code=None, engagement=None)

    assert error_rules_of(result) == {"CHORALE-SERVICE-REQUIRED", "CHORALE-ENGAGEMENT-REQUIRED"}


# Credit notes.


def test_a_credit_note_must_name_the_invoice_it_corrects(world):
    result = deposit(world, kind="ubl_credit_note", type_code="381", preceding_invoice=None)

    [finding] = findings_of(result, "CHORALE-CREDIT-NOTE-REFERENCE")
    assert finding["severity"] == "error"
    assert finding["location"] == "/CreditNote/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"


def test_a_credit_note_naming_the_invoice_it_corrects_is_accepted(world):
    result = deposit(world, kind="ubl_credit_note", preceding_invoice="FAC-2025-00001")

    assert result.status == DepositStatus.INTEGRE, result.report["documents"][0]["findings"]
    assert Invoice.objects.get().type_code == "381"


def test_a_minimum_credit_note_only_warns_as_the_profile_cannot_say(world):
    result = deposit(world, kind="facturx", profile="MINIMUM", type_code="381", preceding_invoice=None)

    [finding] = findings_of(result, "CHORALE-CREDIT-NOTE-REFERENCE-PROFILE")
    assert finding["severity"] == "warning"
    assert "CHORALE-CREDIT-NOTE-REFERENCE" not in rules_of(result)


# The 2026 reform rules, blocking for the structures that chose so.


def test_reform_rules_warn_by_default_and_refuse_for_a_structure_that_opted_in(db):
    lenient, strict = make_world(), make_world(ctc_rules_as_errors=True)
    # The MINIMUM profile lacks the legal mentions the French CTC rules ask for (BR-FR-05).
    accepted = deposit(lenient, kind="facturx", profile="MINIMUM")
    refused = deposit(strict, kind="facturx", profile="MINIMUM")

    assert accepted.status == DepositStatus.INTEGRE
    assert any(r.startswith("BR-FR-") for r in rules_of(accepted))
    assert refused.status == DepositStatus.REJETE
    assert {r for r in error_rules_of(refused) if r.startswith("BR-FR-")}


# check_routing, for `validate_invoice --as-user`.


def test_check_routing_reports_the_rules_without_depositing(world):
    result = validate_document(invoice_bytes(world, "ubl", service_code="NOPE"))

    findings = check_routing(result, world.supplier)

    assert [f.rule for f in findings] == ["CHORALE-SERVICE-UNKNOWN"]
    assert findings[0].location == "/Invoice/cbc:BuyerReference"
    assert findings[0].message_en.startswith("The service code 'NOPE'")
    assert not Deposit.objects.exists()


def test_check_routing_on_an_unreadable_file_says_nothing(world):
    assert check_routing(validate_document(b"not an invoice"), world.supplier) == []


def test_check_routing_finds_duplicates(world):
    data = invoice_bytes(world, "cii", number="F-DUP")
    deposit_files(world.supplier, [invoice_upload(world, "cii", number="F-DUP")], channel=Deposit.Channel.WEB)

    assert [f.rule for f in check_routing(validate_document(data), world.supplier)] == [
        "CHORALE-DUPLICATE-NUMBER"
    ]


def test_a_public_structure_can_bill_another_one(world):
    # An inter-public invoice: the issuer is itself a public entity.
    issuer = PublicStructureFactory()

    result = deposit(world, user=issuer.principal_manager, seller_siret=issuer.identifier)

    assert result.status == DepositStatus.INTEGRE
