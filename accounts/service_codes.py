"""Service codes (BT-10, the buyer reference a supplier writes on the invoice): their shape, pure.

A code is what the structure gives its suppliers to type into their invoicing software, and what deposit
compares (ignoring case) with the invoice's buyer reference. Case carries no meaning, so a code is stored in
upper case whatever the manager typed. Anything else that would change the code (spaces, accents, other
signs) is refused rather than rewritten: the manager may already have given the code to suppliers, and a
silently different code would not match their invoices. The refusal proposes the closest valid code.
"""

import re
import unicodedata

MAX_LENGTH = 100  # Chorus Pro's limit, and the one deposit applies (invoices.deposit.routing)
ALLOWED = re.compile(r"[A-Z0-9_-]+")


def gettext_noop(message: str) -> str:
    """Marks a message for extraction by makemessages without importing Django."""
    return message


REQUIRED = gettext_noop("Le code service est obligatoire.")
TOO_LONG = gettext_noop("Le code service compte %(length)d caractères ; il en admet au plus %(max)d.")
BAD_CHARACTERS = gettext_noop(
    "Le code service « %(code)s » ne peut contenir que des lettres sans accent, des chiffres, « _ » et "
    "« - », sans espace. Proposition : %(suggestion)s"
)


def normalise(raw: str) -> str:
    """The code as stored: trimmed, in upper case."""
    return (raw or "").strip().upper()


def suggestion(raw: str) -> str:
    """The closest valid code: accents dropped, every run of other signs turned into one `_`."""
    plain = unicodedata.normalize("NFKD", normalise(raw)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9_-]+", "_", plain).strip("_")[:MAX_LENGTH]


def problem(code: str) -> tuple[str, dict] | None:
    """What is wrong with a normalised code, as (message, its parameters), or None."""
    if not code:
        return REQUIRED, {}
    if not ALLOWED.fullmatch(code):
        return BAD_CHARACTERS, {"code": code, "suggestion": suggestion(code) or "SERVICE"}
    if len(code) > MAX_LENGTH:
        return TOO_LONG, {"length": len(code), "max": MAX_LENGTH}
    return None
