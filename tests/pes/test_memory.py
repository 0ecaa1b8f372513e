"""Writing and reading PES files keeps memory flat: documents stream through, never held whole."""

import hashlib
import random
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import pytest

from invoices.pes.core import PesHeader, PjDocument, read_pes, write_pes

HEADER = PesHeader(id_post="034000", id_coll="21340172201787", cod_col="123", cod_bud="00")
MB = 1024 * 1024
SIZE = 30 * MB


def chunks(seed: int = 42, size: int = SIZE, chunk: int = MB):
    """Incompressible bytes produced on demand, so the test itself never holds the document."""
    generator = random.Random(seed)
    for _ in range(size // chunk):
        yield generator.randbytes(chunk)


def expected_sha256() -> str:
    digest = hashlib.sha256()
    for chunk in chunks():
        digest.update(chunk)
    return digest.hexdigest()


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    doc = PjDocument(
        key="big", invoice_number="BIG-1", year=2025, supplier_name="Big", open=chunks, size=SIZE
    )
    out = tmp_path_factory.mktemp("pes")
    tracemalloc.start()
    try:
        report = write_pes([doc], HEADER, out, max_bytes=100 * MB)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return report, peak


def test_writing_a_30_mb_document_stays_far_below_its_size(written):
    report, peak = written

    assert report.files[0].size > 40 * MB
    assert peak < 5 * MB, f"peak {peak / MB:.1f} MB"


def test_reading_it_back_stays_far_below_its_size(written):
    report, _peak = written
    tracemalloc.start()
    try:
        pes = read_pes(report.files[0].path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert pes.pjs[0].size == SIZE
    assert pes.pjs[0].sha256 == expected_sha256()
    assert peak < 5 * MB, f"peak {peak / MB:.1f} MB"


CHILD = textwrap.dedent(
    """
    import random, resource, sys, tempfile
    from invoices.pes.core import PesHeader, PjDocument, read_pes, write_pes

    MB = 1024 * 1024

    def chunks():
        generator = random.Random(1)
        for _ in range(60):
            yield generator.randbytes(MB)

    header = PesHeader(id_post="034000", id_coll="21340172201787", cod_col="123", cod_bud="00")
    doc = PjDocument(key="k", invoice_number="1", year=2025, supplier_name="S", open=chunks)
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        report = write_pes([doc], header, out, max_bytes=200 * MB)
        assert read_pes(report.files[0].path).pjs[0].size == 60 * MB
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print((after - before) // 1024)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in kilobytes is Linux behaviour")
def test_process_memory_including_libxml2_buffers_stays_flat():
    """tracemalloc does not see lxml's C buffers: the process high-water mark does."""
    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=repo, capture_output=True, text=True, check=True, timeout=300
    )

    growth_mb = int(result.stdout.strip())
    assert growth_mb < 20, f"resident memory grew by {growth_mb} MB for a 60 MB document"
