"""Turning checked efetch pages into stored records, in parallel with the next download.

Building records from XML is Python work that holds the GIL, so for large harvests it runs in
worker processes, which hand back ready database rows; one writer thread in the harvesting process
stores them (one writer, as in datasette), page by page in the order they were fetched, each page
one transaction. Small harvests build the rows in the harvesting thread: starting processes would
cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING

from review.pubmed.parse import build_records
from review.store.records import record_row

if TYPE_CHECKING:
    from review.store import Store
from review.workers import start_worker

_STOP = object()
PROCESS_THRESHOLD = 5000  # records still to fetch before worker processes pay for themselves


def page_rows(chunks: list[tuple[bytes, bytes]], where: str) -> tuple[list[tuple], list[str]]:
    """Database rows and deleted PMIDs of one page (runs in a worker process)."""
    records = build_records(chunks, where=where)
    rows = [record_row(r, "pubmed", r.pmid) for r in records if r.kind != "deleted"]
    return rows, [r.pmid for r in records if r.kind == "deleted"]


def worker_processes(pending: int, configured: int | None = None) -> int:
    """How many worker processes to use for a fetch of ``pending`` records (0: none);
    ``configured`` (REVIEW_PARSE_PROCESSES, passed down by the edges) overrides the choice."""
    if configured is not None:
        return max(0, configured)
    return min(2, os.cpu_count() or 1) if pending >= PROCESS_THRESHOLD else 0


class PageWriter:
    """Accepts pages in fetch order; stores only the PMIDs in ``wanted``, each once."""

    def __init__(
        self,
        store: Store,
        run_id: int,
        wanted: set[str],
        *,
        processes: int = 0,
        on_stored: Callable[[int], None] | None = None,
    ):
        self.store = store
        self.run_id = run_id
        self.wanted = wanted  # owned by the writer thread from here on
        self.on_stored = on_stored  # called on the writer thread after each commit
        self.new = 0
        self._pool = None
        if processes:
            # forkserver: never fork a process whose other threads may hold locks.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["review.pubmed.writer"])
            # Ctrl-C is the harvesting process's to handle; workers stop when it goes.
            self._pool = ProcessPoolExecutor(
                processes,
                mp_context=context,
                initializer=start_worker,
                initargs=(os.getpid(), True),
            )
        self._queue: queue.Queue = queue.Queue(maxsize=2 + 2 * processes)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="review-writer", daemon=True)
        self._thread.start()

    def put(self, chunks: list[tuple[bytes, bytes]], where: str = "") -> None:
        self._raise()
        if self._pool is not None:
            self._queue.put(self._pool.submit(page_rows, chunks, where))
        else:
            self._queue.put(page_rows(chunks, where))

    def flush(self) -> None:
        """Wait until every page handed over is committed (or raise what went wrong)."""
        self._queue.join()
        self._raise()

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._raise()

    def __enter__(self) -> PageWriter:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            # Interrupted: the page being written finishes (one transaction); the rest is dropped
            # and fetched again when the harvest resumes.
            self._drain()
        self.close()

    def _drain(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, Future):
                item.cancel()
            self._queue.task_done()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                if self._error is None:  # after a failure, pages are dropped, not stored
                    self._store(item.result() if isinstance(item, Future) else item)
            except BaseException as exc:  # handed to the harvesting thread
                self._error = exc
            finally:
                self._queue.task_done()

    def _store(self, page: tuple[list[tuple], list[str]]) -> None:
        rows, deleted = page
        rows = [row for row in rows if row[1] in self.wanted]
        deleted = [pmid for pmid in deleted if pmid in self.wanted]
        self.new += self.store.store_pubmed_rows(self.run_id, rows, deleted)
        self.wanted.difference_update(row[1] for row in rows)
        self.wanted.difference_update(deleted)
        if self.on_stored is not None:
            self.on_stored(len(rows) + len(deleted))
