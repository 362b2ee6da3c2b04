"""Full-text search over records (db/008): the sqlite-utils layout, kept current by triggers,
searched ranked by the store, and safe for whatever a reviewer types."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import sqlite_utils

import review.store.base as base
from review.records import Author, MeshHeading
from review.store import open_store
from review.store.base import _statements
from review.store.records import fts_query
from tests.store.test_store import make_record

CRYO = make_record("101", "Cryoablation of renal tumours")


def add(store, *records):
    return store.add_records("pubmed", [(r.pmid, r) for r in records])


def found(store, text: str) -> list[str]:
    return [r.pmid for r in store.record_rows(search=text)]


def test_the_index_is_the_layout_sqlite_utils_makes(tmp_path):
    path = tmp_path / "r.db"
    with open_store(path) as store:
        add(store, CRYO, replace(make_record("102", "Heat therapy"), keywords=()))
    db = sqlite_utils.Database(path)
    assert db["records"].detect_fts() == "records_fts"
    assert {t.name for t in db.triggers} >= {"records_ai", "records_ad", "records_au"}
    hits = list(db["records"].search("cryo*"))
    assert [h["pmid"] for h in hits] == ["101"]
    # the index matches the content table exactly (what 'rebuild' would make)
    db.execute("INSERT INTO records_fts (records_fts, rank) VALUES ('integrity-check', 1)")
    db.close()


def test_the_sqlite_utils_command_searches_the_file(tmp_path):
    cli = Path(sys.executable).with_name("sqlite-utils")
    if not cli.exists():
        pytest.skip("the sqlite-utils command is not installed next to this Python")
    path = tmp_path / "r.db"
    with open_store(path) as store:
        add(store, CRYO, replace(make_record("102", "Heat therapy"), keywords=()))
    out = subprocess.run(
        [str(cli), "search", str(path), "records", "cryo*", "-c", "pmid", "--csv"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split() == ["pmid", "101"]


def test_authors_keywords_and_mesh_are_indexed_as_readable_text(tmp_path):
    record = replace(
        make_record("201", "A trial"),
        authors=(Author("Müller", "Jörg", "J"), Author(collective="The FROST Group")),
        keywords=("cold-water immersion",),
        mesh_headings=(MeshHeading("Hypothermia, Induced", True, ("methods",), "D007036"),),
    )
    with open_store(tmp_path / "r.db") as store:
        add(store, record, make_record("202", "Other"))
        row = store.query(
            "SELECT authors_text, keywords_text, mesh_text FROM records WHERE pmid = '201'"
        )[0]
        assert row == {
            "authors_text": "Müller Jörg J ; The FROST Group",
            "keywords_text": "cold-water immersion",
            "mesh_text": "Hypothermia Induced methods D007036",
        }
        for text in ("müller", "frost", "immersion", "hypothermia", "methods"):
            assert found(store, text) == ["201"], text
        # JSON key names are not words of any record
        for key in ("last_name", "collective", "descriptor", "major", "qualifiers", "true"):
            assert found(store, key) == [], key


def test_triggers_keep_the_index_current(tmp_path):
    path = tmp_path / "r.db"
    with open_store(path) as store:
        add(store, CRYO)
        assert found(store, "renal") == ["101"]
        # the same PMID again is not stored twice nor indexed twice
        add(store, replace(CRYO, title="Something else entirely"))
        assert found(store, "renal") == ["101"]
        assert found(store, "entirely") == []
        store.write("UPDATE records SET title = 'Cryotherapy of hepatic lesions' WHERE id = 1")
        assert found(store, "renal") == []
        assert found(store, "hepatic") == ["101"]
    # an upsert of the same PMID by sqlite-utils, as a user of the file would write one
    db = sqlite_utils.Database(path)
    rid = db.execute("SELECT id FROM records WHERE pmid = '101'").fetchone()[0]
    row = db["records"].get(rid)
    row = {k: v for k, v in row.items() if not k.endswith("_text")}  # generated: not writable
    db["records"].upsert({**row, "abstract": "Outcomes after glacial exposure."}, pk="id")
    db.execute("INSERT INTO records_fts (records_fts, rank) VALUES ('integrity-check', 1)")
    db.close()
    with open_store(path) as store:
        assert found(store, "glacial") == ["101"]
        assert found(store, "hepatic") == ["101"]
        store.write("DELETE FROM screening_queue")
        store.write("DELETE FROM records WHERE pmid = '101'")
        assert found(store, "hepatic") == []
        assert store.count_matching("hepatic") == 0


def test_results_are_ranked_best_first_and_an_exact_pmid_or_doi_first_of_all(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        add(
            store,
            replace(make_record("301", "Exercise for back pain"), abstract_sections=()),
            make_record("302", "Cryotherapy cryotherapy cryotherapy"),
            make_record("303", "Cryotherapy after knee surgery, a long title of many other words"),
            make_record("304", "Unrelated"),
        )
        assert found(store, "cryotherapy") == ["302", "303"]
        assert store.search_records("cryotherapy") == [
            r.id for r in store.record_rows(search="cryotherapy")
        ]
        assert store.count_matching("cryotherapy") == 2
        assert found(store, "304") == ["304"]
        assert found(store, "10.1/301") == ["301"]
        # paging follows the rank
        assert [r.pmid for r in store.record_rows(search="cryotherapy", limit=1, offset=1)] == [
            "303"
        ]
        # every word must match; a whole PMID ranks before the words' matches
        assert found(store, "cryotherapy knee") == ["303"]
        assert found(store, "")[:1] == ["304"]  # no search: newest first


@pytest.mark.parametrize(
    "text",
    ['"', '"unclosed', "a OR", "NOT", "AND cryo", "(", "cryo)", "NEAR(", "*", "-", "^x",
     "title:cryo", "covid-19", "'; DROP TABLE records; --", '""""', "cry\"o", "+", "a:b:c"],
)  # fmt: skip
def test_hostile_search_text_never_errors(tmp_path, text):
    with open_store(tmp_path / "r.db") as store:
        add(store, CRYO)
        store.record_rows(search=text)
        store.count_matching(text)
        store.search_records(text)
        assert store.count_records() == 1


