"""The records as a table: CSV with every cell whole, XLSX with typed cells, a frozen header
row and filters.

Excel keeps at most 32,767 characters in a cell and opens a workbook with a longer one as
damaged, so such a cell is cut in the XLSX, marked at its end and named in the row's
``truncated`` column and in the export's result; the CSV keeps the text whole.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from review.exports.cells import XLSX_CELL_LIMIT, excel_text, neutralise
from review.exports.rows import COLUMNS, NUMBER_COLUMNS, ExportRow
from review.progress import Progress, Tally, counted

CUT_MARK = " [cut: Excel keeps 32,767 characters in a cell; the CSV export has it whole]"
XLSX_COLUMNS = (*COLUMNS, "truncated")


@dataclass(frozen=True)
class CutCell:
    """A cell cut to fit Excel: which record, which column, how long the text was."""

    record_id: int
    column: str
    length: int


def write_csv(rows: list[ExportRow], path: Path, progress: Progress | None = None) -> list[CutCell]:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in counted(progress, f"Writing {path.name}", rows, len(rows), every=500):
            writer.writerow({k: neutralise(v) for k, v in row.values().items()})
    return []


def write_xlsx(
    rows: list[ExportRow], path: Path, progress: Progress | None = None
) -> list[CutCell]:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("records")
    sheet.freeze_panes = "A2"
    sheet.append(list(XLSX_COLUMNS))
    cut: list[CutCell] = []
    # ended after the save: the workbook is compressed there, a good part of the time
    tally = Tally(progress, f"Writing {path.name}", len(rows), every=500)
    for row in rows:
        tally.add()
        values = row.values()
        cells: list[object] = []
        cut_here: list[str] = []
        for column in COLUMNS:
            value = values[column]
            if column in NUMBER_COLUMNS:
                cells.append(int(value) if value else None)
                continue
            text = excel_text(neutralise(value))
            if len(text) > XLSX_CELL_LIMIT:
                cut.append(CutCell(row.record_id, column, len(text)))
                cut_here.append(column)
                text = text[: XLSX_CELL_LIMIT - len(CUT_MARK)] + CUT_MARK
            cells.append(text or None)
        cells.append("; ".join(cut_here) or None)
        sheet.append(cells)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(XLSX_COLUMNS))}{len(rows) + 1}"
    book.save(path)
    tally.end()
    return cut
