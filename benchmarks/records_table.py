"""The Records page's table on a large review: how long a page takes to select, count and read.

Run from the repository root: ``.venv/bin/python benchmarks/records_table.py [--records 100000]``.

Builds a review (records from a PubMed search and from an import-like origin, 1 in 50 a
duplicate of its neighbour, a fifth of the records screened at title/abstract by two reviewers
under dual screening, a tenth of those at full text) with the library, then times
``record_table`` for the first page, a deep page, a search, each kind of filter, and
``record_detail``, for a lead and for a blinded reviewer, the median of a few runs each (the
screening state cached as on the app's second view, which is what a click costs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import namedtuple
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.screening import titles  # noqa: E402
from review.records import Record  # noqa: E402
from review.records_table import RecordFilters, record_detail, record_table  # noqa: E402
from review.screening.decisions import save_settings  # noqa: E402
from review.screening.model import Reviewer, Settings  # noqa: E402
from review.store import open_store  # noqa: E402

Match = namedtuple("Match", "a b score verdict reasons")
LEAD, ANN = Reviewer("lee", "lead"), Reviewer("ann")


def build(path: Path, n: int) -> None:
    with open_store(path) as store:
        run = store.start_run(store.save_search("big", "q"), "search", {})
        half = n // 2
        for start in range(0, half, 10_000):
            batch = [
                Record(pmid=str(i + 1), title=t, year=2000 + i % 25, raw="")
                for i, t in enumerate(titles(half)[start : start + 10_000], start=start)
            ]
            store.store_pubmed_batch(run, batch)
        store.add_records(
            "other", [(str(i), Record(title=t, raw="")) for i, t in enumerate(titles(n - half))]
        )
        store.save_matches(
            [Match(i, i + 1, 0.99, "duplicate", ("title",)) for i in range(1, n, 50)], "bench"
        )
        save_settings(store, Settings(dual=True), LEAD)
        rows = []
        for i in range(1, n // 5):
            rows.append({"record_id": i, "reviewer": "ann", "stage": "title_abstract",
                         "decision": "include" if i % 3 else "exclude"})  # fmt: skip
            rows.append({"record_id": i, "reviewer": "bob", "stage": "title_abstract",
                         "decision": "include" if i % 4 else "exclude"})  # fmt: skip
            if i % 10 == 0:
                rows.append({"record_id": i, "reviewer": "ann", "stage": "full_text",
                             "decision": "include"})  # fmt: skip
        store.add_decisions(rows)


def timed(call, repeat: int) -> float:
    call()  # warm: the screening state folded once, as after the app's first view
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "review.db"
        start = time.perf_counter()
        build(path, args.records)
        print(f"built {args.records:,} records in {time.perf_counter() - start:.0f} s")
        cases = {
            "first page": RecordFilters(),
            "page 1,000 (offset 49,950)": None,
            "search 'neuroma'": RecordFilters(search="neuroma"),
            "source: the search": RecordFilters(source="search:1"),
            "duplicates of another": RecordFilters(duplicates="duplicate"),
            "title/abstract include": RecordFilters(title_abstract="include"),
            "title/abstract undecided": RecordFilters(title_abstract="undecided"),
            "full text undecided": RecordFilters(full_text="undecided"),
            "conflicts": RecordFilters(conflict=True),
        }
        with open_store(path) as store:
            for viewer in (LEAD, ANN):
                who = "lead" if viewer is LEAD else "blinded reviewer"
                for label, filters in cases.items():
                    offset = 0
                    if filters is None:
                        filters, offset = RecordFilters(), 49_950
                    table = record_table(store, viewer, filters, offset=offset)
                    ms = timed(lambda f=filters, o=offset, v=viewer: record_table(
                        store, v, f, offset=o), args.repeat)  # fmt: skip
                    print(f"{who:>16}  {label:<28} {table.total:>8,} records  {ms:7.0f} ms")
                ms = timed(lambda v=viewer: record_detail(store, v, 51), args.repeat)
                print(f"{who:>16}  {'open a record':<28} {'':>16}  {ms:7.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