def test_fts_query_quotes_every_word_keeps_prefixes_and_phrases():
    assert fts_query("cryo*") == '"cryo"*'
    assert fts_query('covid-19 "heart failure" NOT') == '"covid-19" "heart failure" "NOT"'
    assert fts_query('"unclosed phrase') == '"unclosed phrase"'
    assert fts_query('a"b') == '"a b"'
    assert fts_query('* - () ""') == ""
    assert fts_query("  ") == ""


def test_a_text_of_punctuation_alone_still_finds_an_exact_doi(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        add(store, replace(CRYO, doi="10.1/--"))
        assert found(store, "10.1/--") == ["101"]
        assert found(store, "--") == []


def test_records_stored_before_the_migration_are_indexed_by_it(tmp_path, monkeypatch):
    old = tmp_path / "db007"
    old.mkdir()
    for f in sorted(base.MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql")):
        if int(f.name[:3]) <= 7:
            shutil.copy(f, old)
    path = tmp_path / "r.db"
    monkeypatch.setattr(base, "MIGRATIONS_DIR", old)
    with open_store(path) as store:
        add(store, CRYO)
        assert store.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'records_fts'") == 0
    monkeypatch.undo()
    with open_store(path) as store:
        assert "008_records_fts.sql" in store.schema_versions()
        assert found(store, "renal") == ["101"]
        assert found(store, "cryoablation") == ["101"]  # the keyword
        assert found(store, "smith") == ["101"]  # an author
        assert found(store, "pain") == ["101"]  # the MeSH heading


def test_statements_keeps_a_trigger_body_whole():
    script = (
        "-- a comment\n"
        "CREATE TABLE t (a);\n"
        "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN\n"
        "  -- inside the body\n"
        "  INSERT INTO t (a) VALUES ('x;y');\n"
        "  DELETE FROM t WHERE a = 'END;';\n"
        "END;\n"
        "INSERT INTO t VALUES (1);\n"
    )
    got = _statements(script)
    assert len(got) == 3
    assert got[1].startswith("CREATE TRIGGER") and got[1].endswith("END;")
    assert "DELETE FROM t" in got[1]
