"""Settings and screening decisions (events, appended, never changed); accounts: accounts.py."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence

from review.screening.model import DecisionEvent, FullTextVersion
from review.store.base import BaseStore, now

_EVENT_KEY = ("record_id", "reviewer", "stage", "kind", "decision", "reason", "note")


class ScreeningMixin(BaseStore):
    # -- settings -------------------------------------------------------------------------------

    def settings_values(self) -> dict:
        return {r["key"]: json.loads(r["value"]) for r in self.query("SELECT * FROM settings")}

    def set_settings(self, values: dict, by: str) -> None:
        stamp = now()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO settings (key, value, changed_at, changed_by) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "changed_at = excluded.changed_at, changed_by = excluded.changed_by",
                [(k, json.dumps(v), stamp, by) for k, v in values.items()],
            )
            conn.execute(
                "INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, 'settings', ?)",
                (stamp, by, json.dumps(values, sort_keys=True)),
            )

    # -- decisions ------------------------------------------------------------------------------

    def add_decisions(self, rows: Sequence[dict]) -> int:
        """Append decision events in one transaction (all of a CSV import, or one click)."""
        stamp = now()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO decisions (record_id, reviewer, stage, kind, decision, reason, note, "
                "at, source) VALUES (:record_id, :reviewer, :stage, :kind, :decision, :reason, "
                ":note, :at, :source)",
                [
                    {"kind": "screening", "reason": "", "note": "", "source": "app", "at": stamp}
                    | row
                    for row in rows
                ],
            )
        return len(rows)

    def add_new_decisions(self, rows: Sequence[dict]) -> tuple[int, int]:
        """Append the events not already stored; returns (added, skipped).

        An event matches a stored one with the same record, reviewer, stage, kind, decision,
        reason and note, one for one. The check runs inside the write transaction, so two
        imports of one file racing each other add it once: the second waits, then finds all.
        """
        stamp = now()
        full = [
            {"kind": "screening", "reason": "", "note": "", "source": "app", "at": stamp} | row
            for row in rows
        ]
        ids = sorted({row["record_id"] for row in full})
        with self.transaction() as conn:
            stored: Counter = Counter()
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                stored.update(
                    conn.execute(
                        "SELECT record_id, reviewer, stage, kind, decision, reason, note "
                        f"FROM decisions WHERE record_id IN ({','.join('?' * len(chunk))})",
                        chunk,
                    ).fetchall()
                )
            new = []
            for row in full:
                key = tuple(row[k] for k in _EVENT_KEY)
                if stored[key] > 0:
                    stored[key] -= 1
                else:
                    new.append(row)
            conn.executemany(
                "INSERT INTO decisions (record_id, reviewer, stage, kind, decision, reason, note, "
                "at, source) VALUES (:record_id, :reviewer, :stage, :kind, :decision, :reason, "
                ":note, :at, :source)",
                new,
            )
        return len(new), len(full) - len(new)

    def decision_rows(self, stage: str | None = None, *, after_id: int = 0) -> list[DecisionEvent]:
        """Decision events (of a stage, after an event id), oldest first, each with the record's
        group primary as ``unit``."""
        sql = (
            "SELECT d.*, coalesce(g.primary_id, d.record_id) AS unit FROM decisions d "
            "LEFT JOIN duplicate_groups g ON g.record_id = d.record_id WHERE d.id > ?"
        )
        params: tuple = (after_id,)
        if stage:
            sql += " AND d.stage = ?"
            params += (stage,)
        return [DecisionEvent(**row) for row in self.query(sql + " ORDER BY d.id", params)]

    def groups_signature(self) -> str:
        """Changes whenever the duplicate groups do (cached screening state depends on them), and
        differs between two databases made one after the other at the same path. Read from the
        running tally (migration 013): one row, however many groups."""
        row = self.query(
            "SELECT n, s, (SELECT applied_at FROM schema_migrations WHERE version = 1) AS made "
            "FROM tallies WHERE name = 'duplicate_groups'"
        )[0]
        return f"{row['made']}|{row['n']}:{row['s']}"

    def screening_units(self) -> list[int]:
        """Records to screen, in the order they arrived: duplicates count once, as their primary."""
        return [
            r["record_id"]
            for r in self.query(
                "SELECT q.record_id FROM screening_queue q "
                "LEFT JOIN duplicate_groups g ON g.record_id = q.record_id "
                "WHERE g.record_id IS NULL OR g.primary_id = q.record_id "
                "ORDER BY q.queued_at, q.record_id"
            )
        ]

    def queue_signature(self) -> tuple[int, int]:
        """The queue's size and newest record: from the running tally and the primary key, so
        asked on every page view it reads two rows, not the queue."""
        row = self.query(
            "SELECT n, (SELECT coalesce(max(record_id), 0) FROM screening_queue) AS top "
            "FROM tallies WHERE name = 'screening_queue'"
        )[0]
        return row["n"], row["top"]

    def existing_record_ids(self, ids: Sequence[int]) -> set[int]:
        found: set[int] = set()
        unique = sorted(set(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r["id"] for r in self.query(f"SELECT id FROM records WHERE id IN ({marks})", chunk)
            )
        return found

    # -- full texts -----------------------------------------------------------------------------

    def add_full_text_version(
        self, record_id: int, file_name: str, content: bytes, by: str
    ) -> tuple[int, bool]:
        """Keep ``content`` as the record's next version: (version, False), or (the latest
        version, True) when the latest holds the same bytes already. Nothing is replaced."""
        digest = hashlib.sha256(content).hexdigest()
        with self.transaction() as conn:
            latest = conn.execute(
                "SELECT version, sha256 FROM full_text_versions WHERE record_id = ? "
                "ORDER BY version DESC LIMIT 1",
                (record_id,),
            ).fetchone()
            if latest is not None and latest[1] == digest:
                return latest[0], True
            version = 1 if latest is None else latest[0] + 1
            conn.execute(
                "INSERT INTO full_text_versions (record_id, version, file_name, content, size, "
                "sha256, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record_id, version, file_name, content, len(content), digest, by, now()),
            )
            return version, False

    def full_text_versions(self, record_id: int) -> list[FullTextVersion]:
        """The record's kept versions, newest first, without their bytes."""
        rows = self.query(
            "SELECT record_id, version, file_name, size, sha256, uploaded_by, uploaded_at "
            "FROM full_text_versions WHERE record_id = ? ORDER BY version DESC",
            (record_id,),
        )
        return [FullTextVersion(**row) for row in rows]

    def full_text_content(self, record_id: int, version: int) -> bytes | None:
        return self.scalar(
            "SELECT content FROM full_text_versions WHERE record_id = ? AND version = ?",
            (record_id, version),
        )
