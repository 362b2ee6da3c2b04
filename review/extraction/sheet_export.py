"""The extraction as a workbook, written: the studies and findings as they stand, for a reviewer
to edit in Excel and import back (``review.extraction.sheet_import``), and each table as CSV.

One .xlsx is both the template and the current data, so a reviewer who extracts in a spreadsheet
starts from what the review holds and nothing is typed twice. Text is written as text ("6.20"
stays "6.20"), counts as whole numbers. Cells a spreadsheet would run as a formula get a leading
apostrophe, which the import takes off again, so a file reads back exactly.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from review.errors import ExtractionError, writing
from review.extraction import model as m
from review.extraction.columns import (
    APPENDIX,
    COLUMNS,
    HELP,
    KINDS,
    SHEETS,
    Column,
    escape_cell,
    finding_row,
)
from review.extraction.protocol import current_protocol
from review.extraction.studies import list_studies

if TYPE_CHECKING:
    from review.store import Store


@dataclass(frozen=True)
class Table:
    """One sheet of the extraction: typed values (str, int, float, None) under ``columns``."""

    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


@dataclass(frozen=True)
class ExportSummary:
    file: str
    studies: int
    efficacy: int  # result rows
    safety: int


# -- tables -------------------------------------------------------------------------------------


def extraction_table(store: Store, kind: str) -> Table:
    """The rows of one kind ("studies", "efficacy", "safety"), studies in display order."""
    if kind not in KINDS:
        raise ExtractionError(f"Unknown extraction table {kind!r}: use {', '.join(KINDS)}.")
    rows = []
    for s in list_studies(store):
        if kind == "studies":
            rows.append(_study_row(s))
        elif kind == "efficacy":
            rows += [(s.id, s.label, *finding_row(f).values()) for f in s.efficacy]
        else:
            rows += [(s.id, s.label, *finding_row(f).values()) for f in s.safety]
    return Table(COLUMNS[kind], tuple(rows))


def _study_row(s: m.Study) -> tuple:
    details = [getattr(s.details, f.name) for f in fields(m.StudyDetails)]
    details = [{True: "yes", False: "no"}.get(v, v) if isinstance(v, bool) else v for v in details]
    records = "\n".join(f"{r.record_id}{' (main)' if r.main else ''}: {r.citation}"
                        for r in s.records)  # fmt: skip
    appendix = [getattr(s.appendix, name) for name in APPENDIX]
    return (s.id, s.label, s.role, s.position, *details, *appendix, records)


def write_extraction_csv(store: Store, path: str | Path, kind: str) -> int:
    """Write one table as CSV (UTF-8, like the records export); returns the rows written."""
    path = Path(path)
    table = extraction_table(store, kind)
    with writing(path, ExtractionError), path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow(escape_cell(v) if isinstance(v, str) else v for v in row)
    return len(table.rows)


# -- writing the workbook -----------------------------------------------------------------------


def export_extraction(store: Store, path: str | Path) -> ExportSummary:
    """Write the workbook: Studies, Efficacy, Safety, and a protected Lists sheet of the values
    the dropdowns offer."""
    from openpyxl import Workbook

    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    tables = {kind: extraction_table(store, kind) for kind in KINDS}
    lists = _write_lists(book.create_sheet("Lists"), store)
    for i, kind in enumerate(KINDS):
        _write_sheet(book.create_sheet(SHEETS[kind], i), tables[kind], lists)
    book.active = 0
    with writing(path, ExtractionError):
        book.save(path)
    return ExportSummary(path.name, *(len(tables[kind].rows) for kind in KINDS))


def _write_lists(sheet, store: Store) -> dict[str, str]:
    """The allowed values, a column each; returns each list's cell range for the dropdowns."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    p = current_protocol(store)
    columns = {
        "outcome": [o.name for o in p.efficacy],
        "safety_outcome": [o.name for o in p.safety],
        "design": list(m.DESIGNS),
        "role": list(m.STUDY_ROLES),
        "unit": list(m.SAFETY_UNITS),
        "spread_kind": [k for k in m.SPREAD_KINDS if k],
        "yesno": ["yes", "no"],
    }
    ranges = {}
    for j, (name, values) in enumerate(columns.items(), 1):
        letter = get_column_letter(j)
        sheet.cell(1, j, name).font = Font(bold=True)
        sheet.column_dimensions[letter].width = 32
        for i, value in enumerate(values, 2):
            sheet.cell(i, j, escape_cell(value)).number_format = "@"
        if values:
            ranges[name] = f"Lists!${letter}$2:${letter}${len(values) + 1}"
    sheet.cell(1, len(columns) + 2, "Allowed values; the import does not read this sheet.")
    sheet.cell(2, len(columns) + 2, escape_cell(f"Protocol: {p.title}")).number_format = "@"
    sheet.protection.sheet = True
    return ranges


def _write_sheet(sheet, table: Table, lists: dict[str, str]) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    last = len(table.rows) + 500  # dropdowns reach the rows a reviewer adds
    for j, column in enumerate(table.columns, 1):
        letter = get_column_letter(j)
        head = sheet.cell(1, j, column.header)
        head.font = Font(bold=True)
        if column.info:
            head.fill = PatternFill("solid", fgColor="DDDDDD")
            head.comment = Comment("For reading only; the import ignores this column.", "review")
        elif column.header in HELP:
            head.comment = Comment(f"NICE's row: {HELP[column.header]}", "review")
        sheet.column_dimensions[letter].width = column.width
        if column.kind in ("text", "yesno"):
            sheet.column_dimensions[letter].number_format = "@"  # typed text stays text
        if column.choices in lists:
            rule = DataValidation(type="list", formula1=lists[column.choices], allow_blank=True)
            rule.error, rule.showErrorMessage = f"Pick a {column.header} from the list.", True
            rule.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(rule)
    for i, row in enumerate(table.rows, 2):
        for j, (column, value) in enumerate(zip(table.columns, row, strict=True), 1):
            cell = sheet.cell(i, j)
            if column.kind in ("text", "yesno"):
                cell.number_format = "@"
                cell.value = escape_cell(ILLEGAL_CHARACTERS_RE.sub("", value or "")) or None
            else:
                cell.value = value
    sheet.freeze_panes = "C2"
