"""python manage.py validate_invoice: validate files without depositing them."""

import io
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from invoices.formats.findings import Finding
from tests.builders import broken_invoice, cii_invoice, facturx_pdf, ubl_invoice

REPO_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def files(tmp_path):
    def write(name, data):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("validate_invoice", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue()


def test_json_output_is_one_object_per_file_and_exit_0_when_all_are_valid(files):
    code, out = run(files("a.pdf", facturx_pdf("BASIC")), files("b.xml", ubl_invoice(number="U-9")), "--json")

    reports = json.loads(out)
    assert code == 0
    assert [(r["format"], r["profile"], r["valid"]) for r in reports] == [
        ("facturx", "BASIC", True),
        ("ubl", "EN16931", True),
    ]
    assert set(reports[1]) == {"file", "format", "profile", "valid", "findings", "invoice"}
    assert reports[1]["invoice"]["number"] == "U-9"
    assert reports[0]["file"].endswith("a.pdf")


def test_exit_1_when_one_file_is_invalid_with_the_rule_in_the_json(files):
    code, out = run(
        files("ok.xml", cii_invoice("EN16931")), files("ko.xml", broken_invoice("BR-CO-15")), "--json"
    )

    reports = json.loads(out)
    assert code == 1
    assert [r["valid"] for r in reports] == [True, False]
    assert reports[1]["findings"][0] == {
        "severity": "error",
        "rule": "BR-CO-15",
        "message": reports[1]["findings"][0]["message"],
        "location": reports[1]["findings"][0]["location"],
        "count": 1,
    }
    assert reports[1]["findings"][0]["location"]


def test_the_text_report_is_french_by_default_and_english_on_request(files):
    path = files("ko.xml", broken_invoice("BR-02"))

    _, french = run(path)
    _, english = run(path, "--lang", "en")

    assert "REFUSÉE" in french and "[erreur] BR-02" in french
    assert "REFUSED" in english and "[error] BR-02" in english


def test_a_missing_file_is_a_usage_error(files):
    with pytest.raises(CommandError) as error:
        call_command("validate_invoice", files("ok.xml", cii_invoice("MINIMUM")), "/nonexistent/facture.pdf")

    assert error.value.returncode == 2
    assert "/nonexistent/facture.pdf" in str(error.value)


def test_as_user_without_routing_rules_is_a_usage_error(files, monkeypatch):
    monkeypatch.setitem(sys.modules, "invoices.deposit.routing", types.ModuleType("invoices.deposit.routing"))

    with pytest.raises(CommandError) as error:
        call_command(
            "validate_invoice", files("ok.xml", cii_invoice("MINIMUM")), "--as-user", "a@example.test"
        )

    assert error.value.returncode == 2


@pytest.mark.django_db
def test_as_user_adds_the_routing_findings_for_that_user(files, monkeypatch):
    from tests.factories import UserFactory

    user = UserFactory(email="depositor@example.test")
    seen = []

    def check_routing(result, who):
        seen.append(who)
        return [Finding("error", "CHORALE-TEST-ROUTING", "Pas pour vous.", "Not for you.", "")]

    routing = types.ModuleType("invoices.deposit.routing")
    routing.check_routing = check_routing
    monkeypatch.setitem(sys.modules, "invoices.deposit.routing", routing)

    code, out = run(files("ok.xml", cii_invoice("MINIMUM")), "--as-user", "DEPOSITOR@example.test", "--json")

    assert seen == [user]
    assert code == 1
    assert json.loads(out)[0]["findings"][-1]["rule"] == "CHORALE-TEST-ROUTING"


@pytest.mark.django_db
def test_as_user_with_an_unknown_email_is_a_usage_error(files):
    with pytest.raises(CommandError) as error:
        call_command(
            "validate_invoice", files("ok.xml", cii_invoice("MINIMUM")), "--as-user", "nobody@example.test"
        )

    assert error.value.returncode == 2


def test_from_a_shell_stdout_holds_only_json_and_the_exit_status_tells(files):
    command = [
        sys.executable,
        "manage.py",
        "validate_invoice",
        "--json",
        files("ok.xml", cii_invoice("MINIMUM")),
        files("ko.xml", broken_invoice("BR-CO-10")),
    ]

    completed = subprocess.run(command, cwd=REPO_DIR, capture_output=True, text=True, timeout=300)

    assert completed.returncode == 1, completed.stderr
    assert [r["valid"] for r in json.loads(completed.stdout)] == [True, False]


def test_from_a_shell_a_missing_file_exits_2(tmp_path):
    command = [sys.executable, "manage.py", "validate_invoice", str(tmp_path / "absent.xml")]

    completed = subprocess.run(command, cwd=REPO_DIR, capture_output=True, text=True, timeout=300)

    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "absent.xml" in completed.stderr
