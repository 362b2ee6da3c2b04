"""The extraction workbook, read back: a file written by ``review.extraction.sheet_export`` and
edited in a spreadsheet is checked whole, naming every bad cell by sheet, row and column; then
the listed studies' details and findings are replaced in one transaction, or nothing changes.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from review.errors import ExtractionError
from review.extraction import model as m
from review.extraction.columns import (
    APPENDIX,
    COLUMNS,
    KINDS,
    SHEETS,
    Column,
    finding_from_row,
    unescape_cell,
)
from review.extraction.protocol import current_protocol
from review.extraction.studies import (
    _finding_change,
    check_details,
    check_efficacy,
    check_safety,
    list_studies,
)
from review.permissions import require
from review.screening.model import Reviewer

if TYPE_CHECKING:
    from review.store import Store

_WHOLE = re.compile(r"^[-+]?\d+$")
_KEYS = {"efficacy": ("outcome", "measure", "timepoint"), "safety": ("event", "timepoint")}
_YES, _NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0")
# Field names as the library's checks write them; a message is reported in the first one's column.
_NAMES = re.compile(
    r"\b(follow_up_months|lost_to_follow_up|spread_kind|p_value|timepoint|analysed|patients|"
    r"outcome|measure|spread|design|value|event|unit|note|n|N)\b"
)


@dataclass(frozen=True)
class ImportSummary:
    file: str
    studies: int  # studies listed in the file
    changed: int  # of which stored anew (the others already held the same data)
    efficacy: int  # efficacy rows read
    safety: int  # safety rows read


# -- reading it back ----------------------------------------------------------------------------


def import_extraction(store: Store, path: str | Path, by: Reviewer) -> ImportSummary:
    """Store a workbook written by ``export_extraction`` and edited: each study on its Studies
    sheet gets the details and exactly the findings the file gives it; other studies are left
    alone. Any problem anywhere stops the whole import."""
    require(by, "extract")
    path = Path(path)
    book = _open(path)
    reader = _Reader(path.name, store)
    rows = {kind: reader.rows(book, kind) for kind in KINDS}
    listed = reader.studies(rows["studies"])
    # Without a readable Studies sheet the findings are still checked, all but their study.
    known = listed if rows["studies"] is not None else None
    efficacy = reader.findings("efficacy", rows["efficacy"], known)
    safety = reader.findings("safety", rows["safety"], known)
    if reader.problems:
        raise reader.error()
    p = current_protocol(store)
    changes = []
    for study_id, fields_ in listed.items():
        change = _finding_change(study_id, p, efficacy.get(study_id, []), safety.get(study_id, []))
        change["fields"] = fields_
        if change != _as_change(reader.stored[study_id]):
            changes.append(change)
    store.save_extraction(changes, by.name, source=f"import:{path.name}")
    counts = (sum(map(len, found.values())) for found in (efficacy, safety))
    return ImportSummary(path.name, len(listed), len(changes), *counts)


def _as_change(s: m.Study) -> dict:
    """A stored study in the shape of the change an import makes, to skip unchanged studies."""
    fields_ = {"label": s.label, "role": s.role, "position": s.position,
               "details": asdict(s.details), "appendix": asdict(s.appendix)}  # fmt: skip
    return {
        "study_id": s.id,
        "efficacy": [{**asdict(f), "position": i} for i, f in enumerate(s.efficacy)],
        "safety": [{**asdict(f), "position": i} for i, f in enumerate(s.safety)],
        "fields": fields_,
    }


def _open(path: Path):
    from openpyxl import load_workbook

    if not path.is_file():
        raise ExtractionError(f"{path}: no such file.")
    try:
        return load_workbook(path)
    except Exception as exc:  # openpyxl raises zip, XML, key and value errors for bad files
        raise ExtractionError(
            f"{path.name} is not an Excel workbook (.xlsx) that can be read ({exc}). Save it as "
            "an .xlsx workbook, or start from one written by 'review extraction export'."
        ) from None


@dataclass
class _Row:
    number: int
    values: dict  # header -> typed value
    failed: set  # headers whose cell could not be read (already reported)


class _Reader:
    """Reads the sheets into dataclasses, collecting every problem with its sheet, row and
    column rather than stopping at the first."""

    def __init__(self, file: str, store: Store):
        self.file = file
        self.problems: list[tuple] = []  # ((sheet, row, column) to sort by, text)
        self.stored = {s.id: s for s in list_studies(store)}
        self.protocol = current_protocol(store)
        self.letters: dict[tuple[str, str], str] = {}  # (kind, header) -> column letter
        self.titles: dict[str, str] = {}  # kind -> the sheet's title in the file
        self.kind = "studies"

    def error(self) -> ExtractionError:
        count = len(self.problems)
        return ExtractionError(
            f"{self.file} was not imported; nothing was changed. Fix "
            f"{'this problem' if count == 1 else f'these {count} problems'} and import it again:\n"
            + "\n".join(f"- {text}" for _, text in sorted(self.problems))
        )

    def problem(self, text: str, row: int, header: str = "", letter: str = "") -> None:
        where = f"{self.file}, sheet {self.titles.get(self.kind, SHEETS[self.kind])}, row {row}"
        letter = letter or self.letters.get((self.kind, header), "")
        if header:
            where += f", column {letter} ({header})"
        text = text if text.endswith((".", ")")) else text + "."
        self.problems.append(
            ((KINDS.index(self.kind), row, len(letter), letter), f"{where}: {text}")
        )

    def rows(self, book, kind: str) -> list[_Row] | None:
        """The sheet's non-empty rows, or None when it is missing or its header row is wrong."""
        from openpyxl.utils import get_column_letter

        self.kind, name = kind, SHEETS[kind]
        sheet = next((s for s in book.worksheets if s.title.strip().casefold() == name.casefold()),
                     None)  # fmt: skip
        if sheet is None:
            names = ", ".join(s.title for s in book.worksheets)
            text = (f"{self.file}: sheet {name} is missing (the workbook has {names}); keep an "
                    "exported workbook's sheet names.")  # fmt: skip
            self.problems.append(((KINDS.index(kind), 0, 0, ""), text))
            return None
        self.titles[kind] = sheet.title
        columns = COLUMNS[kind]
        exact = {c.header: c for c in columns}  # "n" and "N" differ only in case
        folded = [c.header.casefold() for c in columns]
        loose = {c.header.casefold(): c for c in columns if folded.count(c.header.casefold()) == 1}
        index: dict[int, Column] = {}
        unnamed, ok = [], True
        for j, cell in enumerate(next(sheet.iter_rows(max_row=1), ()), 1):
            text = "" if cell.value is None else str(cell.value).strip()
            column = exact.get(text) or loose.get(text.casefold())
            if not text:
                unnamed.append(j)
                continue
            ok = ok and column is not None and column not in index.values()
            if column is None:
                names = ", ".join(c.header for c in columns)
                self.problem(f"unknown column; the columns are {names}.", 1, text,
                             get_column_letter(j))  # fmt: skip
            elif column in index.values():
                self.problem("this column is there twice.", 1, text, get_column_letter(j))
            else:
                index[j] = column
                self.letters[kind, column.header] = get_column_letter(j)
        for column in columns:
            if not column.info and column not in index.values():
                ok = False
                self.problem(f"column {column.header} is missing; put it back.", 1)
        found = []
        for cells in sheet.iter_rows(min_row=2):
            if all(_blank(c.value) for c in cells):
                continue
            number = cells[0].row
            for j in unnamed:
                if j <= len(cells) and not _blank(cells[j - 1].value):
                    ok = False
                    self.problem(f"column {get_column_letter(j)} has a value but no header in "
                                 "row 1.", number)  # fmt: skip
            values, failed = {}, set()
            for j, column in index.items():
                value, message = _read(cells[j - 1] if j <= len(cells) else None, column)
                if message:
                    failed.add(column.header)
                    self.problem(message, number, column.header)
                values[column.header] = value
            found.append(_Row(number, values, failed))
        return found if ok else None

    def _checked(self, row: _Row, messages: list[str]) -> None:
        """Report the library's messages in the column each one names first."""
        for message in messages:
            named = _NAMES.findall(message)
            if row.failed & set(named):
                continue  # that cell's own problem is already reported
            header = named[0] if named and named[0] in row.values else ""
            if header and message.startswith((f"{header} '", f'{header} "')):
                message = message[len(header) + 1 :]  # "value 'abc' is ..." -> "'abc' is ..."
            self.problem(message, row.number, header)

    def _study_id(self, row: _Row, listed: dict | None) -> int | None:
        study_id = row.values["study_id"]
        if "study_id" in row.failed:
            return None
        if study_id is None:
            text = "the study_id is empty; give the study's number."
        elif study_id not in self.stored:
            known = ", ".join(map(str, sorted(self.stored))) or "none yet"
            text = f"there is no study {study_id} (the studies are {known})."
        elif listed is not None and study_id not in listed:
            text = f"study {study_id} is not on the Studies sheet; add its row there too."
        else:
            return study_id
        self.problem(text, row.number, "study_id")
        return None

    def studies(self, rows: list[_Row] | None) -> dict[int, dict]:
        """Study id -> the study's new fields, in sheet order."""
        self.kind = "studies"
        listed: dict[int, dict] = {}
        positions: dict[int, tuple] = {}  # position -> (study id, row)
        for row in rows or ():
            v, number = row.values, row.number
            study_id = self._study_id(row, None)
            if study_id in listed:
                self.problem(f"study {study_id} is listed twice.", number, "study_id")
                study_id = None
            if not v["label"].strip() and "label" not in row.failed:
                self.problem("the label is empty (write e.g. Cazzato 2016).", number, "label")
            if v["role"] not in m.STUDY_ROLES and "role" not in row.failed:
                self.problem(f"{v['role']!r} is not one of {', '.join(m.STUDY_ROLES)}.", number,
                             "role")  # fmt: skip
            position = v["position"]
            if position is not None and "position" not in row.failed:
                if position < 1:
                    self.problem(f"{position} is not a position (1, 2, ...).", number, "position")
                elif v["role"] in m.STUDY_ROLES and v["role"] != "key":
                    self.problem("only key studies have a position; clear it.", number,
                                 "position")  # fmt: skip
                elif position in positions:
                    other, at = positions[position]
                    self.problem(f"position {position} is also study {other}'s (row {at}).",
                                 number, "position")  # fmt: skip
                else:
                    positions[position] = (study_id, number)
            details = m.StudyDetails(**{f.name: v[f.name] for f in fields(m.StudyDetails)})
            self._checked(row, check_details(details))
            if study_id is not None:
                appendix = m.AppendixEntry(**{n: v[f"appendix_{n}"] for n in APPENDIX})
                listed[study_id] = {"label": v["label"], "role": v["role"], "position": position,
                                    "details": asdict(details),
                                    "appendix": asdict(appendix)}  # fmt: skip
        for s in self.stored.values():  # key studies the file leaves alone keep their place
            if s.id not in listed and s.role == "key" and s.position in positions:
                self.problem(f"position {s.position} is already study {s.id}'s ({s.label}), which "
                             "is not in the file; list it too, or pick another position.",
                             positions[s.position][1], "position")  # fmt: skip
        return listed

    def findings(self, kind: str, rows: list[_Row] | None, listed: dict | None) -> dict:
        """Study id -> its efficacy or safety findings, in sheet order."""
        self.kind = kind
        keys = _KEYS[kind]
        found: dict[int, list] = {}
        seen: dict[tuple, int] = {}
        for row in rows or ():
            finding = finding_from_row(kind, row.values)
            if isinstance(finding, m.EfficacyFinding):
                self._checked(row, check_efficacy(finding, self.protocol))
            else:
                self._checked(row, check_safety(finding))
            study_id = self._study_id(row, listed)
            if study_id is None:
                continue
            key = (study_id, *(getattr(finding, k).strip().casefold() for k in keys))
            if key in seen:
                what = " / ".join(getattr(finding, k) for k in keys)
                self.problem(f"study {study_id} has {what} on row {seen[key]} too; keep one.",
                             row.number, keys[0])  # fmt: skip
            seen.setdefault(key, row.number)
            found.setdefault(study_id, []).append(finding)
        return found


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read(cell, column: Column) -> tuple[object, str]:
    """A cell's value as its column's kind, and a problem in words ("" when none)."""
    value = None if cell is None else cell.value
    empty = "" if column.kind == "text" else None
    if cell is not None and cell.data_type == "f":
        return empty, (f"the cell holds a formula ({value}); type the value itself, or start it "
                       "with ' to keep it as text.")  # fmt: skip
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return empty, (f"the spreadsheet turned this into a date ({value}); format the column as "
                       "Text and type it again.")  # fmt: skip
    if column.kind == "text":
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number typed into a cell not formatted as text
        if value is None:
            text = ""
        else:
            text = unescape_cell(value) if isinstance(value, str) else str(value)
        return (text.strip() if column.choices else text), ""
    if _blank(value):
        return None, ""
    if column.kind == "yesno":
        text = str(value).strip().casefold()
        if text in _YES or text in _NO:
            return text in _YES, ""
        return None, f"{value!r} is not yes or no."
    if isinstance(value, bool):
        return None, f"{value} is not a number."
    if column.kind == "int":
        if isinstance(value, float) and value.is_integer():
            return int(value), ""
        if isinstance(value, int):
            return value, ""
        if isinstance(value, str) and _WHOLE.match(value.strip()):
            return int(value.strip()), ""
        return None, f"{value!r} is not a whole number."
    try:
        return float(value), ""  # type: ignore[arg-type]  # a cell's value; refused below
    except (TypeError, ValueError):
        return None, f"{value!r} is not a number (write months as 19.7)."
