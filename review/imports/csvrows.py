"""CSV rows read strictly, each with the line it starts on, for every CSV the review reads.

Python's csv module, left to itself, joins everything after an unclosed quote into one cell (a
title that swallows the rest of the file) and stops with a bare traceback at a cell longer than
131,072 characters. Here a quote must close before a delimiter or the line end, the file must
not end inside a quote, and one cell may hold up to FIELD_LIMIT characters, the same limit as a
RIS value; any of these is refused with the file, the line and what to do.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from review.imports.model import fail, split_lines

# The longest cell (CSV) or tag value (RIS) an import accepts: 1 MiB of text. The longest real
# abstracts are ~20,000 characters and Scopus reference lists ~200,000; a longer one is a broken
# file (a quote that never closes, a binary blob), not a record.
FIELD_LIMIT = 1_048_576


def csv_rows(
    lines: list[str], path: str, *, delimiter: str = ",", first_line: int = 1
) -> Iterator[tuple[int, list[str]]]:
    """(line the row starts on, its cells) for each row of ``lines`` (kept line ends).

    ``first_line`` is the file line of ``lines[0]``. Raises ImportFileError naming the line.
    """
    csv.field_size_limit(FIELD_LIMIT)
    consumed: list[int] = []

    def feed():
        for i, line in enumerate(lines):
            consumed.append(i)
            yield line

    reader = csv.reader(feed(), delimiter=delimiter, strict=True)
    mark = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            taken = consumed[mark:]
            raise _refusal(lines, path, taken, first_line, delimiter, str(exc)) from exc
        start, mark = consumed[mark], len(consumed)
        yield start + first_line, row


def _refusal(lines, path, taken: list[int], first_line: int, delimiter: str, problem: str):
    start = taken[0] + first_line if taken else first_line
    end = taken[-1] + first_line if taken else first_line
    opened = _open_quote_line(lines, taken, delimiter)
    if "field limit" in problem:
        what = f"line {start}: a cell is longer than {FIELD_LIMIT:,} characters, the most one "
        what += "cell may hold"
        if end > start:
            what += f" (the row runs on to line {end}: a quote is probably not closed)"
        return fail(path, what, "Check that line, or split the text; then import again")
    if opened is not None and (problem == "unexpected end of data" or end > start):
        where = "the end of the file" if problem == "unexpected end of data" else f"line {end}"
        return fail(
            path,
            f"line {opened + first_line}: a quote opens a cell that is not closed (the cell would "
            f"run on to {where})",
            'Close the quote, or write a quote inside a cell as two ("") and import again',
        )
    return fail(
        path,
        f"line {start}: this row cannot be read as CSV ({problem})",
        'A quote inside a quoted cell must be written as two (""); fix that line and import again',
    )


def _open_quote_line(lines: list[str], taken: list[int], delimiter: str) -> int | None:
    """The line (index) of the last quote that opened a cell among the ``taken`` lines."""
    inside, opened = False, None
    for i in taken:
        previous, closed = "\n", False
        for char in lines[i]:
            if char == '"':
                if inside:
                    inside, closed = False, True
                elif closed and previous == '"':  # "" inside a quoted cell: still inside
                    inside, closed = True, False
                elif previous in (delimiter, "\n", "\r"):
                    inside, opened = True, i
            else:
                closed = False
            previous = char
    return opened


def csv_dicts(text: str, path: str) -> list[tuple[int, dict[str, str]]]:
    """Rows as {column: cell} under the header on line 1 (as csv.DictReader gives them, missing
    cells empty), each with the line it starts on; read as strictly as ``csv_rows``."""
    rows = csv_rows(split_lines(text), path)
    header = next((row for _line, row in rows), [])
    return [
        (line, {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)})
        for line, cells in rows
        if any(c.strip() for c in cells)
    ]
