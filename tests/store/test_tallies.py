"""The screening queue's and duplicate groups' running tallies (migration 013): the signatures
the Screen page asks for on every view are read from them, so they must always equal a count of
the tables, in a file made before the migration too."""

from __future__ import annotations

import shutil

from review.records import Record
from review.store import base, open_store


def counted(store) -> tuple[str, tuple[int, int]]:
    """The signatures as they were computed before migration 013: from every row."""
    groups = store.query(
        "SELECT count(*) AS n, coalesce(sum(record_id * 31 + primary_id), 0) AS s, "
        "(SELECT applied_at FROM schema_migrations WHERE version = 1) AS made "
        "FROM duplicate_groups"
    )[0]
    queue = store.query(
        "SELECT count(*) AS n, coalesce(max(record_id), 0) AS top FROM screening_queue"
    )[0]
    return f"{groups['made']}|{groups['n']}:{groups['s']}", (queue["n"], queue["top"])


def tallied(store) -> tuple[str, tuple[int, int]]:
    return store.groups_signature(), store.queue_signature()


def records(*ids: int) -> list[tuple[str, Record]]:
    return [(str(i), Record(title=f"Record {i}", raw=str(i))) for i in ids]


def test_a_file_made_before_013_gets_tallies_of_what_it_holds(tmp_path, monkeypatch):
    old = tmp_path / "db012"
    old.mkdir()
    for f in sorted(base.MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql")):
        if int(f.name[:3]) < 13:
            shutil.copy(f, old)
    path = tmp_path / "r.db"
    monkeypatch.setattr(base, "MIGRATIONS_DIR", old)
    with open_store(path) as store:
        store.add_records("test", records(1, 2, 3, 4))
        store.write("INSERT INTO duplicate_groups (record_id, primary_id) VALUES (1, 1), (2, 1)")
        before = counted(store)
    monkeypatch.undo()
    with open_store(path) as store:
        assert "013_screening_tallies.sql" in store.schema_versions()
        assert tallied(store) == counted(store) == before
        assert before[1] == (4, 4)


def test_the_tallies_follow_every_change_to_the_queue_and_the_groups(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        assert tallied(store) == counted(store)
        store.add_records("test", records(1, 2, 3, 4, 5))
        store.add_records("test", records(5, 6))  # one already there: queued once
        assert tallied(store) == counted(store)
        assert store.queue_signature() == (6, 6)
        store.write(
            "INSERT INTO duplicate_groups (record_id, primary_id) VALUES (1, 1), (2, 1), (3, 3)"
        )
        first = store.groups_signature()
        assert tallied(store) == counted(store)
        store.write("UPDATE duplicate_groups SET primary_id = 2 WHERE primary_id = 1")
        assert tallied(store) == counted(store)
        assert store.groups_signature() != first
        store.write("DELETE FROM duplicate_groups WHERE record_id = 3")
        store.write("DELETE FROM screening_queue WHERE record_id = 6")
        assert tallied(store) == counted(store)
        store.write("DELETE FROM duplicate_groups")
        assert tallied(store) == counted(store)
        rows = store.query("SELECT name, n, s FROM tallies ORDER BY name")
        assert [tuple(r.values()) for r in rows] == [
            ("duplicate_groups", 0, 0),
            ("screening_queue", 5, 0),
        ]
