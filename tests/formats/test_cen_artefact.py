"""scripts/fetch_cen_cii_xslt.py installs the CEN CII stylesheet once, and only the expected file."""

import hashlib
import importlib.util
from pathlib import Path

import pytest

from invoices.formats.model import DEFAULT_CEN_CII_XSLT
from tests.builders import SHARED_CEN_CII_XSLT

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fetch_cen_cii_xslt.py"


@pytest.fixture(scope="module")
def fetch_module():
    spec = importlib.util.spec_from_file_location("fetch_cen_cii_xslt", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_installed_copy_is_left_alone_without_downloading(fetch_module, tmp_path, monkeypatch):
    if not SHARED_CEN_CII_XSLT.is_file():
        pytest.skip("../shared/validation is absent")
    target = tmp_path / "EN16931-CII-validation.xslt"
    target.write_bytes(SHARED_CEN_CII_XSLT.read_bytes())
    monkeypatch.setattr(fetch_module.subprocess, "run", lambda *a, **k: pytest.fail("downloaded again"))

    assert fetch_module.main(["--target", str(target)]) == 0


def test_a_wrong_file_in_place_is_reported_and_kept(fetch_module, tmp_path, capsys):
    target = tmp_path / "EN16931-CII-validation.xslt"
    target.write_text("<xsl:stylesheet/>")

    assert fetch_module.main(["--target", str(target)]) == 1
    assert "SHA-256" in capsys.readouterr().err
    assert target.read_text() == "<xsl:stylesheet/>"


def test_the_wheel_copy_is_the_cen_1_3_16_release_with_crlf_line_endings(fetch_module):
    if not (DEFAULT_CEN_CII_XSLT.is_file() and SHARED_CEN_CII_XSLT.is_file()):
        pytest.skip("needs both .artefacts/ (run the script) and ../shared/validation")
    fetched = DEFAULT_CEN_CII_XSLT.read_bytes()

    assert hashlib.sha256(fetched).hexdigest() == fetch_module.SHA256
    assert fetched.replace(b"\r\n", b"\n") == SHARED_CEN_CII_XSLT.read_bytes()
