import threading
from pathlib import Path

import pytest

from review.errors import DatabaseError, SearchError
from review.records import AbstractSection, Author, MeshHeading, PubDate, Record
from review.store import open_store
from review.store.base import MIGRATIONS_DIR


def make_record(pmid: str, title: str = "A title") -> Record:
    return Record(
        pmid=pmid,
        doi=f"10.1/{pmid}",
        title=title,
        abstract_sections=(AbstractSection("Why.", "BACKGROUND", "BACKGROUND"),),
        authors=(Author("Smith", "Jane", "J"), Author(collective="The Trial Group")),
        journal="Journal",
        journal_abbrev="J",
        year=2020,
        languages=("eng",),
        publication_types=("Journal Article",),
        mesh_headings=(MeshHeading("Pain", True, ("therapy",), "D010146"),),
        keywords=("cryoablation",),
        dates=(PubDate("entrez", "2020-01-02"),),
        raw=f"<PubmedArticle><PMID>{pmid}</PMID></PubmedArticle>",
    )


def new_run(store, name="s", pmids=("1", "2", "3")) -> int:
    search_id = store.save_search(name, "q")
    run_id = store.start_run(search_id, "search", {"term": "q"})
    store.save_slice(run_id, None, None, len(pmids), list(pmids))
    return run_id


def test_a_database_made_by_an_older_version_is_brought_up_to_date(tmp_path):
    path = tmp_path / "old.db"
    with open_store(path) as store:  # pretend 002 has not run yet
        store.conn.executescript(
            "DROP TABLE dedupe_runs; DROP TABLE duplicate_groups; DROP TABLE duplicate_events; "
            "DROP TABLE duplicate_pairs; DROP TABLE record_imports; DROP TABLE imports; "
            "DELETE FROM schema_migrations WHERE version = 2;"
        )
    with open_store(path) as store:
        assert "002_imports_and_duplicates.sql" in store.schema_versions()
        assert store.scalar("SELECT count(*) FROM imports") == 0


def test_migrations_are_applied_once_and_recorded(tmp_path):
    path = tmp_path / "r.db"
    with open_store(path) as store:
        expected = sorted(f.name for f in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))
        assert expected[:5] == [
            "001_initial.sql",
            "002_imports_and_duplicates.sql",
            "003_screening.sql",
            "004_extraction.sql",
            "005_accounts.sql",
        ]
        assert store.schema_versions() == expected
        assert store.scalar("PRAGMA journal_mode") == "wal"
        assert store.scalar("PRAGMA busy_timeout") == 30000
    with open_store(path) as store:
        assert store.migrate() == []
        assert store.scalar("SELECT count(*) FROM schema_migrations") == len(expected)


def test_the_migrations_the_package_reads_are_the_top_level_db_folder():
    """review/store/migrations links to db/: a checkout reads db/ itself (no copy to keep in
    step), and the wheel carries the files (tests/test_wheel.py)."""
    root = Path(__file__).resolve().parents[2]
    assert Path(str(MIGRATIONS_DIR)).resolve() == root / "db"
    assert Path(str(MIGRATIONS_DIR)).is_symlink()


def test_a_package_without_its_migrations_is_refused_not_left_empty(tmp_path, monkeypatch):
    from review.store import base

    empty = tmp_path / "migrations"
    empty.mkdir()
    for folder in (empty, tmp_path / "missing"):
        monkeypatch.setattr(base, "MIGRATIONS_DIR", folder)
        with pytest.raises(DatabaseError, match="No schema migrations in .*reinstall"):
            open_store(tmp_path / "r.db")


