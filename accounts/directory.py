"""Reading a CSV extract of the directory of public bodies, for `import_public_structures`.

One row per service, the structure's columns repeated on each of its rows (a structure without services has
one row with an empty `code_service`). The header names the columns, in any order; `;` or `,` separates
them; UTF-8, with or without a byte-order mark. See the README, "Public structures", for the columns.

Every row is checked before anything is written: a file with errors is refused whole, with each error's line.
"""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts import identifiers

REQUIRED_COLUMNS = ("siret", "raison_sociale")
# Structure flags the directory may carry; a column absent from the header leaves the flag untouched.
FLAG_COLUMNS = (
    "code_service_obligatoire",
    "engagement_obligatoire",
    "service_ou_engagement_obligatoire",
    "gestion_mise_en_paiement",
)
SERVICE_COLUMNS = ("code_service", "libelle_service", "service_engagement_obligatoire", "service_actif")
# The town and postal code feed the directory of recipients (search by town).
PLACE_COLUMNS = {"code_postal": ("postal_code", 10), "ville": ("town", 100)}
COLUMNS = (*REQUIRED_COLUMNS, "adresse", *PLACE_COLUMNS, *FLAG_COLUMNS, *SERVICE_COLUMNS)
STRUCTURE_COLUMNS = (*REQUIRED_COLUMNS, "adresse", *PLACE_COLUMNS, *FLAG_COLUMNS)

_TRUE = frozenset({"1", "oui", "o", "true", "vrai", "yes", "y", "x"})
_FALSE = frozenset({"", "0", "non", "n", "false", "faux", "no"})
MAX_NAME = 200
MAX_CODE = 100


@dataclass
class DirectoryService:
    code: str
    name: str
    engagement_obligatoire: bool | None  # None: column absent, left as it is
    is_active: bool
    line: int


@dataclass
class DirectoryEntry:
    """One structure of the file, with the line where it first appears."""

    siret: str
    name: str
    line: int
    address: str | None = None  # None: column absent, left as it is
    place: dict[str, str] = field(default_factory=dict)  # postal_code, town: only the columns present
    flags: dict[str, bool] = field(default_factory=dict)
    services: dict[str, DirectoryService] | None = None  # None: no `code_service` column, services untouched


class DirectoryError(Exception):
    """The file is refused; `errors` lists (line, message), line 0 for the file as a whole."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = sorted(errors, key=lambda error: error[0])

    def lines(self) -> list[str]:
        return [
            _("Ligne %(line)d : %(message)s") % {"line": line, "message": message} if line else message
            for line, message in self.errors
        ]


def decode(data: bytes, encoding: str = "utf-8-sig") -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DirectoryError(
            [
                (
                    0,
                    _("Le fichier n'est pas lisible en %(encoding)s (%(error)s).")
                    % {"encoding": encoding, "error": exc},
                )
            ]
        ) from exc


def _boolean(value: str, column: str, errors: list, line: int) -> bool:
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value not in _FALSE:
        errors.append(
            (
                line,
                _("%(column)s vaut « %(value)s » : attendu 1 ou 0 (oui ou non).")
                % {"column": column, "value": value[:40]},
            )
        )
    return False


def _text(value: str, column: str, limit: int, errors: list, line: int) -> str:
    value = " ".join(value.split())
    if len(value) > limit:
        errors.append(
            (line, _("%(column)s dépasse %(limit)d caractères.") % {"column": column, "limit": limit})
        )
    return value


def _header(row: list[str]) -> list[str]:
    columns = [name.strip().lower() for name in row]
    problems = []
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown:
        problems.append(
            _("Colonnes inconnues : %(unknown)s. Colonnes admises : %(allowed)s.")
            % {"unknown": ", ".join(unknown), "allowed": ", ".join(COLUMNS)}
        )
    doubled = sorted({name for name in columns if columns.count(name) > 1})
    if doubled:
        problems.append(_("Colonnes en double : %(columns)s.") % {"columns": ", ".join(doubled)})
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        problems.append(_("Colonnes obligatoires absentes : %(columns)s.") % {"columns": ", ".join(missing)})
    if any(name in columns for name in SERVICE_COLUMNS) and "code_service" not in columns:
        problems.append(_("Les colonnes de service demandent la colonne code_service."))
    if problems:
        raise DirectoryError([(1, problem) for problem in problems])
    return columns


def read_directory(text: str) -> list[DirectoryEntry]:
    """The structures of the file in their order of first appearance; DirectoryError lists every problem."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise DirectoryError([(0, _("Le fichier est vide : il faut au moins la ligne d'en-tête."))])
        columns = _header(header)
        entries: dict[str, DirectoryEntry] = {}
        seen: dict[str, dict[str, str]] = {}  # the structure columns as first read, per SIRET
        errors: list[tuple[int, str]] = []
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                errors.append(
                    (
                        line,
                        _("%(found)d colonnes au lieu de %(expected)d.")
                        % {"found": len(row), "expected": len(columns)},
                    )
                )
                continue
            _read_row(dict(zip(columns, row, strict=True)), line, entries, seen, errors)
    except csv.Error as exc:
        raise DirectoryError([(reader.line_num, _("CSV illisible : %(error)s") % {"error": exc})]) from exc
    if errors:
        raise DirectoryError(errors)
    if not entries:
        raise DirectoryError([(0, _("Le fichier ne contient aucune structure."))])
    return list(entries.values())


