"""Imported files: each a source, its records stored as given, with their place in the file."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from review.errors import AlreadyImported, ImportFileError, TargetChanged
from review.imports.model import SOURCE_FIELDS, ImportedFile, SourceEvent
from review.progress import Progress, Tally
from review.records import Record
from review.store.base import BaseStore, now
from review.store.records import _INSERT, record_row

_CHUNK = 1000  # records per insert while a file is stored (one transaction all the same)


class ImportsMixin(BaseStore):
    def import_by_sha256(self, sha256: str) -> ImportedFile | None:
        rows = self.query("SELECT * FROM imports WHERE sha256 = ?", (sha256,))
        return _imported(rows[0]) if rows else None

    def add_import(
        self,
        meta: dict,
        entries: Sequence[tuple[int, int, str, Record]],
        *,
        progress: Progress | None = None,
    ) -> tuple[int, list[int]]:
        """Store a whole file's records in one transaction: all of it, or nothing.

        ``meta`` holds path, file_name, sha256, source, format, encoding, warnings, imported_by,
        and optionally the search's details (platform, searched_on, strategy, limits, coverage);
        ``entries`` are (position, line, original_id, record). Returns the import's id and the ids
        of the records it added, which deduplication then checks against the whole review.
        Raises AlreadyImported when the review holds a file with the same SHA-256. ``progress``
        is told the step "Storing NAME" (records written; ended once committed).
        """
        stamp = now()
        origin = f"import:{meta['sha256']}"
        tally = Tally(progress, f"Storing {meta['file_name']}", len(entries))
        with self.transaction() as conn:
            # Checked again under the write lock (BEGIN IMMEDIATE): another process may have
            # stored the same file since the caller looked, and the UNIQUE sha256 would
            # otherwise fail as an SQL error instead of saying "already imported".
            self._refuse_if_imported(conn, meta)
            import_id = self._insert_import(conn, meta, len(entries), stamp)
            recorded = {f: [None, meta.get(f)] for f in SOURCE_FIELDS if meta.get(f)}
            actor = meta.get("imported_by", "review")
            _source_event(conn, import_id, stamp, actor, "recorded", recorded)
            for start in range(0, len(entries), _CHUNK):  # in parts, to tell the progress
                part = entries[start : start + _CHUNK]
                conn.executemany(
                    _INSERT,
                    [(*record_row(rec, origin, str(pos)), stamp) for pos, _line, _oid, rec in part],
                )
                tally.add(len(part))
            ids = dict(
                conn.execute(
                    "SELECT origin_id, id FROM records WHERE origin = ?", (origin,)
                ).fetchall()
            )
            conn.executemany(
                "INSERT INTO record_imports (import_id, position, record_id, line, original_id) "
                "VALUES (?, ?, ?, ?, ?)",
                [(import_id, pos, ids[str(pos)], line, oid) for pos, line, oid, _r in entries],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO screening_queue (record_id, queued_at) VALUES (?, ?)",
                [(ids[str(pos)], stamp) for pos, *_ in entries],
            )
        tally.end()
        return import_id, sorted(ids.values())

    @staticmethod
    def _refuse_if_imported(conn, meta: dict) -> None:
        cursor = conn.execute("SELECT * FROM imports WHERE sha256 = ?", (meta["sha256"],))
        names = [c[0] for c in cursor.description]
        row = cursor.fetchone()
        if row is not None:
            previous = _imported(dict(zip(names, row, strict=True)))
            raise AlreadyImported(
                f"{meta['path']}: already imported on {previous.imported_at} (the same "
                f"file, as {previous.file_name}); nothing was added.",
                previous,
            )

    @staticmethod
    def _insert_import(conn, meta: dict, count: int, stamp: str) -> int:
        return conn.execute(
            "INSERT INTO imports (path, file_name, sha256, source, format, encoding, "
            "record_count, warnings, imported_at, imported_by, platform, searched_on, strategy, "
            "limits, coverage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                meta["path"],
                meta["file_name"],
                meta["sha256"],
                meta["source"],
                meta["format"],
                meta["encoding"],
                count,
                json.dumps(list(meta.get("warnings", ()))),
                stamp,
                meta.get("imported_by", "review"),
                meta.get("platform", ""),
                meta.get("searched_on"),
                meta.get("strategy", ""),
                meta.get("limits", ""),
                meta.get("coverage", ""),
            ),
        ).lastrowid

    def imports(self) -> list[ImportedFile]:
        return [_imported(row) for row in self.query("SELECT * FROM imports ORDER BY id")]

    def import_by_id(self, import_id: int) -> ImportedFile | None:
        rows = self.query("SELECT * FROM imports WHERE id = ?", (import_id,))
        return _imported(rows[0]) if rows else None

    def update_import_source(
        self, import_id: int, changes: dict, actor: str, expect: dict | None = None
    ) -> ImportedFile:
        """Change an imported file's search details (``SOURCE_FIELDS``), kept as an event with
        the values before and after; fields given with their current value are not events.
        ``expect``: the details as the editor was shown them; if they have changed since, the
        edit is refused (checked inside the write transaction)."""
        unknown = set(changes) - set(SOURCE_FIELDS)
        if unknown:
            raise ValueError(f"not a source field: {', '.join(sorted(unknown))}")
        with self.transaction() as conn:
            cursor = conn.execute("SELECT * FROM imports WHERE id = ?", (import_id,))
            names = [c[0] for c in cursor.description]
            row = cursor.fetchone()
            if row is None:
                raise ImportFileError(
                    f"no imported file has the id {import_id}; `review sources DB` lists them."
                )
            before = dict(zip(names, row, strict=True))
            if expect is not None and any(before[f] != v for f, v in expect.items()):
                raise TargetChanged(
                    f"Source {import_id} ({before['file_name']}): its details were changed by "
                    "someone else since your form was drawn. Nothing was saved; the form now "
                    "shows the current details, make your change again."
                )
            diff = {f: [before[f], v] for f, v in changes.items() if before[f] != v}
            if diff:
                sets = ", ".join(f"{f} = ?" for f in diff)
                conn.execute(
                    # the names come from SOURCE_FIELDS only, the values are parameters
                    f"UPDATE imports SET {sets} WHERE id = ?",
                    (*(v for _b, v in diff.values()), import_id),
                )
                _source_event(conn, import_id, now(), actor, "edited", diff)
        current = self.import_by_id(import_id)
        assert current is not None
        return current

    def import_source_events(self, import_id: int | None = None) -> list[SourceEvent]:
        """Every recording and edit of imported files' search details, oldest first."""
        sql = "SELECT * FROM import_source_events"
        params: tuple[int, ...] = ()
        if import_id is not None:
            sql, params = sql + " WHERE import_id = ?", (import_id,)
        return [
            SourceEvent(
                id=r["id"],
                import_id=r["import_id"],
                at=r["at"],
                actor=r["actor"],
                action=r["action"],
                changes={k: (b, a) for k, (b, a) in json.loads(r["detail"]).items()},
            )
            for r in self.query(sql + " ORDER BY id", params)
        ]

    def records_with_original_ids(self, ids: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
        """Original identifier (as its file gave it) -> (record id, the file's name) for every
        imported record that had it; the same identifier may come from several files."""
        found: dict[str, list[tuple[int, str]]] = {}
        unique = sorted(set(ids) - {""})
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            for row in self.query(
                "SELECT ri.original_id, ri.record_id, i.file_name FROM record_imports ri "
                "JOIN imports i ON i.id = ri.import_id "
                f"WHERE ri.original_id IN ({','.join('?' * len(chunk))}) ORDER BY ri.record_id",
                chunk,
            ):
                found.setdefault(row["original_id"], []).append(
                    (row["record_id"], row["file_name"])
                )
        return found

    def record_provenance(self) -> dict[int, dict[str, list[str]]]:
        """For every record: its sources (search names, import sources) and original ids."""
        found: dict[int, dict[str, list[str]]] = {}
        for row in self.query(
            "SELECT rs.record_id, s.name AS source, r.origin_id FROM record_sources rs "
            "JOIN search_runs sr ON sr.id = rs.run_id JOIN searches s ON s.id = sr.search_id "
            "JOIN records r ON r.id = rs.record_id ORDER BY rs.record_id, sr.id"
        ):
            entry = found.setdefault(row["record_id"], {"sources": [], "ids": []})
            _add(entry["sources"], f"PubMed: {row['source']}")
            _add(entry["ids"], f"PMID {row['origin_id']}")
        for row in self.query(
            "SELECT ri.record_id, i.source, i.file_name, ri.original_id FROM record_imports ri "
            "JOIN imports i ON i.id = ri.import_id ORDER BY ri.record_id, i.id"
        ):
            entry = found.setdefault(row["record_id"], {"sources": [], "ids": []})
            database = row["source"] or "database not recorded"
            _add(entry["sources"], f"{database}: {row['file_name']}")
            if row["original_id"]:
                _add(entry["ids"], row["original_id"])
        return found

    def record_found_by(self, record_id: int) -> tuple[str, ...]:
        """What found this record or any of its duplicates (``source_labels``), or "Other
        records (origin)" for a member neither a search nor an import brought (the demo's)."""
        members = [
            r["record_id"]
            for r in self.query(
                "SELECT record_id FROM duplicate_groups WHERE primary_id = "
                "(SELECT primary_id FROM duplicate_groups WHERE record_id = ?) ORDER BY record_id",
                (int(record_id),),
            )
        ] or [int(record_id)]
        labels = source_labels(self, members)
        found: list[str] = []
        for member in members:
            for label in labels.get(member, []):
                _add(found, label)
        others = [m for m in members if m not in labels]
        if others:
            for row in self.query(
                f"SELECT origin FROM records WHERE id IN ({','.join('?' * len(others))}) "
                "ORDER BY id",
                tuple(others),
            ):
                _add(found, f"Other records ({row['origin']})")
        return tuple(found)


def source_labels(store: BaseStore, ids: Sequence[int]) -> dict[int, list[str]]:
    """record id -> what brought it, named as ``record_provenance`` names them ("PubMed:
    NAME", "DATABASE: FILE"), searches first; a record neither brought is left out. For a
    few records (a page of a table, a duplicate group), never the whole review."""
    found: dict[int, list[str]] = {}
    if not ids:
        return found
    marks = ",".join("?" * len(ids))
    for row in store.query(
        "SELECT rs.record_id, s.name FROM record_sources rs "
        "JOIN search_runs sr ON sr.id = rs.run_id JOIN searches s ON s.id = sr.search_id "
        f"WHERE rs.record_id IN ({marks}) ORDER BY rs.record_id, sr.id",
        tuple(ids),
    ):
        _add(found.setdefault(row["record_id"], []), f"PubMed: {row['name']}")
    for row in store.query(
        "SELECT ri.record_id, i.source, i.file_name FROM record_imports ri "
        f"JOIN imports i ON i.id = ri.import_id WHERE ri.record_id IN ({marks}) "
        "ORDER BY ri.record_id, i.id",
        tuple(ids),
    ):
        database = row["source"] or "database not recorded"
        _add(found.setdefault(row["record_id"], []), f"{database}: {row['file_name']}")
    return found


def _imported(row: dict) -> ImportedFile:
    return ImportedFile(**(row | {"warnings": tuple(json.loads(row["warnings"]))}))


def _source_event(conn, import_id: int, at: str, actor: str, action: str, changes: dict) -> None:
    conn.execute(
        "INSERT INTO import_source_events (import_id, at, actor, action, detail) "
        "VALUES (?, ?, ?, ?, ?)",
        (import_id, at, actor, action, json.dumps(changes, sort_keys=True)),
    )


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)
