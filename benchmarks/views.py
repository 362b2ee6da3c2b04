"""How long the views for SQLite's own tools (db/009_views.sql) take to read in full.

Run from the repository root: ``.venv/bin/python benchmarks/views.py [--records 20000]``.
Builds a review with that many records, half of them voted on by two reviewers at title/abstract
(a tenth of those in conflict, resolved by a lead) and prints the seconds each view takes.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import sqlite_utils

from review.records import Record
from review.store import open_store

VIEWS = ("primary_records", "current_decisions", "screening_status")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "r.db") as store:
        db = sqlite_utils.Database(store.path)  # read as the views' users read them
        store.add_records(
            "bench", [(str(i), Record(title=f"Study {i}", raw=str(i))) for i in range(args.records)]
        )
        rows = []
        for record in range(1, args.records // 2 + 1):
            first = rng.choice(["include", "exclude"])
            second = first if rng.random() > 0.1 else "maybe"
            rows += [
                {"record_id": record, "reviewer": "ann", "stage": "title_abstract",
                 "decision": first},
                {"record_id": record, "reviewer": "bob", "stage": "title_abstract",
                 "decision": second},
            ]  # fmt: skip
            if second != first:
                rows.append(
                    {"record_id": record, "reviewer": "lee", "stage": "title_abstract",
                     "kind": "resolution", "decision": first}
                )  # fmt: skip
        store.add_decisions(rows)
        print(f"{args.records:,} records, {len(rows):,} decision events")
        for view in VIEWS:
            start = time.perf_counter()
            n = sum(1 for _ in db[view].rows)
            print(f"  {view}: {n:,} rows in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
