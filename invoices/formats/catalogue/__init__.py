"""What a supplier reads about each rule the validation can report, keyed by rule id.

Every rule id the official artefacts can raise (CEN EN 16931 for CII and UBL, the Factur-X profile
schematrons, the French CTC rules) and every Chorale rule has an entry: a French message written for a
supplier and the business terms involved. The English shown is the official text the finding carries
(`Finding.message_en`), or ours where the official text is French.

The Factur-X profile schematrons number their asserts FX-SCH-A-nnnnnn and, for the EN 16931 rules they
repeat, start the text with the EN 16931 id ("[BR-45]-…"): that id is the key, so a rule reads the same
whatever the profile.
"""

import re

from invoices.formats.catalogue import (
    chorale,
    codes,
    en16931,
    facturx,
    fr_ctc,
    fr_ctc_lines,
    structure,
    syntax,
    vat,
    vat_extended,
)
from invoices.formats.catalogue.rule import SUPPLIER, TECHNICAL, Rule
from invoices.formats.catalogue.terms import TERMS, label

__all__ = ["CATALOGUE", "SUPPLIER", "TECHNICAL", "TERMS", "Rule", "label", "lookup", "rule_key"]

CATALOGUE: dict[str, Rule] = {}
for _module in (en16931, codes, vat, vat_extended, facturx, fr_ctc, fr_ctc_lines, structure, syntax, chorale):
    _duplicates = CATALOGUE.keys() & _module.RULES.keys()
    assert not _duplicates, f"{_module.__name__} redefines {sorted(_duplicates)}"
    CATALOGUE.update(_module.RULES)

# Same pattern as engine._rule_in_text: the id an assert's text starts with.
_BRACKETED = re.compile(r"^\s*\[([A-Za-z][A-Za-z0-9_.\-]*)\]")


def rule_key(rule: str, text: str = "") -> str:
    """The id a finding is known by: for a Factur-X profile assert repeating an EN 16931 rule, that rule."""
    if rule.startswith("FX-SCH-"):
        match = _BRACKETED.match(text or "")
        if match:
            return match.group(1)
    return rule


def lookup(rule: str, text: str = "") -> Rule | None:
    return CATALOGUE.get(rule_key(rule, text))
