"""Studies, the records that report them, and their extracted findings.

The tables hold the current extraction; ``extraction_events`` keeps every change (who, when, the
new state), so an edit never loses what was there before.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields

from review.extraction.model import (
    AppendixEntry,
    EfficacyFinding,
    ExtractionDraft,
    ExtractionEvent,
    SafetyFinding,
    Study,
    StudyDetails,
    StudyLink,
)
from review.store.base import BaseStore, now

EFFICACY_COLUMNS = (
    "outcome", "measure", "timepoint", "position", "analysed", "value", "spread_kind", "spread",
    "n", "total", "p_value", "note",
)  # fmt: skip
SAFETY_COLUMNS = ("event", "timepoint", "position", "n", "total", "unit", "severity", "note")
STUDY_FIELDS = ("label", "role", "position", "details", "appendix")


def _study(row: dict) -> Study:
    """A study as its own row has it; records and findings are joined by ``list_studies``.
    Details keep only the fields StudyDetails knows, so a key a later version dropped is no
    error."""
    details = json.loads(row["details"])
    known = {f.name for f in fields(StudyDetails)}
    return Study(
        id=row["id"],
        label=row["label"],
        role=row["role"],
        position=row["position"],
        details=StudyDetails(**{k: v for k, v in details.items() if k in known}),
        appendix=AppendixEntry(**json.loads(row["appendix"])),
    )


def _efficacy(row: dict) -> tuple[int, EfficacyFinding]:
    return row["study_id"], EfficacyFinding(
        **{f.name: row[f.name] for f in fields(EfficacyFinding)}
    )


def _safety(row: dict) -> tuple[int, SafetyFinding]:
    return row["study_id"], SafetyFinding(**{f.name: row[f.name] for f in fields(SafetyFinding)})


class ExtractionMixin(BaseStore):
    # -- reading --------------------------------------------------------------------------------

    def study_rows(self) -> list[Study]:
        """Every study, by id, with its label, role, order, details and appendix entry only:
        its records and findings are empty here (``list_studies`` joins them)."""
        return [_study(r) for r in self.query("SELECT * FROM studies ORDER BY id")]

    def study_row(self, study_id: int) -> Study | None:
        """One study as ``study_rows`` gives it (no records or findings), or None."""
        rows = self.query("SELECT * FROM studies WHERE id = ?", (study_id,))
        return _study(rows[0]) if rows else None

    def study_record_rows(self) -> list[StudyLink]:
        """Which record reports which study: by study, its main record first."""
        return [
            StudyLink(study_id=r["study_id"], record_id=r["record_id"], main=bool(r["main"]))
            for r in self.query(
                "SELECT * FROM study_records ORDER BY study_id, main DESC, record_id"
            )
        ]

    def efficacy_rows(self, study_id: int | None = None) -> list[tuple[int, EfficacyFinding]]:
        """(study id, finding) of every efficacy result (or one study's), in each study's order."""
        where, args = ("WHERE study_id = ?", (study_id,)) if study_id is not None else ("", ())
        rows = self.query(
            f"SELECT * FROM efficacy_findings {where} ORDER BY study_id, position, id", args
        )
        return [_efficacy(r) for r in rows]

    def safety_rows(self, study_id: int | None = None) -> list[tuple[int, SafetyFinding]]:
        """(study id, finding) of every safety result (or one study's), in each study's order."""
        where, args = ("WHERE study_id = ?", (study_id,)) if study_id is not None else ("", ())
        rows = self.query(
            f"SELECT * FROM safety_findings {where} ORDER BY study_id, position, id", args
        )
        return [_safety(r) for r in rows]

    def extraction_event_rows(self, study_id: int | None = None) -> list[ExtractionEvent]:
        """The history of every study (or one), oldest first."""
        where, args = ("WHERE study_id = ?", (study_id,)) if study_id is not None else ("", ())
        rows = self.query(f"SELECT * FROM extraction_events {where} ORDER BY id", args)
        return [ExtractionEvent(**(r | {"detail": json.loads(r["detail"])})) for r in rows]

    def extraction_draft(self, reviewer: str, study_id: int) -> ExtractionDraft | None:
        rows = self.query(
            "SELECT * FROM extraction_drafts WHERE reviewer = ? AND study_id = ?",
            (reviewer, study_id),
        )
        if not rows:
            return None
        row = rows[0]
        return ExtractionDraft(reviewer, study_id, json.loads(row["content"]), row["updated_at"])

    # -- writing --------------------------------------------------------------------------------

    def keep_extraction_draft(self, reviewer: str, study_id: int, part: str, value) -> None:
        """Set one part of the reviewer's draft of a study (None removes the part; a draft left
        empty goes). One statement each, so two tabs of one reviewer never lose each other's
        other parts."""
        path = f"$.{json.dumps(part)}"
        with self.transaction() as conn:
            if value is None:
                conn.execute(
                    "UPDATE extraction_drafts SET content = json_remove(content, ?), "
                    "updated_at = ? WHERE reviewer = ? AND study_id = ?",
                    (path, now(), reviewer, study_id),
                )
            else:
                conn.execute(
                    "INSERT INTO extraction_drafts (reviewer, study_id, content, updated_at) "
                    "VALUES (?, ?, json_object(?, json(?)), ?) ON CONFLICT (reviewer, study_id) "
                    "DO UPDATE SET content = json_set(content, ?, json(?)), "
                    "updated_at = excluded.updated_at",
                    (reviewer, study_id, part, json.dumps(value, default=str), now(), path,
                     json.dumps(value, default=str)),
                )  # fmt: skip
            conn.execute(
                "DELETE FROM extraction_drafts WHERE reviewer = ? AND study_id = ? "
                "AND content = '{}'",
                (reviewer, study_id),
            )

    def discard_extraction_draft(self, reviewer: str, study_id: int) -> None:
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM extraction_drafts WHERE reviewer = ? AND study_id = ?",
                (reviewer, study_id),
            )

    def create_studies(self, studies: Sequence[dict], by: str, source: str = "app") -> list[int]:
        """Create studies, each ``{"label", "record_ids", "main"}``; their records leave any study
        they were in. One transaction for the lot."""
        stamp = now()
        ids = []
        with self.transaction() as conn:
            for study in studies:
                cursor = conn.execute(
                    "INSERT INTO studies (label, created_at, created_by, updated_at, updated_by) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (study["label"], stamp, by, stamp, by),
                )
                study_id = int(cursor.lastrowid or 0)  # an INSERT always sets it
                ids.append(study_id)
                self._move_records(conn, study_id, study["record_ids"], study.get("main"))
                self._event(conn, stamp, by, study_id, "create", study, source)
        return ids

    def move_records(
        self, study_id: int, record_ids: Sequence[int], by: str, *, main: int | None = None
    ) -> list[int]:
        """Make the records report ``study_id``; returns the studies this left without records,
        which are deleted (the caller checks first that they hold no findings)."""
        stamp = now()
        with self.transaction() as conn:
            before = {
                r[0]
                for r in conn.execute(
                    f"SELECT DISTINCT study_id FROM study_records WHERE record_id IN "
                    f"({','.join('?' * len(record_ids))})",
                    tuple(record_ids),
                )
            }
            self._move_records(conn, study_id, record_ids, main)
            emptied = [
                s
                for s in sorted(before - {study_id})
                if not conn.execute(
                    "SELECT 1 FROM study_records WHERE study_id = ?", (s,)
                ).fetchone()
            ]
            for s in emptied:
                conn.execute("DELETE FROM studies WHERE id = ?", (s,))
                self._event(conn, stamp, by, s, "delete", {"merged_into": study_id}, "app")
            detail = {"record_ids": list(record_ids), "main": main}
            self._event(conn, stamp, by, study_id, "link", detail, "app")
        return emptied

    def _move_records(self, conn, study_id: int, record_ids: Sequence[int], main: int | None):
        conn.executemany(
            "INSERT INTO study_records (record_id, study_id, main) VALUES (?, ?, 0) "
            "ON CONFLICT (record_id) DO UPDATE SET study_id = excluded.study_id, main = 0",
            [(r, study_id) for r in record_ids],
        )
        if main is not None:
            conn.execute("UPDATE study_records SET main = (record_id = ?) WHERE study_id = ?",
                         (main, study_id))  # fmt: skip
        elif not conn.execute(
            "SELECT 1 FROM study_records WHERE study_id = ? AND main = 1", (study_id,)
        ).fetchone():
            conn.execute(
                "UPDATE study_records SET main = 1 WHERE record_id = (SELECT MIN(record_id) "
                "FROM study_records WHERE study_id = ?)",
                (study_id,),
            )

    def save_extraction(self, changes: Sequence[dict], by: str, source: str = "app") -> None:
        """Apply changes to studies in one transaction. Each change has ``study_id`` and any of:
        ``fields`` (label, role, position, details, appendix), ``efficacy`` and ``safety`` (the
        study's complete new list of findings, replacing the old)."""
        stamp = now()
        with self.transaction() as conn:
            for change in changes:
                study_id = change["study_id"]
                fields = change.get("fields") or {}
                unknown = set(fields) - set(STUDY_FIELDS)
                if unknown:
                    raise ValueError(f"not study fields: {sorted(unknown)}")
                if fields:
                    values = {
                        k: json.dumps(v, sort_keys=True) if k in ("details", "appendix") else v
                        for k, v in fields.items()
                    }
                    assignments = ", ".join(f"{k} = :{k}" for k in values)
                    conn.execute(
                        f"UPDATE studies SET {assignments}, updated_at = :at, updated_by = :by "
                        "WHERE id = :id",
                        {**values, "at": stamp, "by": by, "id": study_id},
                    )
                for table, columns, key in (
                    ("efficacy_findings", EFFICACY_COLUMNS, "efficacy"),
                    ("safety_findings", SAFETY_COLUMNS, "safety"),
                ):
                    if key not in change:
                        continue
                    conn.execute(f"DELETE FROM {table} WHERE study_id = ?", (study_id,))
                    conn.executemany(
                        f"INSERT INTO {table} (study_id, {', '.join(columns)}) VALUES "
                        f"(:study_id, {', '.join(':' + c for c in columns)})",
                        [{**{c: row.get(c) for c in columns}, "study_id": study_id}
                         for row in change[key]],
                    )  # fmt: skip
                self._event(conn, stamp, by, study_id, "save", change, source)

    def _event(self, conn, stamp, by, study_id, action, detail, source) -> None:
        conn.execute(
            "INSERT INTO extraction_events (at, actor, study_id, action, detail, source) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (stamp, by, study_id, action, json.dumps(detail, sort_keys=True, default=str), source),
        )
