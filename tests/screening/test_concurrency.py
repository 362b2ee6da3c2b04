"""Reviewers deciding at once while an import writes to the same review lose nothing."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from review.records import Record
from review.screening.decisions import decide
from review.screening.model import Reviewer
from review.store import open_store

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


def test_two_reviewers_and_an_import_at_once(tmp_path):
    db = tmp_path / "r.db"
    with open_store(db) as store:
        store.add_records(
            "t", [(str(i), Record(title=f"S {i}", raw=str(i))) for i in range(1, 201)]
        )
    shared = open_store(db)  # the app: one connection shared by its session threads
    importer = subprocess.Popen(  # a second process writing meanwhile, as cron would
        [sys.executable, "-m", "review.cli", "import", str(db), str(DATA / "_baseline.ris"),
         str(DATA / "baseline_zotero.ris"), "-q"],
    )  # fmt: skip
    errors = []

    def screen(name: str, decision: str) -> None:
        try:
            for record_id in range(1, 201):
                decide(shared, Reviewer(name), record_id, "title_abstract", decision)
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)

    threads = [
        threading.Thread(target=screen, args=a) for a in (("ann", "include"), ("bob", "exclude"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert importer.wait(timeout=120) == 0
    shared.close()
    assert errors == []
    with open_store(db) as store:
        rows = store.decision_rows("title_abstract")
        assert len(rows) == 400
        assert {r.reviewer for r in rows} == {"ann", "bob"}
        assert store.count_records() == 200 + 100 + 100
