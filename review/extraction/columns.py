"""The extraction's columns: one definition of the studies and findings tables, which the
Extraction page's editors, the workbook (export and import) and its CSV all use.

A column's header is the name a reviewer sees and types (``N`` is the findings' ``total``); its
kind says how a cell is read (text stays text, so "6.20" stays "6.20"). The cell escaping lives
here too, because the export writes it and the import must undo exactly that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Literal, overload

from review.exports import neutralise
from review.extraction import model as m

KINDS = ("studies", "efficacy", "safety")
SHEETS = {"studies": "Studies", "efficacy": "Efficacy", "safety": "Safety"}
_PLAIN_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?%?$")


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text, int, number (a float) or yesno
    width: int = 14
    choices: str = ""  # the Lists column that holds its dropdown
    info: bool = False  # shown for reading; the import ignores it


EFFICACY = (
    Column("outcome", width=24, choices="outcome"), Column("measure", width=30),
    Column("timepoint"), Column("analysed", "int", 9), Column("value", width=10),
    Column("spread_kind", width=11, choices="spread_kind"), Column("spread", width=12),
    Column("n", "int", 7), Column("N", "int", 7), Column("p_value", width=10),
    Column("note", width=30),
)  # fmt: skip
SAFETY = (
    Column("event", width=30), Column("timepoint"), Column("n", "int", 7), Column("N", "int", 7),
    Column("unit", width=11, choices="unit"), Column("severity", width=12),
    Column("note", width=30),
)  # fmt: skip

_DETAIL_KINDS = {"retrospective": "yesno", "patients": "int", "analysed": "int",
                 "follow_up_months": "number", "lost_to_follow_up": "int"}  # fmt: skip
_CHOICES = {k: "" for k in _DETAIL_KINDS} | {"design": "design", "retrospective": "yesno"}
HELP = dict(m.DETAIL_ROWS) | {k: f"Analysis: {v}" for k, v in m.ANALYSIS_PARTS}  # NICE's rows
APPENDIX = tuple(f.name for f in fields(m.AppendixEntry))
STUDY_ID, STUDY = Column("study_id", "int", 9), Column("study", width=18, info=True)
COLUMNS = {
    "studies": (
        STUDY_ID, Column("label", width=18), Column("role", width=11, choices="role"),
        Column("position", "int", 9),
        *(Column(f.name, _DETAIL_KINDS.get(f.name, "text"), 14 if f.name in _CHOICES else 30,
                 _CHOICES.get(f.name, "")) for f in fields(m.StudyDetails)),
        *(Column(f"appendix_{name}", width=30) for name in APPENDIX),
        Column("records", width=60, info=True),
    ),
    "efficacy": (STUDY_ID, STUDY, *EFFICACY),
    "safety": (STUDY_ID, STUDY, *SAFETY),
}  # fmt: skip
FINDINGS = {"efficacy": (m.EfficacyFinding, EFFICACY), "safety": (m.SafetyFinding, SAFETY)}


def headers(columns: tuple[Column, ...]) -> tuple[str, ...]:
    return tuple(c.header for c in columns)


def whole_numbers(columns: tuple[Column, ...]) -> frozenset[str]:
    """The headers of the columns that hold counts."""
    return frozenset(c.header for c in columns if c.kind == "int")


def _field(header: str) -> str:
    return "total" if header == "N" else header


def finding_row(f: m.EfficacyFinding | m.SafetyFinding) -> dict:
    """A finding as a row: header -> value, in the columns' order."""
    columns = EFFICACY if isinstance(f, m.EfficacyFinding) else SAFETY
    return {c.header: getattr(f, _field(c.header)) for c in columns}


@overload
def finding_from_row(kind: Literal["efficacy"], values: dict) -> m.EfficacyFinding: ...
@overload
def finding_from_row(kind: Literal["safety"], values: dict) -> m.SafetyFinding: ...
@overload
def finding_from_row(kind: str, values: dict) -> m.EfficacyFinding | m.SafetyFinding: ...


def finding_from_row(kind: str, values: dict) -> m.EfficacyFinding | m.SafetyFinding:
    """The finding a row of ``kind`` ("efficacy" or "safety") holds; values already typed."""
    cls, columns = FINDINGS[kind]
    return cls(**{_field(c.header): values[c.header] for c in columns})


# -- cells --------------------------------------------------------------------------------------


def escape_cell(value: str) -> str:
    """Neutralise a would-be formula with a leading apostrophe (and double one already there, so
    that ``unescape_cell`` is its exact inverse). Plain numbers such as "-3.1" run nothing."""
    if value.startswith("'") or (neutralise(value) != value and not _PLAIN_NUMBER.match(value)):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    rest = value[1:]
    if value.startswith("'") and (rest.startswith("'") or neutralise(rest) != rest):
        return rest
    return value
