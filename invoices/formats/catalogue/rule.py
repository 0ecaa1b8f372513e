"""One catalogue entry: what a supplier reads about a rule."""

from dataclasses import dataclass

SUPPLIER = "supplier"
TECHNICAL = "technical"


@dataclass(frozen=True)
class Rule:
    fr: str
    """For a supplier: the first sentence says what is wrong (it becomes the refusal summary), the next ones
    how to fix it and, when that helps, where in usual invoicing software."""
    terms: tuple[str, ...] = ()
    """The business terms (BT/BG) the rule involves, the one to fix first."""
    en: str | None = None
    """Our English, only where the official text is not in English (French CTC rules) or is missing."""
    audience: str = SUPPLIER
    """TECHNICAL: a report on the file's make-up that a supplier cannot act on; folded away in reports."""


def R(fr: str, *terms: str, en: str | None = None, audience: str = SUPPLIER) -> Rule:
    return Rule(fr, terms, en, audience)
