"""The extraction as a workbook: export the studies and findings, edit them in Excel, import back.

One .xlsx is both the template and the current data, so a reviewer who extracts in a spreadsheet
starts from what the review holds and nothing is typed twice. Text is written as text ("6.20"
stays "6.20"), counts as whole numbers. Cells a spreadsheet would run as a formula get a leading
apostrophe, which the import takes off again, so a file reads back exactly. An import checks the
whole workbook first and names every bad cell; then it replaces the listed studies' details and
findings in one transaction, or changes nothing.
"""

from __future__ import annotations

import csv
import datetime
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from review.errors import ExtractionError
from review.exports import neutralise
from review.extraction import model as m
from review.extraction.protocol import protocol
from review.extraction.studies import (
    _finding_change,
    check_details,
    check_efficacy,
    check_safety,
    studies,
)
from review.permissions import require
from review.screening.model import Reviewer

KINDS = ("studies", "efficacy", "safety")
SHEETS = {"studies": "Studies", "efficacy": "Efficacy", "safety": "Safety"}
_PLAIN_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?%?$")
_WHOLE = re.compile(r"^[-+]?\d+$")
_YES, _NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0")
# Field names as the library's checks write them; a message is reported in the first one's column.
_NAMES = re.compile(
    r"\b(follow_up_months|lost_to_follow_up|spread_kind|p_value|timepoint|analysed|patients|"
    r"outcome|measure|spread|design|value|event|unit|note|n|N)\b"
)


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text, int, number (a float) or yesno
    width: int = 14
    choices: str = ""  # the Lists column that holds its dropdown
    info: bool = False  # shown for reading; the import ignores it


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


@dataclass(frozen=True)
class ImportSummary:
    file: str
    studies: int  # studies listed in the file
    changed: int  # of which stored anew (the others already held the same data)
    efficacy: int  # efficacy rows read
    safety: int  # safety rows read


_DETAIL_KINDS = {"retrospective": "yesno", "patients": "int", "analysed": "int",
                 "follow_up_months": "number", "lost_to_follow_up": "int"}  # fmt: skip
_CHOICES = {k: "" for k in _DETAIL_KINDS} | {"design": "design", "retrospective": "yesno"}
_HELP = dict(m.DETAIL_ROWS) | {k: f"Analysis: {v}" for k, v in m.ANALYSIS_PARTS}
_APPENDIX = tuple(f.name for f in fields(m.AppendixEntry))
_ID, _LABEL = Column("study_id", "int", 9), Column("study", width=18, info=True)
COLUMNS = {
    "studies": (
        _ID, Column("label", width=18), Column("role", width=11, choices="role"),
        Column("position", "int", 9),
        *(Column(f.name, _DETAIL_KINDS.get(f.name, "text"), 14 if f.name in _CHOICES else 30,
                 _CHOICES.get(f.name, "")) for f in fields(m.StudyDetails)),
        *(Column(f"appendix_{name}", width=30) for name in _APPENDIX),
        Column("records", width=60, info=True),
    ),
    "efficacy": (
        _ID, _LABEL, Column("outcome", width=24, choices="outcome"), Column("measure", width=30),
        Column("timepoint"), Column("analysed", "int", 9), Column("value", width=10),
        Column("spread_kind", width=11, choices="spread_kind"), Column("spread", width=12),
        Column("n", "int", 7), Column("N", "int", 7), Column("p_value", width=10),
        Column("note", width=30),
    ),
    "safety": (
        _ID, _LABEL, Column("event", width=30), Column("timepoint"), Column("n", "int", 7),
        Column("N", "int", 7), Column("unit", width=11, choices="unit"),
        Column("severity", width=12), Column("note", width=30),
    ),
}  # fmt: skip


# -- tables -------------------------------------------------------------------------------------


def extraction_table(store, kind: str) -> Table:
    """The rows of one kind ("studies", "efficacy", "safety"), studies in display order."""
    if kind not in KINDS:
        raise ExtractionError(f"Unknown extraction table {kind!r}: use {', '.join(KINDS)}.")
    rows = []
    for s in studies(store):
        if kind == "studies":
            rows.append(_study_row(s))
        elif kind == "efficacy":
            rows += [(s.id, s.label, f.outcome, f.measure, f.timepoint, f.analysed, f.value,
                      f.spread_kind, f.spread, f.n, f.total, f.p_value, f.note)
                     for f in s.efficacy]  # fmt: skip
        else:
            rows += [(s.id, s.label, f.event, f.timepoint, f.n, f.total, f.unit, f.severity,
                      f.note) for f in s.safety]  # fmt: skip
    return Table(COLUMNS[kind], tuple(rows))


