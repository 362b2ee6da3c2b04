"""What the store gives back about saved searches, their runs and the date slices of a run.

Kept apart from the harvest so that the store can build these without importing the harvest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SavedSearch:
    """A search saved under its name: re-running it (by hand or by `review update`) keeps the
    query and its date limits."""

    id: int
    name: str
    database: str  # always "pubmed" for now
    query: str
    mindate: str | None
    maxdate: str | None
    datetype: str | None  # which date mindate/maxdate limit: pdat, edat, mdat
    created_at: str


@dataclass(frozen=True)
class SearchRun:
    """One execution of a saved search, with everything NCBI said about it.

    The field order is the column order `review status --json` has always printed.
    """

    id: int
    search_id: int
    kind: str  # "search" (run by hand) or "update"
    status: str  # running, interrupted, complete, incomplete, failed
    phase: str  # searching, fetching, done
    started_at: str
    finished_at: str | None
    params: dict[str, Any]  # term sent, dates, endpoint, page size: what a resumed run reuses
    ncbi_count: int | None
    retrieved: int | None
    new_records: int | None
    already_present: int | None
    deleted: int | None
    query_translation: str | None
    warnings: tuple[str, ...]
    errors: tuple[str, ...]
    message: str | None
    search_name: str  # the saved search's name and query, for lists of runs
    query: str


@dataclass(frozen=True)
class Slice:
    """An entry-date range of a run, small enough for PubMed to page through (under 9,999)."""

    id: int
    run_id: int
    edat_from: str | None  # None: no limit (the whole search in one slice)
    edat_to: str | None
    count: int  # PubMed's count for the range
    webenv: str | None  # NCBI's history server keys, to fetch the slice without sending PMIDs
    query_key: str | None
    searched_at: str
