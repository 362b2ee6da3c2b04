"""Readers beside the writer: a held write transaction never makes a read wait (issue 13.5)."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from review.records import Record
from review.store import open_store


def _review(path, n=3):
    with open_store(path) as store:
        store.add_records("t", [(str(i), Record(title=f"S {i}", raw=str(i))) for i in range(n)])


def _read_in_a_thread(read) -> tuple[bool, object]:
    """Run ``read`` in another thread; (whether it finished within 5 s, what it returned). A read
    queued behind the held write would not finish until the write let go."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(read()))
    thread.start()
    thread.join(timeout=5)
    return not thread.is_alive(), (result[0] if result else None)


def test_a_thread_reads_while_another_thread_of_the_same_store_writes(tmp_path):
    _review(tmp_path / "r.db")
    with open_store(tmp_path / "r.db") as store:
        with store.transaction() as conn:
            conn.execute("DELETE FROM screening_queue")  # uncommitted while the read runs
            finished, seen = _read_in_a_thread(store.queued_for_screening)
            assert finished
            assert seen == 3  # the last committed state
            assert store.queued_for_screening() == 0  # the writing thread sees its own writes
        assert store.queued_for_screening() == 0
        assert _read_in_a_thread(store.queued_for_screening) == (True, 0)


def test_reads_proceed_while_another_connection_holds_the_write_lock(tmp_path):
    path = tmp_path / "r.db"
    _review(path)
    other = sqlite3.connect(path, isolation_level=None)  # the CLI or cron, in another process
    with open_store(path) as store:
        other.execute("BEGIN IMMEDIATE")
        other.execute("DELETE FROM records")
        try:
            assert _read_in_a_thread(store.count_records) == (True, 3)
            assert store.count_records() == 3
        finally:
            other.execute("ROLLBACK")
            other.close()


def test_a_read_is_not_queued_behind_a_write_waiting_for_another_process(tmp_path):
    """Before: one lock for reads and writes, so a write waiting on the busy timeout (another
    process importing) made every thread's read wait with it."""
    path = tmp_path / "r.db"
    _review(path)
    other = sqlite3.connect(path, isolation_level=None)
    with open_store(path) as store:
        other.execute("BEGIN IMMEDIATE")
        writing = threading.Thread(target=lambda: store.audit("ann", "waits"))
        writing.start()  # waits in BEGIN IMMEDIATE, holding the store's write lock
        writing.join(timeout=0.3)
        assert writing.is_alive()
        finished, count = _read_in_a_thread(store.count_records)
        other.execute("COMMIT")
        other.close()
        writing.join(timeout=10)
        assert finished and count == 3
        assert not writing.is_alive()
        assert store.scalar("SELECT count(*) FROM audit WHERE action = 'waits'") == 1


def test_read_connections_refuse_writes_and_close_with_the_store(tmp_path):
    path = tmp_path / "r.db"
    _review(path)
    store = open_store(path)
    with pytest.raises(Exception, match="readonly|read-only|attempt to write"):
        store.query("DELETE FROM records")
    assert store.count_records() == 3
    opened = []
    for _ in range(4):  # Streamlit: a thread per script run
        _read_in_a_thread(lambda: opened.append(store._reader()))
    assert len(set(map(id, opened))) == 4  # a connection per thread
    for conn in opened[:-1]:  # each new reader closed those of threads that had ended
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            conn.execute("SELECT 1")
    assert len(store._readers) == 2  # this thread's and the last thread's
    readers = [conn for _, conn in store._readers.values()]
    store.close()
    assert store._readers == {}
    for conn in readers:
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            conn.execute("SELECT 1")
