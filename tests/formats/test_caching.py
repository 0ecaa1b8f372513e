"""XSDs and stylesheets are compiled once per process and shared safely between threads."""

from concurrent.futures import ThreadPoolExecutor

from invoices.formats import engine, get_validator, validate_document, warm_up
from invoices.formats.findings import ERROR
from tests.builders import Line, cii_invoice, facturx_pdf, full_config, ubl_invoice


def test_the_validator_is_shared_by_the_whole_process():
    assert get_validator() is get_validator()
    assert get_validator().artefacts is engine.get_artefacts()


def test_a_second_validation_compiles_nothing():
    documents = [cii_invoice("BASIC"), ubl_invoice(), facturx_pdf("EN16931")]
    for data in documents:
        validate_document(data)
    compiled = engine.get_artefacts().compilations

    for data in documents:
        validate_document(data)

    assert engine.get_artefacts().compilations == compiled


def test_concurrent_validations_give_the_same_answers_as_sequential_ones():
    documents = [
        cii_invoice("EN16931", number=f"T-{i}", lines=[Line(unit="BAD" if i % 2 else "C62")])
        for i in range(8)
    ] + [ubl_invoice(number="U-1")]
    expected = [[f.rule for f in validate_document(d).findings] for d in documents]

    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(lambda d: [f.rule for f in validate_document(d).findings], documents))

    assert found == expected
    assert found[1] == ["FX-SCH-A-000613"]


def test_passing_the_code_list_as_a_parameter_gives_the_same_verdicts():
    # The FNFE stylesheets are compiled with their document('…codedb.xml') calls replaced by a parameter.
    artefacts = engine.get_artefacts()
    path = engine.facturx_schematron("EN16931")
    rewritten = artefacts.stylesheet(path)
    official = engine.Stylesheet(artefacts.processor, path, codedb_as_parameter=False)
    assert (rewritten.codedb is not None, official.codedb) == (True, None)

    for lines in ([Line()], [Line(unit="BAD")], [Line(unit="NOPE"), Line(vat_rate="7.00")]):
        node = artefacts.saxon_document(cii_invoice("EN16931", lines=lines).decode())
        assertions = [engine.parse_svrl(s.run(node)) for s in (rewritten, official)]
        assert assertions[0] == assertions[1]
        assert any((a.rule or "").startswith("FX-SCH") for a in assertions[0]) == (lines != [Line()])


def test_errors_are_flagged_fatal_or_unflagged_failed_asserts_only():
    from invoices.formats.validate import _severity

    assert _severity(engine.Assertion("failed-assert", "BR-01", "fatal", "", "")) == ERROR
    assert _severity(engine.Assertion("failed-assert", "FX-SCH-A-1", None, "", "")) == ERROR
    assert _severity(engine.Assertion("failed-assert", "PEPPOL-R008", "warning", "", "")) != ERROR
    assert _severity(engine.Assertion("successful-report", None, None, "", "")) != ERROR


def test_warm_up_compiles_every_rule_set_in_use():
    config = full_config()
    warm_up(config)

    compiled = {path.name for path in engine.get_artefacts()._stylesheets}
    expected = {
        engine.facturx_schematron(p).name for p in ("MINIMUM", "BASIC WL", "BASIC", "EN16931", "EXTENDED")
    }
    expected |= {engine.ubl_schematron("EN16931").name, engine.CII_CTC_FR.name, engine.UBL_CTC_FR.name}
    if config.cen_cii_xslt:
        expected.add("EN16931-CII-validation.xslt")
    assert expected <= compiled


def test_a_forked_process_starts_its_own_cache(monkeypatch):
    # A Saxon processor must not cross a fork: a child sees another pid and builds a fresh cache.
    parent = engine.get_artefacts()
    monkeypatch.setattr(engine, "_artefacts", parent)
    monkeypatch.setattr(parent, "pid", -1)

    child = engine.get_artefacts()

    assert child is not parent
    assert child.compilations == 0
    assert get_validator().artefacts is child