def _study_row(s: m.Study) -> tuple:
    details = [getattr(s.details, f.name) for f in fields(m.StudyDetails)]
    details = [{True: "yes", False: "no"}.get(v, v) if isinstance(v, bool) else v for v in details]
    records = "\n".join(f"{r.record_id}{' (main)' if r.main else ''}: {r.citation}"
                        for r in s.records)  # fmt: skip
    appendix = [getattr(s.appendix, name) for name in _APPENDIX]
    return (s.id, s.label, s.role, s.position, *details, *appendix, records)


def _escape(value: str) -> str:
    """Neutralise a would-be formula with a leading apostrophe (and double one already there, so
    that ``_unescape`` is its exact inverse). Plain numbers such as "-3.1" run nothing."""
    if value.startswith("'") or (neutralise(value) != value and not _PLAIN_NUMBER.match(value)):
        return "'" + value
    return value


def _unescape(value: str) -> str:
    rest = value[1:]
    if value.startswith("'") and (rest.startswith("'") or neutralise(rest) != rest):
        return rest
    return value


def write_extraction_csv(store, path: str | Path, kind: str) -> int:
    """Write one table as CSV (UTF-8, like the records export); returns the rows written."""
    path = Path(path)
    table = extraction_table(store, kind)
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(table.headers)
            for row in table.rows:
                writer.writerow(_escape(v) if isinstance(v, str) else v for v in row)
    except OSError as exc:
        raise ExtractionError(f"Cannot write {path}: {exc.strerror}. Check the folder.") from exc
    return len(table.rows)


# -- writing the workbook -----------------------------------------------------------------------


def export_extraction(store, path: str | Path) -> ExportSummary:
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
    try:
        book.save(path)
    except OSError as exc:
        raise ExtractionError(f"Cannot write {path}: {exc.strerror}. Check the folder.") from exc
    return ExportSummary(path.name, *(len(tables[kind].rows) for kind in KINDS))


def _write_lists(sheet, store) -> dict[str, str]:
    """The allowed values, a column each; returns each list's cell range for the dropdowns."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    p = protocol(store)
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
            sheet.cell(i, j, _escape(value)).number_format = "@"
        if values:
            ranges[name] = f"Lists!${letter}$2:${letter}${len(values) + 1}"
    sheet.cell(1, len(columns) + 2, "Allowed values; the import does not read this sheet.")
    sheet.cell(2, len(columns) + 2, _escape(f"Protocol: {p.title}")).number_format = "@"
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
        elif column.header in _HELP:
            head.comment = Comment(f"NICE's row: {_HELP[column.header]}", "review")
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
                cell.value = _escape(ILLEGAL_CHARACTERS_RE.sub("", value or "")) or None
            else:
                cell.value = value
    sheet.freeze_panes = "C2"


# -- reading it back ----------------------------------------------------------------------------


def import_extraction(store, path: str | Path, by: Reviewer) -> ImportSummary:
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
    p = protocol(store)
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

    def __init__(self, file: str, store):
        self.file = file
        self.problems: list[tuple] = []  # ((sheet, row, column) to sort by, text)
        self.stored = {s.id: s for s in studies(store)}
        self.protocol = protocol(store)
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
                appendix = m.AppendixEntry(**{n: v[f"appendix_{n}"] for n in _APPENDIX})
                details, appendix = asdict(details), asdict(appendix)
                listed[study_id] = {"label": v["label"], "role": v["role"], "position": position,
                                    "details": details, "appendix": appendix}  # fmt: skip
        for s in self.stored.values():  # key studies the file leaves alone keep their place
            if s.id not in listed and s.role == "key" and s.position in positions:
                self.problem(f"position {s.position} is already study {s.id}'s ({s.label}), which "
                             "is not in the file; list it too, or pick another position.",
                             positions[s.position][1], "position")  # fmt: skip
        return listed

    def findings(self, kind: str, rows: list[_Row] | None, listed: dict | None) -> dict:
        """Study id -> its efficacy or safety findings, in sheet order."""
        self.kind = kind
        cls, keys = {"efficacy": (m.EfficacyFinding, ("outcome", "measure", "timepoint")),
                     "safety": (m.SafetyFinding, ("event", "timepoint"))}[kind]  # fmt: skip
        found: dict[int, list] = {}
        seen: dict[tuple, int] = {}
        for row in rows or ():
            finding = cls(**{f.name: row.values["N" if f.name == "total" else f.name]
                             for f in fields(cls)})  # fmt: skip
            if kind == "efficacy":
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
        text = "" if value is None else _unescape(value) if isinstance(value, str) else str(value)
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
        return float(value), ""
    except (TypeError, ValueError):
        return None, f"{value!r} is not a number (write months as 19.7)."
