"""Imported files as the searches they were (PRISMA-S): the database read from the file, the
details given at import, and a lead's corrections kept as events."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.errors import ImportFileError, PermissionDenied
from review.imports import read_file
from review.imports.encoding import decode
from review.imports.load import import_file
from review.imports.sources import edit_source, file_source, list_sources, read_strategy
from review.screening.model import Reviewer
from review.store import open_store

DATA = Path(__file__).parent.parent / "data" / "imports"
LEAD = Reviewer("lead", "lead")

OVID_HEADER = """Database: Embase <1974 to 2022 February 23>
Search Strategy:
--------------------------------------------------------------------------------
1     cryoablation/ (12345)
2     (neuroma* or "nerve injur*").ti,ab. (6789)
3     1 and 2 (57)
4     limit 3 to english language (51)
***************************

"""


def told(path: Path, text: str | None = None):
    parsed = read_file(path)
    return file_source(parsed, text if text is not None else decode(path.read_bytes(), "x", "")[0])


def test_the_database_is_read_from_embase_and_scopus_ris_db_tags():
    embase = told(DATA / "embase.ris")
    # Embase.com tags records also in MEDLINE "DB - Medline" too: the file is still Embase's
    assert (embase.database, embase.platform) == ("Embase", "Embase.com")
    scopus = told(DATA / "scopus.ris")
    assert (scopus.database, scopus.platform) == ("Scopus", "Scopus")
    assert told(DATA / "proquest.ris").database == "PTSDpubs"


def test_an_ovid_export_without_db_tags_is_named_by_its_links():
    source = told(DATA / "ovid_psycinfo.ris")
    assert (source.database, source.platform) == ("APA PsycInfo", "Ovid")


def test_ovid_header_gives_database_coverage_and_strategy(tmp_path):
    path = tmp_path / "ovid.ris"
    path.write_text(OVID_HEADER + (DATA / "example_basic.ris").read_text(), encoding="utf-8")
    source = told(path)
    assert (source.database, source.platform) == ("Embase", "Ovid")
    assert source.coverage == "1974 to 2022 February 23"
    assert source.strategy.splitlines() == [
        "1     cryoablation/ (12345)",
        '2     (neuroma* or "nerve injur*").ti,ab. (6789)',
        "3     1 and 2 (57)",
        "4     limit 3 to english language (51)",
    ]
    with open_store(tmp_path / "r.db") as store:
        import_file(store, path)
        (stored,) = store.imports()
    assert (stored.source, stored.platform, stored.coverage) == ("Embase", "Ovid", source.coverage)
    assert stored.strategy == source.strategy and stored.searched_on is None


def test_a_file_that_names_no_database_is_not_called_ris(tmp_path):
    assert told(DATA / "example_basic.ris").database == ""
    with open_store(tmp_path / "r.db") as store:
        result = import_file(store, DATA / "example_basic.ris")
        (source,) = list_sources(store)
    assert result.source == "" and source.database == "" and source.searched == ()


def test_import_options_are_stored_with_a_recorded_event(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        result = import_file(
            store,
            DATA / "embase.ris",
            actor="lead",
            platform="Embase.com",
            searched="2022-02-24",
            strategy="#1 cryoablation\n#2 neuroma\n#3 #1 AND #2",
            limits="English; 2000 to 2022",
            coverage="1947 to 2022",
        )
        (stored,) = store.imports()
        (event,) = store.import_source_events(result.import_id)
    assert (stored.source, stored.platform, stored.searched_on) == (
        "Embase",
        "Embase.com",
        "2022-02-24",
    )
    assert stored.strategy.splitlines() == ["#1 cryoablation", "#2 neuroma", "#3 #1 AND #2"]
    assert (stored.limits, stored.coverage) == ("English; 2000 to 2022", "1947 to 2022")
    assert (event.action, event.actor) == ("recorded", "lead")
    assert event.changes["searched_on"] == (None, "2022-02-24")


@pytest.mark.parametrize("bad", ["24/02/2022", "2022-02-30", "yesterday"])
def test_a_bad_date_searched_stores_nothing(tmp_path, bad):
    with open_store(tmp_path / "r.db") as store:
        with pytest.raises(ImportFileError, match=f"--searched '{bad}' is not a date"):
            import_file(store, DATA / "embase.ris", searched=bad)
        assert store.imports() == [] and store.count_records() == 0


def test_an_unreadable_strategy_file_is_named(tmp_path):
    with pytest.raises(ImportFileError, match="missing.txt: the strategy file cannot be read"):
        read_strategy(tmp_path / "missing.txt")
    binary = tmp_path / "strategy.docx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00")
    with pytest.raises(ImportFileError, match="strategy.docx: the strategy file is not UTF-8"):
        read_strategy(binary)
    text = tmp_path / "strategy.txt"
    text.write_bytes(b"\xef\xbb\xbf\r\n1  exp Cryosurgery/  \r\n2  neuroma.mp.\r\n\r\n")
    assert read_strategy(text) == "1  exp Cryosurgery/\n2  neuroma.mp."


def test_a_lead_edits_a_source_and_each_edit_is_an_event(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        result = import_file(store, DATA / "scopus.ris", actor="lead")
        with pytest.raises(PermissionDenied):
            rita = Reviewer("rita", "reviewer")
            edit_source(store, result.import_id, rita, searched_on="2022-02-24")
        with pytest.raises(ImportFileError, match="not a date"):
            edit_source(store, result.import_id, LEAD, searched_on="2022-02-31")
        with pytest.raises(ImportFileError, match="no imported file has the id 99"):
            edit_source(store, 99, LEAD, searched_on="2022-02-24")
        edit_source(store, result.import_id, LEAD, searched_on="2022-02-24", platform="Scopus")
        edit_source(store, result.import_id, LEAD, searched_on="2022-03-01", database="Scopus")
        (stored,) = store.imports()
        events = store.import_source_events(result.import_id)
    assert stored.searched_on == "2022-03-01" and stored.source == "Scopus"
    assert [e.action for e in events] == ["recorded", "edited", "edited"]
    # the second edit changed only the date: the unchanged database is not an event
    assert events[2].changes == {"searched_on": ("2022-02-24", "2022-03-01")}
    assert events[1].changes == {"searched_on": (None, "2022-02-24")}  # platform was Scopus


def test_migration_007_stops_calling_a_file_by_its_format(tmp_path):
    """Before 007 an unknown database was stored as the format ("RIS"); 007 makes it unknown."""
    path = tmp_path / "old.db"
    with open_store(path) as store:
        import_file(store, DATA / "example_basic.ris")
        import_file(store, DATA / "embase.ris")
        store.conn.executescript(
            """
            DROP TABLE import_source_events;
            ALTER TABLE imports DROP COLUMN platform;
            ALTER TABLE imports DROP COLUMN searched_on;
            ALTER TABLE imports DROP COLUMN strategy;
            ALTER TABLE imports DROP COLUMN limits;
            ALTER TABLE imports DROP COLUMN coverage;
            UPDATE imports SET source = 'RIS' WHERE source = '';
            DELETE FROM schema_migrations WHERE version = 7;
            """
        )
    with open_store(path) as store:
        unknown, embase = store.imports()
        assert (unknown.source, embase.source) == ("", "Embase")
        assert unknown.searched_on is None and embase.platform == ""
        assert [s.database for s in list_sources(store)] == ["", "Embase"]
