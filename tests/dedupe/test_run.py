"""A review's dedupe with errata: linked to their article (kind "erratum"), screened once with
it, shown in the export, undone like a merge, and read from files made before migration 010."""

from __future__ import annotations

import shutil
from dataclasses import replace

from review.dedupe.run import dedupe
from review.exports.rows import COLUMNS, export_rows
from review.records import AbstractSection, Author, Record
from review.store import base, open_store

ARTICLE = Record(
    title="Pilot randomized controlled trial of cognitive strategy use to improve goal "
    "performance after stroke",
    authors=(Author("Polatajko", "Helene", "H"), Author("McEwen", "Sara", "S")),
    journal="American Journal of Occupational Therapy",
    year=2012,
    volume="66",
    issue="1",
    pages="104-109",
    abstract_sections=(AbstractSection("Goal performance improved after strategy training."),),
    raw="article",
)
ERRATUM = Record(
    title="Erratum: " + ARTICLE.title,
    authors=ARTICLE.authors,
    journal="Am J Occup Ther",
    year=2012,
    volume="66",
    issue="4",
    pages="512",
    pmid="2222",
    doi="10.5014/erratum",
    abstract_sections=(AbstractSection("In the article, table 2 was wrong. " * 3),),
    raw="erratum",
)
COPY = replace(ARTICLE, journal="Am J Occup Ther", abstract_sections=(), raw="copy")


def _review(path):
    store = open_store(path)
    store.add_records("test", [("1", ARTICLE), ("2", ERRATUM), ("3", COPY)])
    return store


def test_an_erratum_is_linked_to_its_article_and_screened_once(tmp_path):
    with _review(tmp_path / "r.db") as store:
        result = dedupe(store)
        assert (result.merged, result.possible) == (3, 0)  # the erratum meets both copies
        # the erratum has the fuller record (PMID, DOI, abstract) but never stands for the study
        assert store.duplicate_of() == {2: 1, 3: 1}
        assert store.link_kinds() == {2: "erratum", 3: "duplicate"}
        assert store.screening_units() == [1]
        pairs = {(p.a, p.b): p for p in store.pairs()}
        assert (pairs[(1, 2)].kind, pairs[(1, 2)].notice) == ("erratum", 2)
        assert (pairs[(2, 3)].kind, pairs[(2, 3)].notice) == ("erratum", 2)
        assert pairs[(1, 3)].kind == "duplicate"


def test_the_export_says_which_link_each_member_has(tmp_path):
    with _review(tmp_path / "r.db") as store:
        dedupe(store)
        rows = {r.record_id: r.values() for r in export_rows(store)}
    assert COLUMNS[-1] == "link_kind" and COLUMNS[:2] == ("record_id", "duplicate_of")
    assert [(rows[i]["duplicate_of"], rows[i]["link_kind"]) for i in (1, 2, 3)] == [
        ("", ""),
        ("1", "erratum"),
        ("1", "duplicate"),
    ]
    assert rows[1]["pmid"] == ""  # the erratum's PMID does not fill the article's gaps


def test_an_erratum_link_is_undone_like_a_merge(tmp_path):
    with _review(tmp_path / "r.db") as store:
        dedupe(store)
        store.decide_pair(1, 2, "undo", "ann")
        assert store.duplicate_of() == {2: 1, 3: 1}  # still linked through the copy
        store.decide_pair(2, 3, "undo", "ann")
        assert store.duplicate_of() == {3: 1}
        assert store.screening_units() == [1, 2]
        actions = [r["action"] for r in store.query("SELECT action FROM duplicate_events")]
        assert actions[-1] == "undone"


def test_a_file_made_before_migration_010_keeps_its_merges(tmp_path, monkeypatch):
    old = tmp_path / "db009"
    old.mkdir()
    for f in sorted(base.MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql")):
        if int(f.name[:3]) <= 9:
            shutil.copy(f, old)
    path = tmp_path / "r.db"
    monkeypatch.setattr(base, "MIGRATIONS_DIR", old)
    with open_store(path) as store:
        store.add_records("test", [("1", ARTICLE), ("3", COPY)])
        store.write(
            "INSERT INTO duplicate_pairs (a, b, score, verdict, status, found_at) "
            "VALUES (1, 2, 0.99, 'duplicate', 'merged', '2024-01-01')"
        )
        store.write("INSERT INTO duplicate_groups VALUES (2, 1)")
    monkeypatch.undo()
    with open_store(path) as store:
        assert "010_duplicate_link_kinds.sql" in store.schema_versions()
        assert [(p.kind, p.notice, p.status) for p in store.pairs()] == [
            ("duplicate", None, "merged")
        ]
        assert store.link_kinds() == {2: "duplicate"}
        store.add_records("test", [("2", ERRATUM)])
        dedupe(store)
        assert store.link_kinds() == {2: "duplicate", 3: "erratum"}
