"""What a reader returns, and the text helpers every reader shares.

Kept apart from ``__init__`` so that the readers can build these without importing the package
that dispatches to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from review.errors import ImportFileError
from review.records import Record


@dataclass(frozen=True)
class ImportedFile:
    """A file imported into the review, as stored: one per file content (sha256)."""

    id: int
    path: str  # the path as given
    file_name: str
    sha256: str
    source: str  # the database it came from: Embase, Scopus, ...
    format: str
    encoding: str
    record_count: int
    warnings: tuple[str, ...]
    imported_at: str
    imported_by: str
    # the search it was (PRISMA-S); source above is the database, "" when not recorded
    platform: str = ""  # the interface searched: Ovid, Embase.com, ProQuest, ...
    searched_on: str | None = None  # YYYY-MM-DD the search was run; None: not recorded
    strategy: str = ""  # the strategy line by line, as run
    limits: str = ""  # limits and filters applied
    coverage: str = ""  # the database's dates of coverage, as its platform gives them


SOURCE_FIELDS = ("source", "platform", "searched_on", "strategy", "limits", "coverage")


@dataclass(frozen=True)
class SourceEvent:
    """One recording or edit of an imported file's search details: who, when, what changed."""

    id: int
    import_id: int
    at: str
    actor: str
    action: str  # "recorded" (at import) or "edited"
    changes: dict[str, tuple[str | None, str | None]]  # field -> (before, after)


@dataclass(frozen=True)
class ImportedRecord:
    """One record of an import file, with where it stood, so messages can point at it."""

    record: Record
    position: int  # 1-based order of the record in the file
    line: int  # 1-based line where the record starts
    original_id: str  # the file's own identifier for the record, "" if it has none


@dataclass(frozen=True)
class ParsedFile:
    path: str
    format: str
    encoding: str  # "utf-8", "utf-8-sig", "cp1252", "latin-1", "mac-roman", "utf-16", ...
    records: tuple[ImportedRecord, ...]
    warnings: tuple[str, ...]


def split_lines(text: str) -> list[str]:
    """Lines with their endings kept, split at "\\n" only.

    str.splitlines also splits at form feeds, \\u2028 and other characters that turn up inside
    abstracts; raw text must come back exactly, so only real line ends count.
    """
    if "\n" not in text and "\r" in text:  # old Mac line ends
        parts = text.split("\r")
        sep = "\r"
    else:
        parts = text.split("\n")
        sep = "\n"
    lines = [p + sep for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def bare(line: str) -> str:
    """A line without its line end (and without a stray BOM where files were concatenated)."""
    return line.rstrip("\r\n").lstrip("\ufeff")


def reading(path: str) -> str:
    """The progress step of a reader (``review.progress``): "Reading embase.ris"."""
    return f"Reading {Path(path).name}"


_LINE = re.compile(r"\bline (\d+)")


def fail(path: str, problem: str, advice: str) -> ImportFileError:
    """The error for a file that cannot be imported; the first "line N" of ``problem`` is also
    its ``line``."""
    found = _LINE.search(problem)
    line = int(found.group(1)) if found else None
    return ImportFileError(f"{path}: {problem}. {advice}", path=path, line=line)
