"""What the full-text index (db/008) costs when records are stored, and what a search takes.

Run from the repository root: ``.venv/bin/python benchmarks/fulltext.py [--records 20000]``.
Stores the same synthetic records into a review made with migrations up to 007 and into one
with 008 (its triggers index every stored record), then times a ranked search. On the
development machine (2 shared cores), 20,000 short records: 0.25 s without, 0.78 s with the
index; count and first page of "cryo* renal" over all of them, 0.07 s.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import review.store.base as base
from review.records import AbstractSection, Author, MeshHeading, Record
from review.store import open_store


def records(n: int) -> list[tuple[str, Record]]:
    base_record = Record(
        title="",
        abstract_sections=(AbstractSection("Cryoablation reduced pain at six months.", "", ""),),
        authors=(Author("Smith", "Jane", "J"), Author("Müller", "Jörg", "J")),
        mesh_headings=(MeshHeading("Cryosurgery", True, ("methods",), "D003451"),),
        keywords=("cryoablation", "renal"),
        raw="<PubmedArticle/>",
    )
    return [
        (str(i), replace(base_record, pmid=str(i), title=f"Trial {i} of renal tumours in adults"))
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    batch = records(args.records)
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "migrations-007"
        old.mkdir()
        for f in base.MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"):
            if int(f.name[:3]) <= 7:
                shutil.copy(f, old)
        real = base.MIGRATIONS_DIR
        for label, folder in (("without the index (007)", old), ("with the index (008)", real)):
            base.MIGRATIONS_DIR = folder
            with open_store(Path(tmp) / f"{folder.name}.db") as store:
                start = time.perf_counter()
                store.add_records("pubmed", batch)
                print(f"store {len(batch):,} records {label}: {time.perf_counter() - start:.2f} s")
                if folder is real:
                    start = time.perf_counter()
                    total = store.count_matching("cryo* renal")
                    store.record_rows(search="cryo* renal", limit=50)
                    took = time.perf_counter() - start
                    print(f'count and first page of "cryo* renal" ({total:,} found): {took:.3f} s')
        base.MIGRATIONS_DIR = real


if __name__ == "__main__":
    main()
