"""The import direction runs from views to operations to models to pure cores, never back, with no cycle."""

import textwrap

import pytest

from tests.architecture.layers import breaches, cycles, import_graph, project_modules
from tests.conftest import REPO_DIR

MAX_MODULE_LINES = 600
MAX_INVOICES_ENTRIES = 12


def test_the_project_has_no_import_cycle():
    assert cycles(import_graph(REPO_DIR)) == []


def test_every_import_follows_the_layers():
    assert [str(b) for b in breaches(import_graph(REPO_DIR))] == []


def test_no_module_of_the_project_passes_six_hundred_lines():
    roots = [REPO_DIR / name for name in ("accounts", "invoices", "portal", "tests", "bench", "scripts")]
    long = {
        str(path.relative_to(REPO_DIR)): n
        for root in roots
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_the_invoices_package_shows_its_capabilities_in_a_dozen_entries():
    entries = [p.name for p in (REPO_DIR / "invoices").iterdir() if p.name != "__pycache__"]
    assert len(entries) <= MAX_INVOICES_ENTRIES, sorted(entries)
    assert {"deposit", "lifecycle", "pes", "formats"} <= set(entries)


def _tree(tmp_path, files: dict[str, str]):
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    for package in ("accounts", "invoices", "portal"):
        (tmp_path / package).mkdir(exist_ok=True)
        (tmp_path / package / "__init__.py").touch()
    return import_graph(tmp_path)


@pytest.mark.parametrize(
    ("files", "rule"),
    [
        ({"accounts/models.py": "from invoices.models import Invoice\n"}, "know nothing of invoices"),
        ({"accounts/models.py": "def f():\n    import invoices.models\n"}, "know nothing of invoices"),
        (
            {"invoices/formats/__init__.py": "", "invoices/formats/cii.py": "from django.db import models\n"},
            "pure core",
        ),
        (
            {
                "invoices/pes/__init__.py": "",
                "invoices/pes/core/__init__.py": "",
                "invoices/pes/core/w.py": "import invoices.models\n",
            },
            "pure core",
        ),
        ({"invoices/models.py": "from portal import demo\n", "portal/demo.py": ""}, "project above it"),
        (
            {
                "invoices/models.py": "from invoices.lifecycle import views\n",
                "invoices/lifecycle/__init__.py": "",
                "invoices/lifecycle/views.py": "",
            },
            "adapter",
        ),
    ],
)
def test_a_forbidden_import_is_reported(tmp_path, files, rule):
    graph = _tree(tmp_path, {"invoices/models.py": "", **files})
    assert any(rule in b.rule for b in breaches(graph)), breaches(graph)


def test_a_cycle_is_reported_even_through_a_lazy_or_relative_import(tmp_path):
    graph = _tree(
        tmp_path,
        {
            "invoices/a.py": "from invoices import b\n",
            "invoices/b.py": "def late():\n    from . import c\n",
            "invoices/c.py": "from .a import thing\n",
        },
    )
    assert cycles(graph) == [["invoices.a", "invoices.b", "invoices.c"]]


def test_the_graph_reads_every_module_of_the_project():
    modules = project_modules(REPO_DIR)
    assert {
        "invoices.deposit.operations",
        "invoices.lifecycle.transitions",
        "invoices.pes.core.writer",
    } <= set(modules)
    assert not any("migrations" in name for name in modules)
