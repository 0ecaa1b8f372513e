"""Acceptance 3: no third-party file from ../shared/pes/ is in the repo, and no XSD is tracked at all."""

import hashlib
import subprocess

from tests.conftest import REPO_DIR, shared_path


def _tracked() -> list[str]:
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_DIR,
        capture_output=True,
        check=True,
    ).stdout
    return [name for name in listing.decode().split("\0") if name]


def _sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def test_no_xsd_is_tracked():
    assert [name for name in _tracked() if name.lower().endswith(".xsd")] == []


def test_no_repo_file_is_a_copy_of_a_shared_pes_file():
    shared = shared_path("pes")
    shared_files = [p for p in shared.rglob("*") if p.is_file()]
    sizes = {p.stat().st_size for p in shared_files}
    digests = {_sha256(p): p for p in shared_files}
    copies = []
    for name in _tracked():
        path = REPO_DIR / name
        if path.is_file() and path.stat().st_size in sizes and _sha256(path) in digests:
            copies.append(f"{name} = ../shared/pes/{digests[_sha256(path)].relative_to(shared)}")
    assert copies == []
