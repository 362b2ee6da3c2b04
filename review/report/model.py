"""The report's types: what the overview says (``Report``), the blocks it is laid out in, and
the shape of a writer.

Only data here, no behaviour and no imports from the rest of the report, so the gathering
(build.py), the layout (layout.py) and every writer depend on this module and never on each
other: a new format is a new writer, not a change to the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Cell = str | tuple[str, ...]  # a tuple prints as a bulleted list; "\n" separates lines
Section = tuple[tuple[str, str], ...]  # (heading, paragraph); paragraphs separated by "\n"


@dataclass(frozen=True)
class Summaries:
    efficacy: Section = ()
    safety: Section = ()
    edited: bool = False  # True when the text is a reviewer's saved version


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""


@dataclass(frozen=True)
class KeyStudy:
    number: int
    heading: str  # "Study 1 Cazzato RL (2016)"
    citations: tuple[str, ...]  # the main record's first
    details: Table  # DETAIL_ROWS, in NICE's order
    analysed: int | None
    efficacy: tuple[Table, ...]  # one per outcome: a row per measure, a column per time point
    safety: Table | None
    references: tuple[int, ...] = ()  # each citation's number in Report.references


@dataclass(frozen=True)
class RunLine:
    """One run of a saved PubMed search as the PRISMA-S appendix lists it."""

    kind: str  # "First search" or "Update"
    date: str  # YYYY-MM-DD the run finished (started, if it never finished)
    status: str  # complete, incomplete, failed, ...
    new_records: int | None
    total: int | None  # PubMed's count for the query at that run
    warnings: tuple[str, ...] = ()  # PubMed's warnings and errors for the run


@dataclass(frozen=True)
class SearchedSource:
    """One source searched (PRISMA-S): a saved PubMed search or an imported file.

    "" (or empty) means not recorded; ``searched`` never holds an import date.
    """

    name: str  # the search's name or the file's name
    kind: str  # "pubmed" or "import"
    database: str
    platform: str
    coverage: str
    searched: tuple[str, ...]  # every date the search was run
    records: int  # records found, duplicates included
    strategy: tuple[str, ...]  # line by line as run (a PubMed search: its query)
    limits: str
    translation: str = ""  # PubMed's translation of the query at the last run
    runs: tuple[RunLine, ...] = ()


@dataclass(frozen=True)
class Report:
    title: str
    date: str
    outcome_measures: tuple[tuple[str, str], ...]  # (outcome, what its measure means)
    summaries: Summaries
    method: tuple[str, ...]  # how the review was done, with its counts
    criteria: Table
    evidence_base: str  # "This overview is based on 90 patients from 5 studies."
    prisma_png: bytes
    key_studies: tuple[KeyStudy, ...]
    validity: tuple[str, ...]
    sources: Table
    strategies: tuple[tuple[str, str], ...]  # (search, its query and PubMed's translation)
    appendix: Table
    written: tuple[tuple[str, str], ...] = ()  # (Sections field, the lead's text), all of them
    references: tuple[str, ...] = ()  # numbered from 1: the key studies' papers in their order
    author: str = ""  # who exported it (the lead), for the file's properties
    searched: tuple[SearchedSource, ...] = ()  # per source, for the PRISMA-S appendix
    # how title/abstract screening ended: the stopping certificate, or that a person screened
    # every record (review.prioritise.certificate), paragraph by paragraph
    screening_stop: tuple[str, ...] = ()


# -- blocks: the report laid out, what every writer maps ------------------------------------------


@dataclass(frozen=True)
class Heading:
    level: int  # 0 is the title
    text: str
    new_page: bool = False


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = ""  # "subtitle", "note" or "" (body)


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False  # a numbered list (1, 2, 3 ...), as the References are


@dataclass(frozen=True)
class Image:
    png: bytes
    alt: str


Block = Heading | Paragraph | Bullets | Table | Image


# -- writers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Writer:
    """One output format, as the registry in ``review.report`` lists it (datasette's renderers:
    a name, the file suffixes it answers to, and one function)."""

    name: str  # "docx": what --format takes
    suffixes: tuple[str, ...]  # (".docx",): the first is the one a new file gets
    label: str  # "Word": what a button says
    mime: str
    write: Callable[[Report, Path], Path]  # writes the file (and any file beside it)
