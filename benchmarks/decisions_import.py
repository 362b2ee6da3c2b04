"""How long `review decisions import` takes on other tools' files that name records by PMID or DOI.

Run from the repository root:
``.venv/bin/python benchmarks/decisions_import.py [--records 20000] [--lines 10000]``.
Builds a review with that many records (each with a PMID and a DOI, a tenth of them in duplicate
pairs sharing their PMID), then times, for a file of that many lines: the toolkit's own CSV by
PMID and by DOI (a lead's, then a reviewer's own under dual screening, which checks every vote
against the final-vote rule), ASReview's export by DOI and Rayyan's with two reviewers, and a
second import of the same file (everything skipped).
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from review.dedupe.match import Match
from review.records import Record
from review.screening.decisions import save_settings
from review.screening.model import Reviewer, Settings
from review.screening.reviewers import add_reviewer
from review.screening.transfer import import_decisions
from review.store import open_store

LEAD = Reviewer("lee", "lead")


def _pmid(i: int) -> str:
    """Record i's PMID: every tenth record repeats the one before's, as its duplicate."""
    return str(30_000_000 + (i - 1 if i % 10 == 0 else i))


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _timed(label: str, store, path: Path, actor: Reviewer, **options) -> None:
    start = time.perf_counter()
    result = import_decisions(store, path, actor, **options)
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:6.2f} s  ({result.added} added, {result.skipped} skipped)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=10_000)
    args = parser.parse_args()
    n, lines = args.records, min(args.lines, args.records)
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "r.db") as store:
        folder_path = Path(folder)
        store.add_records(
            "bench",
            [
                (
                    str(i),
                    Record(
                        title=f"Study {i}",
                        pmid=_pmid(i),
                        doi=f"10.1000/Bench.{i}",
                        raw=str(i),
                    ),
                )
                for i in range(1, n + 1)
            ],
        )
        store.save_matches(
            [Match(i - 1, i, 0.99, "duplicate", ("pmid",)) for i in range(10, n + 1, 10)], "bench"
        )
        ids = range(1, lines + 1)
        by_pmid = _write(
            folder_path / "pmid.csv",
            ["pmid", "reviewer", "stage", "decision"],
            [[_pmid(i), "ann", "ta", "include" if i % 7 else "exclude"] for i in ids],
        )
        by_doi = _write(
            folder_path / "doi.csv",
            ["doi", "reviewer", "stage", "decision"],
            [[f"https://doi.org/10.1000/bench.{i}", "bob", "ta", "exclude"] for i in ids],
        )
        asreview = _write(
            folder_path / "asreview.csv",
            ["", "title", "doi", "asreview_label", "asreview_time", "asreview_note"],
            [[str(i - 1), f"Study {i}", f"10.1000/bench.{i}", "1.0", "", ""] for i in ids],
        )
        rayyan = _write(
            folder_path / "rayyan.csv",
            ["key", "title", "notes", "doi", "pubmed_id"],
            [
                [f"rayyan-{i}", f"Study {i}",
                 'RAYYAN-INCLUSION: {"Ann"=>"Included", "Bob"=>"Excluded"} | '
                 "RAYYAN-EXCLUSION-REASONS: wrong population", "", _pmid(i)]
                for i in ids
            ],
        )  # fmt: skip
        for name in ("ann", "bob", "cy"):
            add_reviewer(store, name, "reviewer", "a-long-password", by=LEAD)
        print(f"{n:,} records, files of {lines:,} lines")
        _timed("own CSV by PMID (lead)", store, by_pmid, LEAD)
        _timed("the same file again (all skipped)", store, by_pmid, LEAD)
        _timed("own CSV by DOI (lead)", store, by_doi, LEAD)
        save_settings(store, Settings(dual=True), LEAD)
        _timed("own CSV by DOI, bob's own, dual screening", store, by_doi, Reviewer("bob"))
        _timed("ASReview export by DOI", store, asreview, LEAD, tool="asreview", reviewer="cy")
        _timed(
            "Rayyan export, two reviewers per line",
            store,
            rayyan,
            LEAD,
            tool="rayyan",
            names={"Ann": "ann", "Bob": "bob"},
        )


if __name__ == "__main__":
    main()
