"""Secrets kept encrypted at rest: signing certificates, credentials for other platforms.

Each purpose gets its own Fernet key, derived from SECRET_KEY with HKDF: a database dump alone hands out no
one's signature nor anyone's Chorus Pro access. Rotating SECRET_KEY means entering those secrets again.
"""

import base64

from django.conf import settings


def fernet(salt: bytes, info: bytes):
    """The Fernet cipher of one purpose (`salt` and `info` name it; never reuse them for another)."""
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))
