"""The connection to a review database and its migrations.

The file is shared by the app (many reader threads), the CLI and a cron job, so it runs in WAL
mode with a busy timeout, and every write is one short ``BEGIN IMMEDIATE`` transaction: a batch is
stored whole or not at all. Writes go through one connection, one at a time; each thread reads on
a connection of its own, so reads never wait for a write (benchmarks/concurrent_screening.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import stat
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar, cast

from review.errors import DatabaseError

T = TypeVar("T")

# db/ at the top of the repository, seen from inside the package: review/store/migrations is a
# symbolic link to it, so a checkout (PYTHONPATH or editable install) reads db/ itself and a wheel
# carries the files as package data (the build copies what the link points at).
MIGRATIONS_DIR: Traversable = files("review.store") / "migrations"
MIGRATION_NAME = re.compile(r"[0-9]{3}_.+\.sql")
BUSY_TIMEOUT_MS = 30_000
FILE_MODE = 0o600  # the review file (records, decisions, kept PDFs): its owner only
DIR_MODE = 0o700
SIDE_FILES = ("-wal", "-shm", "-journal")


def from_row(cls: type[T], row: Mapping[str, Any], **decoded: Any) -> T:
    """A domain dataclass from a stored row: each field is the column of its name, or the value
    given in ``decoded`` (a JSON column parsed, say). A field with no column is an error here,
    not a silent default."""
    names = [f.name for f in fields(cast(Any, cls))]
    return cls(**{n: decoded[n] if n in decoded else row[n] for n in names})


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _explain(path: Path, exc: sqlite3.Error) -> DatabaseError:
    text = str(exc)
    if "disk is full" in text or "disk I/O error" in text:
        hint = (
            "free some disk space, then run the same command again; nothing half-written was kept"
        )
    elif "not a database" in text or "malformed" in text:
        hint = "this file is not a review database (or it is damaged); give another path"
    elif "readonly" in text or "unable to open" in text:
        hint = "check that the file and its folder exist and that you may write to them"
    elif "locked" in text or "busy" in text:
        hint = "another program holds the database for too long; try again in a minute"
    else:
        hint = "check the file, then try again"
    return DatabaseError(f"Review database {path}: {text}. What to do: {hint}.", path=path)


class BaseStore:
    """An open review database, shared by threads as datasette shares one: a single writer
    connection whose transactions are serialised by a lock, and a read connection per thread
    that never takes that lock. In WAL mode readers see the last committed state while a write
    (this process's or another's) is under way, so one reviewer's click or a long import never
    makes every other reviewer's page wait."""

    def __init__(self, path: str | Path, *, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.exists():
            raise DatabaseError(
                f"Review database {self.path} does not exist. "
                f"Create it with: review init {self.path}",
                path=self.path,
            )
        self._lock = threading.RLock()  # held for a whole write transaction
        self._local = threading.local()  # this thread's reader, and whether it is writing
        self._readers: dict[int, tuple[threading.Thread, sqlite3.Connection]] = {}
        self._readers_lock = threading.Lock()
        try:
            private_file(self.path)
            conn = self._connect()
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise _explain(self.path, exc) from exc
        except OSError as exc:
            raise DatabaseError(
                f"Review database {self.path}: {exc.strerror}. What to do: check the path.",
                path=self.path,
            ) from exc
        self.conn = conn  # the writer
        _tighten(self.path, SIDE_FILES)
        self.migrate()

    # -- plumbing ---------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # other processes write too
        return conn

    def _reader(self) -> sqlite3.Connection:
        """This thread's read connection (``query_only``: a write through it is an error).

        Inside this thread's own write transaction reads go to the writer, so they see what the
        transaction has written so far. Streamlit runs each script run in a new thread: readers
        of threads that have ended are closed when the next one is opened, and all on close().
        """
        if getattr(self._local, "writing", 0):
            return self.conn
        reader = getattr(self._local, "reader", None)
        if reader is not None:
            return reader
        reader = self._connect()
        reader.execute("PRAGMA query_only = ON")
        me = threading.current_thread()
        with self._readers_lock:
            for key, (thread, old) in list(self._readers.items()):
                if not thread.is_alive():
                    del self._readers[key]
                    old.close()
            self._readers[id(reader)] = (me, reader)
        self._local.reader = reader
        return reader

    def close(self) -> None:
        with self._readers_lock:
            for _, reader in self._readers.values():
                reader.close()
            self._readers.clear()
        self._local = threading.local()
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back whole on any error, including Ctrl-C."""
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _explain(self.path, exc) from exc
            self._local.writing = getattr(self._local, "writing", 0) + 1
            try:
                yield self.conn
            except sqlite3.Error as exc:
                self._rollback()
                raise _explain(self.path, exc) from exc
            except BaseException:
                self._rollback()
                raise
            finally:
                self._local.writing -= 1
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise _explain(self.path, exc) from exc

    def _rollback(self) -> None:
        # SQLite has already rolled back by itself after some errors (a full disk, say).
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[dict]:
        """Rows as dicts, read on this thread's own connection: no lock, no waiting on writes."""
        try:
            cursor = self._reader().execute(sql, params)
            names = [c[0] for c in cursor.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        except sqlite3.Error as exc:
            raise _explain(self.path, exc) from exc

    def stream(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = (), *, size: int = 2000
    ) -> Iterator[dict]:
        """Rows as dicts, ``size`` at a time, for a result too big to hold whole (a million
        records); read on this thread's own connection, like ``query``."""
        try:
            cursor = self._reader().execute(sql, params)
            names = [c[0] for c in cursor.description or ()]
            while rows := cursor.fetchmany(size):
                for row in rows:
                    yield dict(zip(names, row, strict=True))
        except sqlite3.Error as exc:
            raise _explain(self.path, exc) from exc

    def scalar(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        rows = self.query(sql, params)
        return next(iter(rows[0].values())) if rows else None

    def write(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> int:
        """Run one statement in its own transaction; returns the new row id."""
        with self.transaction() as conn:
            return conn.execute(sql, params).lastrowid or 0

    # -- migrations -------------------------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply the numbered migrations in db/ (``MIGRATIONS_DIR``) that this file has not had
        yet, each atomically."""
        try:
            found = [f for f in MIGRATIONS_DIR.iterdir() if MIGRATION_NAME.fullmatch(f.name)]
        except OSError:  # no folder there (a copy of the package that lost the link)
            found = []
        if not found:
            raise DatabaseError(
                f"No schema migrations in {MIGRATIONS_DIR}: the toolkit is installed without "
                "its db/ files. What to do: reinstall it (pip install the wheel, or "
                "bash scripts/setup in a checkout)."
            )
        try:
            with self._lock:
                self.conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations "
                    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
        except sqlite3.Error as exc:
            raise _explain(self.path, exc) from exc
        done = {row["version"] for row in self.query("SELECT version FROM schema_migrations")}
        applied = []
        for file in sorted(found, key=lambda f: f.name):
            version = int(file.name[:3])
            if version in done:
                continue
            with self.transaction() as conn:
                for statement in _statements(file.read_text(encoding="utf-8")):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, file.name, now()),
                )
            applied.append(file.name)
        return applied

    def schema_versions(self) -> list[str]:
        return [r["name"] for r in self.query("SELECT name FROM schema_migrations ORDER BY 1")]

    def audit(self, actor: str, action: str, **detail) -> None:
        self.write(
            "INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)",
            (now(), actor, action, json.dumps(detail, sort_keys=True)),
        )


def private_file(path: Path) -> None:
    """Make ``path`` an owner-only file before SQLite opens it.

    Folders made for it are 0700 and a new file is 0600. SQLite gives its -wal and -shm files
    the mode of the database file, so an existing file readable by others is tightened first;
    otherwise every new WAL would copy its looser mode. No process-wide umask is changed: the
    app's threads create files at the same time.
    """
    missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=DIR_MODE)
            os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        _tighten(path, ("",))
    else:
        os.close(fd)
        os.chmod(path, FILE_MODE)


def _tighten(path: Path, suffixes) -> None:
    """Owner-only modes on the review file and its side files, where we own them and they are
    looser (a file of another owner is left as it is: chmod is theirs to do)."""
    for suffix in suffixes:
        name = Path(f"{path}{suffix}")
        try:
            info = name.stat()
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) & 0o077 == 0:
            continue
        if info.st_uid == os.getuid():
            os.chmod(name, stat.S_IMODE(info.st_mode) & 0o700)


def _statements(script: str) -> list[str]:
    """Split a migration into statements so each runs inside our own transaction."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if not buffer and line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
