"""What validating in a pool worker costs next to validating in-process, per format, on generated invoices.

    .venv/bin/python bench/validation_pool.py [--repeat N] [--workers N]

prints the time the pool's workers take to start and warm up, their resident size, then per format the median
and p95 milliseconds of validate_document in this process and of ValidationPool.validate (one request at a
time: the round trip, the pickling of the document and of its result), and how long a crafted quadratic
invoice takes to be refused at a 5 s limit.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from invoices.formats import ValidationConfig, validate_document, warm_up  # noqa: E402
from invoices.formats.pool import ValidationPool  # noqa: E402
from invoices.formats.samples import cii_invoice, facturx_pdf, ubl_invoice  # noqa: E402

RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"


def documents(n: int) -> dict[str, list[bytes]]:
    return {
        "facturx": [facturx_pdf("EN16931", number=f"B-{i}") for i in range(n)],
        "cii": [cii_invoice("EN16931", number=f"B-{i}") for i in range(n)],
        "ubl": [ubl_invoice(number=f"B-{i}") for i in range(n)],
    }


def timed_ms(validators, data: list[bytes]) -> list[list[float]]:
    """Milliseconds per document for each validator, taking turns so that load drift hits them alike."""
    times = [[] for _ in validators]
    for document in data:
        for validate, into in zip(validators, times, strict=True):
            started = time.perf_counter()
            result = validate(document)
            into.append((time.perf_counter() - started) * 1000)
            assert result.valid, result.findings
    return times


def quadratic(n: int = 16_000) -> bytes:
    marker = b"</ram:ID>"
    data = cii_invoice("EN16931")
    head, tail = data.split(marker, 1)  # the first ram:ID is the business process's: any ram:ID will do
    return head + f"<ram:ID xmlns:ram='{RAM}'/>".encode() * n + marker + tail


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    config = ValidationConfig.default()

    started = time.perf_counter()
    pool = ValidationPool(args.workers, warm_config=config).start()
    pool.wait_until_idle()
    rss = pool.state()["idle_rss_mb"]
    print(
        f"{args.workers} workers warm in {time.perf_counter() - started:.1f} s, "
        f"resident {' / '.join(f'{mb:.0f}' for mb in rss.values())} MB"
    )
    warm_up(config)

    print(f"{'format':8} {'in-process p50':>15} {'p95':>7} {'pool p50':>9} {'p95':>7} {'overhead':>9}")
    for name, data in documents(args.repeat).items():
        local, pooled = timed_ms(
            [lambda d: validate_document(d, config=config), lambda d: pool.validate(d, config=config)], data
        )
        p50_local, p50_pool = statistics.median(local), statistics.median(pooled)
        print(
            f"{name:8} {p50_local:12.1f} ms {_p95(local):7.1f} {p50_pool:6.1f} ms {_p95(pooled):7.1f} "
            f"{p50_pool - p50_local:+6.1f} ms"
        )

    started = time.perf_counter()
    result = pool.validate(quadratic(), config=config, timeout=5)
    print(
        f"quadratic CII (16,000 empty elements): {[f.rule for f in result.findings]} "
        f"after {time.perf_counter() - started:.2f} s at a 5 s limit"
    )
    pool.close()


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


if __name__ == "__main__":
    main()