def test_batch_is_stored_once_linked_to_each_run_and_queued(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        first = new_run(store, "a")
        assert store.store_pubmed_batch(first, [make_record("1"), make_record("2")]) == 2
        assert store.store_pubmed_batch(first, [make_record("2"), make_record("3")]) == 1
        second = new_run(store, "b", ("2", "3"))
        assert store.store_pubmed_batch(second, [make_record("2", "changed title")]) == 0
        assert store.count_records() == 3
        assert store.record_by_pmid("2").title == "A title"  # what was received first is kept
        assert store.run_totals(first) == {"linked": 3, "new": 3, "present": 0}
        assert store.link_stored_hits(second) == 1  # PMID 3 was already there
        assert store.run_totals(second) == {"linked": 2, "new": 0, "present": 2}
        assert store.queued_for_screening() == 3
        assert store.pending_hits(first) == []


def test_record_round_trips_through_the_database(tmp_path):
    original = make_record("42")
    with open_store(tmp_path / "r.db") as store:
        store.store_pubmed_batch(new_run(store, pmids=("42",)), [original])
        assert store.record_by_pmid("42") == original


def test_a_failing_batch_leaves_nothing_behind(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        run_id = new_run(store)
        bad = make_record("2")
        object.__setattr__(bad, "raw", None)  # NOT NULL violation in the middle of the batch
        with pytest.raises(DatabaseError, match="NOT NULL"):
            store.store_pubmed_batch(run_id, [make_record("1"), bad])
        assert store.count_records() == 0
        assert store.pending_hits(run_id) == ["1", "2", "3"]
        assert store.queued_for_screening() == 0


def test_deleted_pmids_are_marked_on_the_run(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        run_id = new_run(store)
        store.store_pubmed_batch(run_id, [make_record("1")], deleted=["2"])
        assert store.hit_counts(run_id) == {"deleted": 1, "pending": 1, "stored": 1}


def test_a_saved_search_keeps_its_query(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        first = store.save_search("neuroma", "neuroma AND cryoablation")
        assert store.save_search("neuroma", "neuroma AND cryoablation") == first
        with pytest.raises(SearchError, match="already exists"):
            store.save_search("neuroma", "something else")


def test_a_file_that_is_not_a_database_is_named_in_the_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is a text file, not SQLite" * 100)
    with pytest.raises(DatabaseError, match="notes.db.*not a review database"):
        open_store(path)


def test_a_missing_database_is_not_created_when_not_asked(tmp_path):
    with pytest.raises(DatabaseError, match="review init"):
        open_store(tmp_path / "missing.db", create=False)


def test_threads_and_a_second_connection_write_at_once(tmp_path):
    path = tmp_path / "r.db"
    with open_store(path) as store, open_store(path) as other:
        run_id = new_run(store, pmids=[str(i) for i in range(200)])
        errors = []

        def write(s, start):
            try:
                for i in range(start, 200, 4):
                    s.store_pubmed_batch(run_id, [make_record(str(i))])
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [
            threading.Thread(target=write, args=(s, k))
            for k, s in enumerate((store, store, other, other))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert store.count_records() == 200
        assert store.run_totals(run_id)["new"] == 200


def test_a_full_disk_fails_the_batch_whole_and_says_what_to_do(tmp_path):
    path = tmp_path / "r.db"
    with open_store(path) as store:
        run_id = new_run(store, pmids=[str(i) for i in range(50)])
        store.store_pubmed_batch(run_id, [make_record("0")])
        pages = store.scalar("PRAGMA page_count")
        store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite's "disk is full"
        big = [make_record(str(i), title="x" * 20_000) for i in range(1, 50)]
        with pytest.raises(DatabaseError, match="full.*free some disk space"):
            store.store_pubmed_batch(run_id, big)
        assert store.count_records() == 1
        assert len(store.pending_hits(run_id)) == 49
        assert store.scalar("PRAGMA integrity_check") == "ok"


def test_records_are_found_many_at_once_by_pmid_doi_title_and_original_id(tmp_path):
    from review.imports.load import import_file

    with open_store(tmp_path / "r.db") as store:
        import_file(store, Path(__file__).parent.parent / "data" / "imports" / "embase.ris")
        store.add_records(
            "other",
            [
                ("a", Record(title="Lancet", pmid="15368318", doi="10.1016/S0140-6736(20)30183-5",
                             raw="a")),
                ("b", Record(title="No ids", raw="b")),
            ],
        )  # fmt: skip
        pmids = store.records_with_pmids(["15368318", "21218094", "1"])
        assert pmids == {"15368318": [2, 7], "21218094": [5]}
        # a DOI is found whatever its case, stored or asked
        dois = store.records_with_dois(["10.1016/s0140-6736(20)30183-5", "10.1002/CNCR.20369"])
        assert dois == {"10.1016/s0140-6736(20)30183-5": [7], "10.1002/cncr.20369": [2]}
        assert store.records_with_dois([]) == {}
        originals = store.records_with_original_ids(["L39097156", "L0", ""])
        assert originals == {"L39097156": [(2, "embase.ris")]}
        assert store.record_titles([7, 8, 99]) == {7: "Lancet", 8: "No ids"}
