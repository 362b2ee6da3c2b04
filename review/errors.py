"""Named exceptions: the library raises these, the CLI and the app turn them into messages.

Every message says what failed and what the user can do about it, because it is shown as is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from review.imports.model import ImportedFile


class ReviewError(Exception):
    """Base class: anything the user should see as a plain message rather than a traceback.

    ``path`` and ``line`` name the file (and line) the message is about, when it is about one,
    so that a program reading ``review --json``'s error object need not parse the message.
    """

    def __init__(self, *args: object, path: str | Path | None = None, line: int | None = None):
        super().__init__(*args)
        self.path = None if path is None else str(path)
        self.line = line


class DatabaseError(ReviewError):
    """The review database cannot be opened, read or written."""


class SearchError(ReviewError):
    """A search could not be run or harvested completely."""


class QueryError(SearchError):
    """NCBI rejected the query itself (an <ERROR> in the esearch answer)."""


class ResponseError(SearchError):
    """NCBI answered with something we cannot read: not XML, cut off, or an <ERROR>."""


class NetworkError(SearchError):
    """The E-utilities server could not be reached or kept failing after every retry."""


class AlreadyRunning(ReviewError):
    """Another update of the same review database is in progress."""


class ConfigError(ReviewError):
    """A setting (an environment variable or an option) has a value we cannot use."""


class ImportFileError(ReviewError):
    """A file to import cannot be read; the message names the file and line, and what to do."""


class AlreadyImported(ImportFileError):
    """The same file (by SHA-256) is already in the review, perhaps imported a moment ago by
    another process; ``previous`` is that import."""

    def __init__(self, message: str, previous: ImportedFile):
        super().__init__(message)
        self.previous = previous


class ProtocolError(ReviewError):
    """A protocol file cannot be used; the message names the file and the setting to fix."""


class ExtractionError(ReviewError):
    """Extracted data cannot be stored as given; the message names the study and the field (or
    the sheet, row and column) and says what is expected."""


class PermissionDenied(ReviewError):
    """The acting reviewer's role does not allow what was asked (see review.permissions)."""


class TargetChanged(ReviewError):
    """What a page (or a command) was about to change has changed or gone since it was shown:
    the write is refused rather than applied to something the user did not see."""


@contextlib.contextmanager
def writing(path: str | Path, error: type[ReviewError] = ReviewError) -> Iterator[None]:
    """Around writing a file the user named: a folder that is missing or not writable becomes
    ``error`` with a message naming the file, not a traceback."""
    try:
        yield
    except OSError as exc:
        raise error(
            f"Cannot write {path}: {exc.strerror or exc}. Check that its folder exists and that "
            "you may write there.",
            path=path,
        ) from exc
