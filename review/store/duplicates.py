"""Duplicate pairs, their decisions as events, and the groups they make.

A duplicate is marked, never deleted: every record stays with its source and original text, and
``duplicate_groups`` says which record of a group stands for it. The groups are derived from the
pairs' current status, so undoing a merge is changing one pair and deriving again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from review.dedupe.model import DedupeRun
from review.errors import ReviewError, TargetChanged
from review.progress import Progress, Tally
from review.records import Record
from review.store.base import BaseStore, from_row, now
from review.store.records import record_from_row

MERGING = ("merged", "confirmed")
_MATCH_COLUMNS = (
    "id, kind, pmid, doi, pmcid, title, abstract_sections, authors, journal, journal_abbrev, "
    "year, volume, issue, pages, languages, publication_types, mesh_headings, keywords, dates, "
    "'' AS raw, raw_format"
)


@dataclass(frozen=True)
class DuplicatePair:
    """Two records the matcher found alike, and what became of them (pending, merged by the
    matcher, confirmed or rejected by a lead, undone)."""

    a: int
    b: int
    score: float
    verdict: str  # duplicate or possible, as the matcher saw it
    reasons: tuple[str, ...]
    status: str
    found_at: str
    decided_by: str | None
    decided_at: str | None
    kind: str = "duplicate"  # or "erratum": a correction notice linked to its article
    notice: int | None = None  # the erratum's record id


class DuplicatesMixin(BaseStore):
    def records_for_matching(self, ids: Iterable[int] | None = None) -> list[tuple[int, Record]]:
        """(id, Record) of every record (or of ``ids``), without the bulky original text."""
        sql = f"SELECT {_MATCH_COLUMNS} FROM records"
        if ids is None:
            rows = self.query(sql + " ORDER BY id")
        else:
            wanted = sorted(set(ids))
            rows = []
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows += self.query(f"{sql} WHERE id IN ({marks}) ORDER BY id", chunk)
        return [(r["id"], record_from_row(r)) for r in rows]

    def stream_records_for_matching(self) -> Iterator[tuple[int, Record]]:
        """(id, Record) of every record in id order, read a batch at a time: a dedupe of a
        million records prepares each as it arrives instead of holding them all first."""
        for row in self.stream(f"SELECT {_MATCH_COLUMNS} FROM records ORDER BY id"):
            yield row["id"], record_from_row(row)

    def max_record_id(self) -> int:
        return self.scalar("SELECT coalesce(max(id), 0) FROM records")

    def last_dedupe_run(self) -> DedupeRun | None:
        rows = self.query("SELECT * FROM dedupe_runs ORDER BY id DESC LIMIT 1")
        if not rows:
            return None
        return from_row(DedupeRun, rows[0])

    def add_dedupe_run(self, **fields) -> None:
        names = ", ".join(fields)
        marks = ", ".join("?" * len(fields))
        self.write(f"INSERT INTO dedupe_runs ({names}) VALUES ({marks})", tuple(fields.values()))

    def save_matches(
        self, matches: Sequence, actor: str, *, progress: Progress | None = None
    ) -> tuple[int, int]:
        """Record new pairs (a decided pair is never re-opened); merge the sure ones at once.

        Returns (pairs merged automatically, pairs waiting for a reviewer). ``progress`` is told
        the step "Storing duplicate pairs", ended once the groups are derived and committed.
        """
        stamp = now()
        merged = possible = 0
        tally = Tally(progress, "Storing duplicate pairs", len(matches), every=500)
        with self.transaction() as conn:
            for m in matches:
                tally.add()
                status = "merged" if m.verdict == "duplicate" else "pending"
                inserted = conn.execute(
                    "INSERT OR IGNORE INTO duplicate_pairs (a, b, score, verdict, reasons, status, "
                    "found_at, decided_by, decided_at, kind, notice) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        m.a,
                        m.b,
                        m.score,
                        m.verdict,
                        json.dumps(list(m.reasons)),
                        status,
                        stamp,
                        actor if status == "merged" else None,
                        stamp if status == "merged" else None,
                        getattr(m, "kind", "duplicate"),
                        getattr(m, "notice", None),
                    ),
                ).rowcount
                if not inserted:
                    continue
                merged += status == "merged"
                possible += status == "pending"
                conn.execute(
                    "INSERT INTO duplicate_events (at, actor, action, a, b, detail) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        stamp,
                        actor,
                        "merged" if status == "merged" else "found",
                        m.a,
                        m.b,
                        json.dumps(
                            {
                                "score": round(m.score, 4),
                                "reasons": list(m.reasons),
                                "kind": getattr(m, "kind", "duplicate"),
                            }
                        ),
                    ),
                )
            self._derive_groups(conn)
        tally.end()
        return merged, possible

    def decide_pair(
        self, a: int, b: int, action: str, actor: str, note: str = "", *, expect: str | None = None
    ) -> None:
        """A reviewer's decision on a pair: confirm (merge), reject (keep apart) or undo a merge.

        ``expect`` is the pair's status as the decider saw it (a page drawn a while ago): if it is
        now another, someone decided the pair meanwhile and TargetChanged is raised, nothing
        written; checked inside the write transaction, so two deciders cannot both pass."""
        a, b = sorted((int(a), int(b)))
        status = {"confirm": "confirmed", "reject": "rejected", "undo": "undone"}.get(action)
        if status is None:
            raise ReviewError(f"Unknown decision {action!r}: use confirm, reject or undo.")
        stamp = now()
        with self.transaction() as conn:
            rows = conn.execute(
                "SELECT status, decided_by FROM duplicate_pairs WHERE a = ? AND b = ?", (a, b)
            ).fetchall()
            if not rows:
                raise ReviewError(
                    f"Records {a} and {b} are not a pair that deduplication found; "
                    "list the pairs with: review duplicates DB --all"
                )
            was, by = rows[0][0], rows[0][1]
            if expect is not None and was != expect:
                raise TargetChanged(
                    f"Records {a} and {b} are no longer {expect}: {by or 'someone'} made them "
                    f"{was} since you looked. Nothing was changed; look at the pair again."
                )
            if action == "undo" and was not in MERGING:
                raise ReviewError(f"Records {a} and {b} are not merged ({was}).")
            conn.execute(
                "UPDATE duplicate_pairs SET status = ?, decided_by = ?, decided_at = ? "
                "WHERE a = ? AND b = ?",
                (status, actor, stamp, a, b),
            )
            conn.execute(
                "INSERT INTO duplicate_events (at, actor, action, a, b, detail) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (stamp, actor, status, a, b, json.dumps({"note": note, "was": was})),
            )
            self._derive_groups(conn)

    def _derive_groups(self, conn) -> None:
        """Rebuild duplicate_groups from the merging pairs (union-find), inside the caller's
        transaction. The primary is the most complete record: an abstract, a PMID, a DOI, then
        the most filled fields, then the oldest id; never an erratum linked to its article, whose
        member row says kind 'erratum'."""
        parent: dict[int, int] = {}
        notices: set[int] = set()

        def find(x: int) -> int:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        marks = ",".join("?" * len(MERGING))
        for a, b, notice in conn.execute(
            f"SELECT a, b, notice FROM duplicate_pairs WHERE status IN ({marks})", MERGING
        ):
            parent[find(a)] = find(b)
            if notice is not None:
                notices.add(notice)
        groups: dict[int, list[int]] = {}
        for x in parent:
            groups.setdefault(find(x), []).append(x)
        conn.execute("DELETE FROM duplicate_groups")
        if not groups:
            return
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS members (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.members")
        conn.executemany("INSERT INTO temp.members VALUES (?)", [(x,) for x in parent])
        completeness = {
            row[0]: row[1:]
            for row in conn.execute(
                "SELECT id, abstract != '', pmid IS NOT NULL, doi IS NOT NULL, "
                "(title != '') + (authors != '[]') + (journal != '') + (year IS NOT NULL) "
                "+ (volume != '') + (issue != '') + (pages != '') + (keywords != '[]'), -id "
                "FROM records WHERE id IN (SELECT id FROM temp.members)"
            )
        }
        rows: list[tuple[int, int, str]] = []
        for members in groups.values():
            primary = max(
                members,
                key=lambda x: (x not in notices, *completeness.get(x, (0, 0, 0, 0, -x))),
            )
            rows.extend((x, primary, "erratum" if x in notices else "duplicate") for x in members)
        conn.executemany(
            "INSERT INTO duplicate_groups (record_id, primary_id, kind) VALUES (?, ?, ?)", rows
        )

    def pairs(self, status: str | None = None) -> list[DuplicatePair]:
        sql = "SELECT * FROM duplicate_pairs"
        params: tuple = ()
        if status:
            sql += " WHERE status = ?"
            params = (status,)
        rows = self.query(sql + " ORDER BY score DESC, a, b", params)
        return [
            DuplicatePair(**(row | {"reasons": tuple(json.loads(row["reasons"]))})) for row in rows
        ]

    def duplicate_of(self) -> dict[int, int]:
        """record id -> its group's primary, for every record that is not a primary itself."""
        return {
            r["record_id"]: r["primary_id"]
            for r in self.query(
                "SELECT record_id, primary_id FROM duplicate_groups WHERE record_id != primary_id"
            )
        }

    def primary_of(self, record_id: int) -> int:
        """The record's group primary (itself when it is one or has no group): one key's
        look-up, for a question about one record on every click."""
        rows = self.query(
            "SELECT primary_id FROM duplicate_groups WHERE record_id = ?", (int(record_id),)
        )
        return rows[0]["primary_id"] if rows else int(record_id)

    def link_kinds(self) -> dict[int, str]:
        """record id -> how it joins its group's primary ("duplicate" or "erratum"), for every
        record that is not a primary itself."""
        return {
            r["record_id"]: r["kind"]
            for r in self.query(
                "SELECT record_id, kind FROM duplicate_groups WHERE record_id != primary_id"
            )
        }

    def group_members(self, record_id: int) -> list[int]:
        rows = self.query(
            "SELECT record_id FROM duplicate_groups WHERE primary_id = "
            "(SELECT primary_id FROM duplicate_groups WHERE record_id = ?) ORDER BY record_id",
            (record_id,),
        )
        return [r["record_id"] for r in rows] or [record_id]

    def duplicate_summary(self) -> dict[str, int]:
        counts = {
            r["status"]: r["n"]
            for r in self.query("SELECT status, count(*) AS n FROM duplicate_pairs GROUP BY 1")
        }
        counts["removed"] = self.scalar(
            "SELECT count(*) FROM duplicate_groups WHERE record_id != primary_id"
        )
        return counts
