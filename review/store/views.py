"""The views for SQLite's own tools (db/009_views.sql), described from the file itself.

Read with sqlite-utils' schema introspection on a read-only connection of its own: for the
``review views`` command and people exploring the file, never in the app's paths.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from review.errors import DatabaseError

# What each view holds, in one line: the file keeps only the SQL.
ABOUT = {
    "primary_records": "records that are not a duplicate of another, with readable origins",
    "current_decisions": "each reviewer's standing decision per record and stage (undone left out)",
    "screening_status": "per primary record and stage: each vote, the final decision, conflict",
}


@dataclass(frozen=True)
class SqlView:
    name: str
    about: str
    columns: tuple[str, ...]


def describe_views(path: str | Path) -> list[SqlView]:
    """The review file's views and their columns, in the order they were created."""
    import sqlite_utils  # only here: the command line starts without it

    path = Path(path)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Review database {path}: {exc}. What to do: check the path.") from exc
    try:
        db = sqlite_utils.Database(conn)
        return [
            SqlView(name, ABOUT.get(name, ""), tuple(c.name for c in db[name].columns))
            for name in db.view_names()
        ]
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"Review database {path}: {exc}. What to do: check it is a review file."
        ) from exc
    finally:
        conn.close()
