"""API token material: made with 256 random bits, kept only as a SHA-256 (a random key needs no slow hash)."""

import hashlib
import secrets

TOKEN_PREFIX = "chor_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)
