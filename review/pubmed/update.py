"""The scheduled literature update: re-run every saved search for what PubMed added since.

Each search is re-run limited to entry dates from its last successful run minus an overlap, so
records that NCBI entered late, or on the day of the last run, are not missed; records already in
the review are only linked, never fetched again. A lock file keeps two updates (say, a cron job
and a person) from running on one review at once; the lock dies with its process.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from review.errors import AlreadyRunning, ReviewError
from review.progress import Progress
from review.pubmed.eutils import EutilsClient
from review.pubmed.harvest import PAGE_SIZE, Harvest, RunResult, SearchSpec
from review.pubmed.model import SearchRun

if TYPE_CHECKING:
    from review.store import Store

OVERLAP_DAYS = 7


@contextlib.contextmanager
def update_lock(db_path: str | Path):
    """Hold an exclusive lock next to the database for the length of an update."""
    path = Path(f"{db_path}.update.lock")
    handle = open(path, "a+")  # noqa: SIM115  (kept open while the lock is held)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise AlreadyRunning(
                f"An update of {db_path} is already running ({holder}). Wait for it to finish; "
                "this run changed nothing."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now().isoformat(timespec='seconds')}")
        handle.flush()
        yield
    finally:
        handle.close()


def since_for(last_run: SearchRun | None, overlap_days: int = OVERLAP_DAYS) -> date | None:
    """The first entry date to ask for; None (everything) when the search never completed."""
    if last_run is None:
        return None
    started = datetime.fromisoformat(last_run.started_at).date()
    return started - timedelta(days=overlap_days)


def update_review(
    store: Store,
    client: EutilsClient,
    *,
    overlap_days: int = OVERLAP_DAYS,
    page_size: int | None = None,
    progress: Progress | None = None,
    processes: int | None = None,
) -> list[tuple[str, RunResult | ReviewError]]:
    """Update every saved search; one failing search does not stop the others. ``progress`` is
    told each search's steps (see review.pubmed.harvest)."""
    results: list[tuple[str, RunResult | ReviewError]] = []
    with update_lock(store.path):
        for search in store.searches():
            spec = SearchSpec(
                name=search.name,
                query=search.query,
                mindate=search.mindate,
                maxdate=search.maxdate,
                datetype=search.datetype,
            )
            since = since_for(store.last_successful_run(search.id), overlap_days)
            harvest = Harvest(
                store,
                client,
                page_size=page_size or PAGE_SIZE,
                progress=progress,
                processes=processes,
            )
            try:
                result = harvest.run(spec, kind="update", since=since)
            except ReviewError as exc:
                results.append((spec.name, exc))
                continue
            results.append((spec.name, result))
    return results
