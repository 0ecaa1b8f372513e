"""The translation tables, walked both ways and checked against Chorale's own lifecycle and deposit."""

import pytest

from accounts.models import Structure
from invoices.cpro import mapping
from invoices.lifecycle import RECIPIENT, SET_STATUS, TRANSITIONS
from invoices.lifecycle.reasons import REASONS, STATUS_REASONS
from invoices.models import Deposit, DepositStatus, InvoiceStatus

# The statuses of an ordinary supplier invoice in the reference sheet (§4.7), and the flow states (§4.3).
SHEET_STATUSES = {
    "DEPOSEE",
    "EN_COURS_ACHEMINEMENT",
    "MISE_A_DISPOSITION",
    "PRISE_EN_COMPTE_DESTINATAIRE",
    "SUSPENDUE",
    "COMPLETEE",
    "A_RECYCLER",
    "REJETEE",
    "SERVICE_FAIT",
    "MANDATEE",
    "MISE_A_DISPOSITION_COMPTABLE",
    "COMPTABILISEE",
    "MISE_EN_PAIEMENT",
}
SHEET_FLOW_STATES = {
    "IN_RECU",
    "IN_TRAITE_SE_CPP",
    "IN_EN_ATTENTE_TRAITEMENT_CPP",
    "IN_EN_COURS_TRAITEMENT_CPP",
    "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP",
    "IN_EN_ATTENTE_RETRAITEMENT_CPP",
    "IN_INTEGRE",
    "IN_INTEGRE_PARTIEL",
    "IN_REJETE",
    "IN_INCIDENTE",
    "QP_IRRECEVABLE",
    "QP_RECEVABLE_AVEC_ERREUR",
}


def test_every_chorale_status_has_one_chorus_pro_status_of_the_sheet_and_back():
    assert set(mapping.STATUSES) == set(InvoiceStatus.values)
    assert set(mapping.STATUSES.values()) <= SHEET_STATUSES
    assert len(set(mapping.STATUSES.values())) == len(mapping.STATUSES)
    for status in InvoiceStatus.values:
        assert mapping.chorale_status(mapping.cpro_status(status)) == status


def test_a_chorus_pro_status_chorale_has_not_reads_as_none():
    assert mapping.chorale_status("EN_COURS_ACHEMINEMENT") is None
    assert mapping.chorale_status("suspendue") == InvoiceStatus.SUSPENDUE


def test_every_status_a_recipient_may_set_in_chorale_can_be_asked_through_traiter_recue():
    recipient_targets = {t.target for t in TRANSITIONS if t.role == RECIPIENT and t.operation == SET_STATUS}
    assert {mapping.cpro_status(s) for s in recipient_targets} <= mapping.TRAITER_RECUE_TARGETS


def test_every_traiter_recue_target_is_a_status_the_lifecycle_gives_a_recipient_or_the_delivery():
    recipient_targets = {t.target for t in TRANSITIONS if t.role == RECIPIENT}
    for code in mapping.TRAITER_RECUE_TARGETS - {"MISE_A_DISPOSITION"}:
        assert mapping.chorale_status(code) in recipient_targets, code


def test_the_statuses_chorus_pro_gives_only_with_a_motif_need_a_reason_in_chorale():
    needing = {t.target for t in TRANSITIONS if t.reason_required}
    assert {mapping.chorale_status(code) for code in mapping.MOTIF_REQUIRED} <= needing


def test_every_status_that_needs_a_reason_has_a_default_one_it_accepts():
    # `traiter/recue` sets plain statuses; a mandat's rejection has its own operation and reasons.
    for status in {t.target for t in TRANSITIONS if t.reason_required and t.operation == SET_STATUS}:
        assert mapping.DEFAULT_REASONS[status] in STATUS_REASONS[status], status


def test_every_deposit_status_is_a_flow_state_and_back():
    assert set(mapping.FLOW_STATES) == set(DepositStatus.values)
    for status in DepositStatus.values:
        assert mapping.deposit_status(mapping.flow_state(status)) == status
    assert set(mapping.FLOW_STATES.values()) | set(mapping.OTHER_FLOW_STATES) == SHEET_FLOW_STATES


