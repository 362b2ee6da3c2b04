"""Cells made safe for a spreadsheet: formulas neutralised, control characters dropped.

Every CSV and XLSX the toolkit writes (records, agreement, the extraction tables, decisions) puts
its text through ``neutralise``: an abstract beginning "=HYPERLINK(...)" must stay text, never run.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_CELL_LIMIT = 32_767  # the most characters Excel keeps in one cell


def neutralise(value: str) -> str:
    """Make a cell that a spreadsheet would run as a formula plain text (OWASP's advice)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def excel_text(value: str) -> str:
    """Text Excel accepts: it refuses control characters in cells, and they have no business in
    bibliographic text (tabs and line breaks stay)."""
    return "".join(ch for ch in value if ch >= " " or ch in "\n\t")


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A CSV for a download: every text cell neutralised, numbers left as numbers. Every CSV the
    app offers is written here, so none can carry a formula into a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow(
            ["" if v is None else neutralise(v) if isinstance(v, str) else v for v in row]
        )
    return out.getvalue()


def agreement_csv(stage: str, agreed) -> str:
    """The agreement between two reviewers at one stage (a ``review.screening`` Agreement)."""
    return csv_text(
        ["stage", "reviewers", "records", "agreed", "percent", "kappa"],
        [
            [
                stage,
                " & ".join(agreed.reviewers),
                agreed.records,
                agreed.agreed,
                "" if agreed.percent is None else f"{agreed.percent:.1f}",
                "" if agreed.kappa is None else f"{agreed.kappa:.4f}",
            ]
        ],
    )
