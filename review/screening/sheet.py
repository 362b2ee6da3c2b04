"""A decisions file read as rows (CSV, or an Excel workbook), each with the line it starts on.

Other tools export their labels as CSV or as a workbook (ASReview LAB offers both); either is read
here into the same rows, so every format's messages name the line of the CSV or the row of the
sheet. CSV is read like any other import: its encoding found, quotes checked, line numbers kept.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from review.errors import ImportFileError
from review.imports.csvrows import csv_rows
from review.imports.encoding import decode
from review.imports.model import split_lines

_ADVICE = "Save the CSV as UTF-8 and import it again"


@dataclass(frozen=True)
class Sheet:
    path: Path
    header: tuple[str, ...]  # the column names, stripped and in lower case
    rows: tuple[tuple[int, dict[str, str]], ...]  # (line, column -> cell stripped); no blank rows
    encoding: str  # "xlsx" for a workbook
    warnings: tuple[str, ...] = ()
    unit: str = "line"  # what messages call a row: "line" in a CSV, "row" in a workbook

    def at(self, line: int, column: str = "") -> str:
        """Where a problem is, for a message: "file.csv, line 4, column pmid"."""
        return f"{self.path}, {self.unit} {line}" + (f", column {column}" if column else "")


def read_sheet(path: str | Path) -> Sheet:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror}). Check the path.") from exc
    if data[:2] == b"PK":  # a zip: an .xlsx workbook (decode refuses other archives by name)
        return _workbook(path, data)
    text, encoding, warnings = decode(data, str(path), _ADVICE)
    found = csv_rows(split_lines(text), str(path))
    header = tuple(h.strip().lower() for h in next((row for _line, row in found), []))
    rows = tuple(
        (line, {k: (v or "").strip() for k, v in zip(header, cells, strict=False) if k})
        for line, cells in found
        if any(c.strip() for c in cells)
    )
    return Sheet(path, header, rows, encoding, tuple(warnings))


def _workbook(path: Path, data: bytes) -> Sheet:
    from openpyxl import load_workbook  # only for workbooks: `review --help` stays light

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML, key and value errors for bad files
        raise ImportFileError(
            f"{path}: neither CSV nor an Excel workbook (.xlsx) that can be read ({exc}). Save "
            "it as CSV (UTF-8) or .xlsx and import it again."
        ) from None
    try:
        values = book.worksheets[0].iter_rows(values_only=True)
        header = tuple(_cell(v).lower() for v in next(values, ()))
        rows = []
        for number, cells in enumerate(values, start=2):
            row = {k: _cell(v) for k, v in zip(header, cells, strict=False) if k}
            if any(row.values()):
                rows.append((number, row))
    finally:
        book.close()
    return Sheet(path, header, tuple(rows), "xlsx", unit="row")


def _cell(value: object) -> str:
    """A cell as the text a CSV would hold: 1.0 written by pandas as a number is "1"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value).strip()
