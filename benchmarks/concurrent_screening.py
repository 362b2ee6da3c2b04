"""The Screen page's library work with several reviewers at once, on one shared store.

Run from the repository root: ``.venv/bin/python benchmarks/concurrent_screening.py
[--reviewers 8] [--views 40] [--records 20000] [--decided 2000]``.

Builds a review of 20,000 records (as benchmarks/screening.py does, with the library) and opens it
once, as the app does (one ``Store`` for every session thread). Each reviewer is a thread that
makes the calls one Screen page view makes, then decides the record, ``--views`` times:
``settings``, ``progress``, ``stopping_sample``, ``next_record`` (import order), ``record``,
the reviewer's own state of that record, ``vote_is_final``, then ``decide`` (the write). The
ranking (``latest_ranking``) is left out: it is a model refit in a background thread, not the
store's work, and would swamp what this measures. ``--decided`` decisions by other reviewers are
stored first, so the page folds a review under way rather than an empty one.

Printed: p50/p95/max (all reviewers' views together) of the page's reads (until the record is
on show) and of the whole view with its decision written, and views per second over the run.
Run once with ``--reviewers 1`` for the same work without contention.

``--import-hold 50`` adds what a batch import in another process does to the file meanwhile: a
second connection that, over and over, holds a write transaction for 50 ms (one batch stored),
then pauses 50 ms. The app's writes must wait for it (SQLite has one writer); its reads need not.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.screening import percentile, titles  # noqa: E402
from review.prioritise.progress import stopping_sample  # noqa: E402
from review.screening.decisions import (  # noqa: E402
    decide,
    next_record,
    progress,
    settings,
    vote_is_final,
)
from review.screening.model import Reviewer  # noqa: E402
from review.screening.state import current_state  # noqa: E402
from review.store import open_store  # noqa: E402
from tests.browser.harness import build_review  # noqa: E402

STAGE = "title_abstract"


def page_view(store, reviewer: Reviewer, n: int) -> float:
    """What review/ui/screen.py asks of the library for one view and the decision made on it;
    returns when the page's reads were done (perf_counter), before the decision is written."""
    settings(store)
    progress(store, reviewer, STAGE)
    stopping_sample(store)
    record_id = next_record(store, reviewer, STAGE)
    if record_id is None:
        return time.perf_counter()
    store.record(record_id)
    if current_state(store, STAGE).of(record_id, reviewer.name) is not None:
        vote_is_final(store, reviewer, record_id, STAGE)
    shown = time.perf_counter()
    decide(store, reviewer, record_id, STAGE, "exclude" if n % 3 == 2 else "include")
    return shown


def importer(db: Path, hold_ms: int, stop: threading.Event) -> None:
    """Another writer on the file (a second connection, as the CLI or cron would have)."""
    with open_store(db) as other:
        while not stop.is_set():
            with other.transaction() as conn:
                conn.execute(
                    "INSERT INTO audit (at, actor, action, detail) VALUES ('', 'import', 'b', '')"
                )
                time.sleep(hold_ms / 1000)
            time.sleep(hold_ms / 1000)


def run(
    db: Path, reviewers: int, views: int, hold_ms: int = 0
) -> tuple[list[tuple[float, float]], float]:
    times: list[tuple[float, float]] = []  # (page's reads, whole view with the decision), ms
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(reviewers + 1)
    store = open_store(db)  # one Store shared by every session thread, as in the app

    def reviewer_thread(name: str) -> None:
        reviewer = Reviewer(name, "reviewer")
        mine = []
        start.wait()
        try:
            for n in range(views):
                began = time.perf_counter()
                shown = page_view(store, reviewer, n)
                ended = time.perf_counter()
                mine.append(((shown - began) * 1000, (ended - began) * 1000))
        except BaseException as exc:  # reported after the run
            errors.append(exc)
        with lock:
            times.extend(mine)

    threads = [
        threading.Thread(target=reviewer_thread, args=(f"reviewer{k}",)) for k in range(reviewers)
    ]
    stop = threading.Event()
    other = threading.Thread(target=importer, args=(db, hold_ms, stop))
    if hold_ms:
        other.start()
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    stop.set()
    if hold_ms:
        other.join()
    store.close()
    if errors:
        raise errors[0]
    return times, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--reviewers", type=int, default=8)
    parser.add_argument("--views", type=int, default=40, help="page views per reviewer")
    parser.add_argument("--decided", type=int, default=2_000, help="decisions stored first")
    parser.add_argument("--warmup", type=int, default=3, help="views first, not counted")
    parser.add_argument(
        "--import-hold", type=int, default=0, metavar="MS",
        help="another connection holds a write transaction MS ms, pauses MS ms, over and over",
    )  # fmt: skip
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        db = build_review(Path(folder) / "review.db", titles(args.records))
        with open_store(db) as store:
            store.add_decisions(
                [
                    {"record_id": i, "reviewer": "earlier", "stage": STAGE, "decision": "include"}
                    for i in range(args.records - args.decided + 1, args.records + 1)
                ]
            )
        print(
            f"review of {args.records:,} records ({args.decided:,} decided) built in "
            f"{time.perf_counter() - started:.1f} s"
        )
        run(db, 1, args.warmup)  # warms the folded state and the import caches
        times, elapsed = run(db, args.reviewers, args.views, args.import_hold)

    print(
        f"{args.reviewers} reviewers x {args.views} views, each a page view and a decision"
        + (f"; an import holding writes {args.import_hold} ms a time" if args.import_hold else "")
    )
    for name, values in (
        ("page's reads", [t[0] for t in times]),
        ("view + decision", [t[1] for t in times]),
    ):
        print(
            f"{name}: p50 {percentile(values, 50):.0f} ms, p95 {percentile(values, 95):.0f} ms, "
            f"max {max(values):.0f} ms, mean {statistics.fmean(values):.0f} ms"
        )
    print(f"throughput: {len(times) / elapsed:.1f} views/s ({len(times)} views in {elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
