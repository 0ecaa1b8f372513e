"""The list a financial software needs to write its PJRef for PJ sent ahead of their mandat."""

from __future__ import annotations

import csv
import io
import json

PJ_LIST_COLUMNS = (
    "document_key",
    "id_unique",
    "nom_pj",
    "type_pj",
    "support",
    "invoice_number",
    "supplier_name",
    "nom_fic",
    "size",
    "sha256",
    "exercice",
    "id_pce",
    "id_ligne",
)
_FREE_TEXT = ("invoice_number", "supplier_name")


def pj_list_rows(report) -> list[dict]:
    """One row per written document: what its PJRef says (Support 01, IdUnique, NomPJ, TypePJ), and where."""
    rows = []
    for written in report.files:
        for pj in written.documents:
            ref = pj.ref_compta
            rows.append(
                {
                    "document_key": pj.key,
                    "id_unique": pj.id_unique,
                    "nom_pj": pj.nom_pj,
                    "type_pj": pj.type_pj,
                    "support": "01",
                    "invoice_number": pj.invoice_number,
                    "supplier_name": pj.supplier_name,
                    "nom_fic": pj.nom_fic,
                    "size": pj.size,
                    "sha256": pj.sha256,
                    "exercice": ref.exercice if ref else None,
                    "id_pce": ref.id_pce if ref else None,
                    "id_ligne": (ref.id_ligne or None) if ref else None,
                }
            )
    return rows


def _rows(report_or_rows) -> list[dict]:
    return pj_list_rows(report_or_rows) if hasattr(report_or_rows, "files") else list(report_or_rows)


def _safe_cell(value) -> str:
    text = "" if value is None else str(value)
    # A supplier name starting with '=' would run as a formula when the list is opened in a spreadsheet.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def pj_list_csv(report_or_rows, *, delimiter: str = ";") -> str:
    """The list as CSV text (header row, `;` by default as French spreadsheets expect)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PJ_LIST_COLUMNS, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    for row in _rows(report_or_rows):
        writer.writerow(
            {
                name: _safe_cell(row.get(name))
                if name in _FREE_TEXT
                else ("" if row.get(name) is None else row.get(name))
                for name in PJ_LIST_COLUMNS
            }
        )
    return buffer.getvalue()


def pj_list_json(report_or_rows) -> str:
    """The list as a JSON array of objects with the PJ_LIST_COLUMNS keys."""
    rows = [{name: row.get(name) for name in PJ_LIST_COLUMNS} for row in _rows(report_or_rows)]
    return json.dumps(rows, ensure_ascii=False, indent=2)
