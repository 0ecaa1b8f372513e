"""The mandat reference typed with *mandatée* (exercice, bordereau, mandat number, line), checked against the
PES expense flow's formats (`invoices.pes.core.check_mandat_reference`) wherever it enters: the page's form,
the API and the operation itself."""

from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from invoices.lifecycle.transitions import MANDAT_FIELDS, LifecycleError
from invoices.pes.core import check_mandat_reference
from invoices.pes.core.mandat import format_error, normalize_number, number_pattern


def _text(error) -> str:
    return error.message_en if (get_language() or "fr").startswith("en") else error.message_fr


def number_validator(part: str) -> RegexValidator:
    """The PES format of one number part (`bordereau`, `numero`, `ligne`) as a field validator: its pattern
    goes into the API schema, its message is the PES check's, in the reader's language. White space alone is
    a blank part, as the field trims it (drf-spectacular documents the empty text beside the pattern)."""
    pattern = rf"^(?:{number_pattern(part)}|\s+)$"
    return RegexValidator(pattern, message=lazy(lambda: _text(format_error(part)), str)())


def reference_errors(mandat: dict, *, today=None) -> dict[str, str]:
    """Field (`mandat_<part>`) → message, in the reader's language, for every part that is wrong."""
    year = (today or timezone.localdate()).year
    errors = check_mandat_reference(
        mandat.get("exercice"),
        mandat.get("bordereau"),
        mandat.get("numero"),
        mandat.get("ligne") or "",
        current_year=year,
    )
    found: dict[str, str] = {}
    for error in errors:
        found.setdefault(f"mandat_{error.field}", _text(error))
    return found


def clean_mandat(mandat: dict | None) -> dict:
    """The reference as the PES writes it (exercice as a number, numbers without leading zeros), or a
    LifecycleError naming every wrong part, the first one as its field."""
    given = {k: v for k, v in (mandat or {}).items() if v not in (None, "")}
    unknown = set(given) - set(MANDAT_FIELDS)
    if unknown:
        raise LifecycleError(
            _("Champs de mandat inconnus : %(f)s.") % {"f": ", ".join(sorted(unknown))}, field="mandat"
        )
    errors = reference_errors(given)
    if errors:
        raise LifecycleError(
            _("Référence du mandat refusée : %(why)s") % {"why": " ".join(errors.values())},
            field=next(iter(errors)),
        )
    return {
        "exercice": int(str(given["exercice"]).strip()),
        "bordereau": normalize_number(given["bordereau"]),
        "numero": normalize_number(given["numero"]),
        "ligne": normalize_number(given.get("ligne", "")),
    }