def test_the_final_flow_states_are_those_oca_stops_polling_at():
    assert {"IN_INTEGRE", "IN_INTEGRE_PARTIEL", "IN_REJETE"} == mapping.FINAL_FLOW_STATES
    assert mapping.flow_state(DepositStatus.EN_COURS) == "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP"


def test_every_identifier_type_has_its_chorus_pro_name_and_back():
    assert set(mapping.ID_TYPES) == set(Structure.IdType.values)
    for id_type in Structure.IdType.values:
        assert mapping.CHORALE_ID_TYPES[mapping.ID_TYPES[id_type]] == id_type


def test_factur_x_is_the_mixed_syntax_and_the_sheets_nonexistent_code_is_refused():
    assert mapping.SYNTAXES["IN_DP_E2_CII_FACTURX"] == "pdf"
    assert "IN_DP_E1_CII_FACTURX" not in mapping.SYNTAXES
    assert not set(mapping.SYNTAXES) & mapping.UNSUPPORTED_SYNTAXES


@pytest.mark.parametrize("pk", [1, 1557, 10**21 + 7])
def test_a_flow_number_is_cpp_and_22_digits_and_names_its_deposit_back(pk):
    number = mapping.flux_number(Deposit(pk=pk))
    assert number.startswith("CPP") and len(number) == 25 and number[3:].isdigit()
    assert mapping.deposit_key(number) == pk


@pytest.mark.parametrize(
    "number", ["", "CPP123", "XYZ0011110000000000001557", "CPP00111100000000000015570", None]
)
def test_a_flow_number_chorale_did_not_give_names_nothing(number):
    assert mapping.deposit_key(number) is None


def test_a_motif_that_starts_with_an_accepted_code_chooses_the_reason():
    accepted = STATUS_REASONS[InvoiceStatus.SUSPENDUE]
    assert mapping.reason_and_comment(
        "REF_CT_ABSENT : bon de commande", InvoiceStatus.SUSPENDUE, accepted
    ) == (
        "REF_CT_ABSENT",
        "bon de commande",
    )


def test_a_free_motif_takes_the_default_reason_and_stays_whole_as_the_comment():
    accepted = STATUS_REASONS[InvoiceStatus.REJETEE]
    assert mapping.reason_and_comment("DOUBLON mais pas tout à fait", InvoiceStatus.REJETEE, accepted) == (
        "NON_CONFORME",
        "DOUBLON mais pas tout à fait",
    )
    assert mapping.reason_and_comment("JUSTIF_ABS : x", InvoiceStatus.REJETEE, accepted)[0] == "NON_CONFORME"


def test_a_status_without_reasons_keeps_the_motif_as_its_comment():
    assert mapping.reason_and_comment("vu", InvoiceStatus.SERVICE_FAIT, ()) == ("", "vu")


def test_a_pushed_motif_brings_its_reason_back_when_read_by_chorale():
    motif = mapping.push_motif("JUSTIF_ABS", "Bon de livraison manquant", "ignored")
    accepted = STATUS_REASONS[InvoiceStatus.SUSPENDUE]
    assert mapping.reason_and_comment(motif, InvoiceStatus.SUSPENDUE, accepted) == (
        "JUSTIF_ABS",
        "Bon de livraison manquant",
    )
    assert len(mapping.push_motif("AUTRE", "x" * 1000, "")) == mapping.MOTIF_MAX


def test_default_reasons_are_known_codes():
    assert set(mapping.DEFAULT_REASONS.values()) <= set(REASONS)


@pytest.mark.parametrize(
    ("code", "kind"), [("380", "FACTURE"), ("381", "AVOIR"), ("384", "FACTURE"), ("", "FACTURE")]
)
def test_credit_notes_are_avoirs(code, kind):
    assert mapping.invoice_type(code) == kind
