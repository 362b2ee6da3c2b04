"""`review import` with a search's details, and `review sources` listing and editing them."""

from __future__ import annotations

import json
from pathlib import Path

from review.screening.model import Reviewer
from review.screening.reviewers import add_reviewer
from review.store import open_store
from tests.test_cli import review

DATA = Path(__file__).parent / "data" / "imports"


def test_import_stores_the_search_details_and_sources_lists_them(tmp_path):
    db = tmp_path / "r.db"
    strategy = tmp_path / "strategy.txt"
    strategy.write_text("#1 'cryoablation'/exp\n#2 neuroma:ti,ab\n#3 #1 AND #2\n", encoding="utf-8")
    out = review(
        "import", db, DATA / "embase.ris", "--platform", "Embase.com", "--searched",
        "2022-02-24", "--strategy", strategy, "--limits", "English; 2000 to 2022",
    ).stdout  # fmt: skip
    assert "source 1: Embase, 2022-02-24" in out
    review("import", db, DATA / "scopus.ris")
    listing = review("sources", db).stdout
    embase, scopus = listing.split("import 2:")
    assert "import 1: embase.ris" in embase and "database: Embase\n" in embase
    assert "platform: Embase.com" in embase and "date searched: 2022-02-24" in embase
    assert "    #2 neuroma:ti,ab\n" in embase and "limits and filters: English; 2000" in embase
    assert "database: Scopus" in scopus and "date searched: not recorded" in scopus
    rows = json.loads(review("sources", db, "--json").stdout)
    assert [(r["name"], r["database"], r["searched"]) for r in rows] == [
        ("embase.ris", "Embase", ["2022-02-24"]),
        ("scopus.ris", "Scopus", []),
    ]
    assert rows[0]["strategy"].splitlines()[2] == "#3 #1 AND #2" and rows[0]["records"] == 6


def test_a_bad_date_or_strategy_file_stores_nothing(tmp_path):
    db = tmp_path / "r.db"
    bad = review("import", db, DATA / "embase.ris", "--searched", "24.02.2022", check=False)
    assert bad.returncode == 2 and "--searched '24.02.2022' is not a date" in bad.stderr
    assert "YYYY-MM-DD" in bad.stderr
    missing = tmp_path / "nope.txt"
    gone = review("import", db, DATA / "embase.ris", "--strategy", missing, check=False)
    assert gone.returncode == 2 and "nope.txt: the strategy file cannot be read" in gone.stderr
    with open_store(db) as store:
        assert store.imports() == [] and store.count_records() == 0


def test_sources_set_edits_an_imported_file_lead_only(tmp_path):
    db = tmp_path / "r.db"
    review("import", db, DATA / "scopus.ris", "--by", "ann")
    strategy = tmp_path / "s.txt"
    strategy.write_text("TITLE-ABS-KEY(cryoablation)\nAND neuroma\n", encoding="utf-8")
    out = review(
        "sources", db, "--set", "1", "--searched", "2022-02-24", "--platform", "Scopus",
        "--strategy", strategy, "--coverage", "1966 to 2022", "--by", "lee",
    ).stdout  # fmt: skip
    assert "date searched: 2022-02-24" in out and "    AND neuroma" in out
    assert "coverage: 1966 to 2022" in out
    bad = review("sources", db, "--set", "1", "--searched", "2022-02-30", check=False)
    assert bad.returncode == 2 and "is not a date" in bad.stderr
    unknown = review("sources", db, "--set", "7", "--searched", "2022-02-24", check=False)
    assert unknown.returncode == 2 and "no imported file has the id 7" in unknown.stderr
    lonely = review("sources", db, "--searched", "2022-02-24", check=False)
    assert lonely.returncode == 2 and "--set ID" in lonely.stderr
    with open_store(db) as store:
        add_reviewer(store, "lee", "lead", "lee-password", by=Reviewer("owner", "lead"))
        add_reviewer(store, "rita", "reviewer", "rita-password", by=Reviewer("lee", "lead"))
    refused = review("sources", db, "--set", "1", "--searched", "2023-01-01", "--by", "rita",
                     check=False)  # fmt: skip
    assert refused.returncode == 2 and "only leads may" in refused.stderr
    with open_store(db) as store:
        (stored,) = store.imports()
        events = store.import_source_events(1)
    assert stored.searched_on == "2022-02-24"  # neither the bad date nor the reviewer changed it
    assert stored.strategy == "TITLE-ABS-KEY(cryoablation)\nAND neuroma"
    assert [(e.action, e.actor) for e in events] == [("recorded", "ann"), ("edited", "lee")]
