"""Recovery codes as pure functions: made, typed back, normalised and hashed without touching the database.

Kept apart from `accounts.twofactor` so that the recovery-code device model can hash a code without
importing the operations module that imports the models.
"""

import base64
import hashlib
import re
import secrets

RECOVERY_CODE_BYTES = 15  # 120 random bits: 24 base32 characters, no padding (the rule asks for ≥ 112)
RECOVERY_GROUP = 4
_B32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_RECOVERY_LENGTH = RECOVERY_CODE_BYTES * 8 // 5
# Characters a person may type for the base32 ones they see (0/O, 1/I, 8/B are easy to mix up on paper).
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def group(text: str, size: int = RECOVERY_GROUP, sep: str = "-") -> str:
    return sep.join(text[i : i + size] for i in range(0, len(text), size))


def new_recovery_code() -> str:
    """A fresh recovery code, grouped for reading: 'ABCD-EFGH-…' (6 groups of 4 base32 characters)."""
    return group(base64.b32encode(secrets.token_bytes(RECOVERY_CODE_BYTES)).decode())


def normalize_recovery_code(raw: str | None) -> str | None:
    """A typed recovery code in canonical form (upper case, no separators), or None if it cannot be one."""
    if raw is None:
        return None
    code = re.sub(r"[\s\-]+", "", raw).upper().translate(_LOOKALIKES)
    if len(code) != _RECOVERY_LENGTH or any(c not in _B32_ALPHABET for c in code):
        return None
    return code


def hash_recovery_code(raw: str | None) -> str | None:
    """SHA-256 of the normalized code. 120 random bits make a slow or salted hash unnecessary."""
    code = normalize_recovery_code(raw)
    return hashlib.sha256(code.encode("ascii")).hexdigest() if code else None
