"""Figure: PES writer throughput and memory, without Django.

    .venv/bin/python bench/pes_writer_bare.py --documents 200 --size-kb 300 --max-mb 50

Writes incompressible PDF-sized documents through `write_pes`, then reads the files back, and prints
wall time, MB/s of original content, Python heap peak (tracemalloc) and process high-water mark. When
../shared/pes/xsd/schemas_pes_v5.17 exists, each file is also validated, and the validation time reported.
"""

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from invoices.pes.core import PesHeader, PjDocument, read_pes, validate_pes, write_pes  # noqa: E402

XSD_DIR = REPO.parent / "shared" / "pes" / "xsd" / "schemas_pes_v5.17"
HEADER = PesHeader(id_post="034000", id_coll="21340172201787", cod_col="123", cod_bud="00")
MB = 1024 * 1024


def content(seed: int, size: int):
    def open_chunks():
        generator = random.Random(seed)
        remaining = size
        while remaining:
            n = min(remaining, 256 * 1024)
            remaining -= n
            yield generator.randbytes(n)

    return open_chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--size-kb", type=int, default=300)
    parser.add_argument("--max-mb", type=int, default=50)
    args = parser.parse_args()
    size = args.size_kb * 1024
    documents = (
        PjDocument(
            key=f"bench-{n}",
            invoice_number=f"F-{n}",
            year=2025,
            supplier_name="Fournisseur Bench",
            open=content(n, size),
            size=size,
        )
        for n in range(args.documents)
    )
    with tempfile.TemporaryDirectory() as out:
        tracemalloc.start()
        started = time.perf_counter()
        report = write_pes(documents, HEADER, out, max_bytes=args.max_mb * MB)
        written_s = time.perf_counter() - started
        write_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        started = time.perf_counter()
        decoded = sum(pj.size for f in report.files for pj in read_pes(f.path).pjs)
        read_s = time.perf_counter() - started
        read_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        validate_s = None
        if XSD_DIR.is_dir():
            started = time.perf_counter()
            assert all(validate_pes(f.path, XSD_DIR) == [] for f in report.files)
            validate_s = time.perf_counter() - started
        total = args.documents * size
        assert decoded == total
        print(f"documents {args.documents} x {args.size_kb} KB = {total / MB:.1f} MB, cap {args.max_mb} MB")
        print(f"files {len(report.files)}, largest {max(f.size for f in report.files) / MB:.2f} MB")
        print(
            f"write {written_s:.2f} s ({total / MB / written_s:.1f} MB/s), heap peak {write_peak / MB:.1f} MB"
        )
        print(f"read  {read_s:.2f} s ({total / MB / read_s:.1f} MB/s), heap peak {read_peak / MB:.1f} MB")
        if validate_s is not None:
            print(f"validate {validate_s:.2f} s")
        print(f"process high-water mark {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