def _read_row(values: dict, line: int, entries: dict, seen: dict, errors: list) -> None:
    before = len(errors)
    siret = identifiers.normalise(identifiers.SIRET, values["siret"])
    problem = identifiers.check(identifiers.SIRET, siret)
    if problem:
        errors.append((line, f"{values['siret'].strip()[:40]} : {_(problem)}"))
        return
    structure_values = {name: " ".join(values[name].split()) for name in STRUCTURE_COLUMNS if name in values}
    if siret in seen:
        for name, value in structure_values.items():
            if value != seen[siret][name]:
                errors.append(
                    (
                        line,
                        _(
                            "%(column)s « %(value)s » diffère de la ligne %(first)d (« %(before)s ») "
                            "pour le même SIRET %(siret)s."
                        )
                        % {
                            "column": name,
                            "value": value[:60],
                            "first": entries[siret].line,
                            "before": seen[siret][name][:60],
                            "siret": siret,
                        },
                    )
                )
        entry = entries[siret]
    else:
        name = _text(values["raison_sociale"], "raison_sociale", MAX_NAME, errors, line)
        if not name:
            errors.append((line, _("La raison sociale est obligatoire.")))
        entry = DirectoryEntry(siret=siret, name=name, line=line)
        if "adresse" in values:
            entry.address = values["adresse"].strip()
        for column, (attribute, limit) in PLACE_COLUMNS.items():
            if column in values:
                entry.place[attribute] = _text(values[column], column, limit, errors, line)
        for flag in FLAG_COLUMNS:
            if flag in values:
                entry.flags[flag] = _boolean(values[flag], flag, errors, line)
        if "code_service" in values:
            entry.services = {}
        if len(errors) > before:
            return
        seen[siret] = structure_values
        entries[siret] = entry
    if "code_service" in values:
        _read_service(values, line, entry, errors)


def _read_service(values: dict, line: int, entry: DirectoryEntry, errors: list) -> None:
    code = _text(values["code_service"], "code_service", MAX_CODE, errors, line)
    if not code:
        return  # a structure without services, or this row only repeats the structure
    if not code.isprintable():
        errors.append((line, _("Le code service contient des caractères non admis.")))
        return
    key = code.upper()
    if key in entry.services:
        errors.append(
            (
                line,
                _("Le code service %(code)s figure déjà ligne %(first)d pour le SIRET %(siret)s.")
                % {"code": code, "first": entry.services[key].line, "siret": entry.siret},
            )
        )
        return
    name = _text(values.get("libelle_service", ""), "libelle_service", MAX_NAME, errors, line)
    entry.services[key] = DirectoryService(
        code=code,
        name=name or code,
        engagement_obligatoire=(
            _boolean(values["service_engagement_obligatoire"], "service_engagement_obligatoire", errors, line)
            if "service_engagement_obligatoire" in values
            else None
        ),
        is_active=_boolean(values["service_actif"], "service_actif", errors, line)
        if "service_actif" in values and values["service_actif"].strip()
        else True,
        line=line,
    )
