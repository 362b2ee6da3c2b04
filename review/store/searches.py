"""Saved searches, their runs, the date slices and the hits each run still owes."""

from __future__ import annotations

import json
from collections.abc import Sequence

from review.errors import SearchError
from review.pubmed.model import SavedSearch, SearchRun, Slice
from review.store.base import BaseStore, from_row, now
from review.summary import ReviewSummary

_JSON_FIELDS = ("params", "warnings", "errors")
_RUNS = (
    "SELECT r.*, s.name AS search_name, s.query AS query FROM search_runs r "
    "JOIN searches s ON s.id = r.search_id"
)


def _search(row: dict) -> SavedSearch:
    return from_row(SavedSearch, row)


def _run(row: dict) -> SearchRun:
    return from_row(
        SearchRun,
        row,
        params=json.loads(row["params"]),
        warnings=tuple(json.loads(row["warnings"])),
        errors=tuple(json.loads(row["errors"])),
    )


def _slice(row: dict) -> Slice:
    return from_row(Slice, row)


class SearchesMixin(BaseStore):
    # -- saved searches -----------------------------------------------------------------------

    def save_search(
        self, name: str, query: str, *, mindate=None, maxdate=None, datetype=None
    ) -> int:
        """Save a search under its name; the same name must keep the same query and limits."""
        rows = self.query("SELECT * FROM searches WHERE name = ?", (name,))
        if rows:
            old = rows[0]
            if (old["query"], old["mindate"], old["maxdate"], old["datetype"]) != (
                query,
                mindate,
                maxdate,
                datetype,
            ):
                raise SearchError(
                    f"A search named '{name}' already exists with a different query or dates "
                    f"({old['query']!r}). Give this one another --name, or re-run it unchanged."
                )
            return old["id"]
        return self.write(
            "INSERT INTO searches (name, database, query, mindate, maxdate, datetype, created_at) "
            "VALUES (?, 'pubmed', ?, ?, ?, ?, ?)",
            (name, query, mindate, maxdate, datetype, now()),
        )

    def searches(self) -> list[SavedSearch]:
        return [_search(r) for r in self.query("SELECT * FROM searches ORDER BY id")]

    # -- runs -----------------------------------------------------------------------------------

    def start_run(self, search_id: int, kind: str, params: dict) -> int:
        return self.write(
            "INSERT INTO search_runs (search_id, kind, status, phase, started_at, params) "
            "VALUES (?, ?, 'running', 'searching', ?, ?)",
            (search_id, kind, now(), json.dumps(params, sort_keys=True)),
        )

    def unfinished_run(self, search_id: int, kind: str) -> SearchRun | None:
        """The run an interruption left behind, if any: resuming it avoids re-downloading."""
        rows = self.query(
            f"{_RUNS} WHERE r.search_id = ? AND r.kind = ? "
            "AND r.status IN ('running', 'interrupted') "
            "ORDER BY r.id DESC LIMIT 1",
            (search_id, kind),
        )
        return _run(rows[0]) if rows else None

    def last_successful_run(self, search_id: int) -> SearchRun | None:
        rows = self.query(
            f"{_RUNS} WHERE r.search_id = ? AND r.status = 'complete' ORDER BY r.id DESC LIMIT 1",
            (search_id,),
        )
        return _run(rows[0]) if rows else None

    def run(self, run_id: int) -> SearchRun:
        return _run(self.query(f"{_RUNS} WHERE r.id = ?", (run_id,))[0])

    def runs(self, search_id: int | None = None) -> list[SearchRun]:
        sql = _RUNS
        params: tuple = ()
        if search_id is not None:
            sql += " WHERE r.search_id = ?"
            params = (search_id,)
        return [_run(r) for r in self.query(sql + " ORDER BY r.id", params)]

    def update_run(self, run_id: int, **fields) -> None:
        if not fields:
            return
        for key in _JSON_FIELDS:
            if key in fields:
                fields[key] = json.dumps(fields[key], sort_keys=True)
        assignments = ", ".join(f"{k} = ?" for k in fields)
        self.write(f"UPDATE search_runs SET {assignments} WHERE id = ?", (*fields.values(), run_id))

    def finish_run(self, run_id: int, status: str, **fields) -> None:
        self.update_run(run_id, status=status, phase="done", finished_at=now(), **fields)

    # -- slices and hits ----------------------------------------------------------------------

    def save_slice(
        self,
        run_id: int,
        edat_from: str | None,
        edat_to: str | None,
        count: int,
        pmids: Sequence[str],
        webenv: str | None = None,
        query_key: str | None = None,
    ) -> int:
        """Store one slice and its PMIDs together, so a resumed run sees whole slices only."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO search_slices (run_id, edat_from, edat_to, count, webenv, "
                "query_key, searched_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (run_id, edat_from, edat_to) DO UPDATE SET count = excluded.count, "
                "webenv = excluded.webenv, query_key = excluded.query_key, "
                "searched_at = excluded.searched_at",
                (run_id, edat_from, edat_to, count, webenv, query_key, now()),
            )
            slice_id = conn.execute(
                "SELECT id FROM search_slices WHERE run_id = ? AND edat_from IS ? AND edat_to IS ?",
                (run_id, edat_from, edat_to),
            ).fetchone()[0]
            start = conn.execute(
                "SELECT coalesce(max(position), -1) + 1 FROM search_hits WHERE run_id = ?",
                (run_id,),
            ).fetchone()[0]
            conn.executemany(
                "INSERT OR IGNORE INTO search_hits (run_id, pmid, slice_id, position) "
                "VALUES (?, ?, ?, ?)",
                [(run_id, p, slice_id, start + i) for i, p in enumerate(pmids)],
            )
        return slice_id

    def slices(self, run_id: int) -> list[Slice]:
        rows = self.query("SELECT * FROM search_slices WHERE run_id = ? ORDER BY id", (run_id,))
        return [_slice(r) for r in rows]

    def pending_hits(self, run_id: int, slice_id: int | None = None) -> list[str]:
        """PMIDs the run found but has not stored yet, in the order esearch gave them."""
        sql = "SELECT pmid FROM search_hits WHERE run_id = ? AND status = 'pending'"
        params: tuple = (run_id,)
        if slice_id is not None:
            sql += " AND slice_id = ?"
            params += (slice_id,)
        return [r["pmid"] for r in self.query(sql + " ORDER BY position", params)]

    def hit_counts(self, run_id: int) -> dict[str, int]:
        rows = self.query(
            "SELECT status, count(*) AS n FROM search_hits WHERE run_id = ? GROUP BY status",
            (run_id,),
        )
        return {r["status"]: r["n"] for r in rows}

    def run_totals(self, run_id: int) -> dict[str, int]:
        """New and already-present records of a run, from its links (the source of truth)."""
        row = self.query(
            "SELECT count(*) AS linked, coalesce(sum(new), 0) AS new FROM record_sources "
            "WHERE run_id = ?",
            (run_id,),
        )[0]
        return {"linked": row["linked"], "new": row["new"], "present": row["linked"] - row["new"]}

    def review_summary(self) -> ReviewSummary:
        """Counts for `review status` and the Overview page."""
        return ReviewSummary(
            records=self.scalar("SELECT count(*) FROM records"),
            # What there is to screen: a duplicate group is screened once, as its primary.
            queued_for_screening=self.scalar(
                "SELECT count(*) FROM screening_queue q "
                "LEFT JOIN duplicate_groups g ON g.record_id = q.record_id "
                "WHERE g.record_id IS NULL OR g.primary_id = q.record_id"
            ),
            searches=self.scalar("SELECT count(*) FROM searches"),
            search_runs=self.scalar("SELECT count(*) FROM search_runs"),
            runs_by_status={
                r["status"]: r["n"]
                for r in self.query(
                    "SELECT status, count(*) AS n FROM search_runs GROUP BY status ORDER BY 1"
                )
            },
            schema=tuple(self.schema_versions()),
        )
