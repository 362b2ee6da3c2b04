"""Records: stored once per (origin, identifier), linked to every run that found them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

import orjson

from review.records import (
    AbstractSection,
    Author,
    MeshHeading,
    PubDate,
    Record,
    RecordSummary,
    authors_from_json,
)
from review.store.base import BaseStore, now

_COLUMNS = (
    "origin, origin_id, kind, pmid, doi, pmcid, title, abstract, abstract_sections, authors, "
    "journal, journal_abbrev, year, volume, issue, pages, languages, publication_types, "
    "mesh_headings, keywords, dates, raw, raw_format, added_at"
)
_INSERT = (
    f"INSERT INTO records ({_COLUMNS}) VALUES ({', '.join('?' * len(_COLUMNS.split(',')))}) "
    "ON CONFLICT (origin, origin_id) DO NOTHING"
)


def _hits(text: str) -> tuple[str, dict[str, str]]:
    """SQL for the records a search text finds, each once with its best rank (bm25: lower is
    better), and its parameters. A PMID or DOI given whole ranks first. Both halves use an index
    (records_fts; records_pmid and records_doi)."""
    exact = "SELECT id, -1e300 AS rank FROM records WHERE pmid = :exact OR doi = :exact"
    match = fts_query(text)
    if not match:  # an empty MATCH is an FTS5 error
        return exact, {"exact": text.strip()}
    return (
        "SELECT id, min(rank) AS rank FROM ("
        "SELECT rowid AS id, rank FROM records_fts WHERE records_fts MATCH :match "
        f"UNION ALL {exact}) GROUP BY id",
        {"match": match, "exact": text.strip()},
    )


def fts_query(text: str) -> str:
    """A reviewer's search text as a safe FTS5 query: every word (a whitespace-separated piece,
    or a "quoted phrase") becomes a quoted phrase, so quotes, brackets, hyphens (COVID-19),
    colons and words such as NOT or NEAR are searched as text and never parsed as syntax. A word
    ending in * stays a prefix search (cryo*). All words must match. "" when nothing is left."""
    terms = []
    for phrase, word in re.findall(r'"([^"]*)"?|(\S+)', text):
        piece = phrase if phrase else word.replace('"', " ")
        prefix = not phrase and piece.endswith("*")
        piece = piece.rstrip("*") if prefix else piece
        if not re.search(r"\w", piece):
            continue  # punctuation alone: nothing the tokenizer would index
        terms.append('"' + piece.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms)


def _dump(items) -> str:
    # orjson writes dataclasses natively, several times faster than json + dataclasses.asdict:
    # this runs for seven fields of every stored record.
    return orjson.dumps(items).decode()


def record_row(record: Record, origin: str, origin_id: str) -> tuple:
    """The record as the values of one records row, less added_at (set when stored).

    Pure and picklable, so worker processes can prepare rows while the writer stores others.
    """
    return (
        origin,
        origin_id,
        record.kind,
        record.pmid or None,
        record.doi or None,
        record.pmcid or None,
        record.title,
        record.abstract,
        _dump(record.abstract_sections),
        _dump(record.authors),
        record.journal,
        record.journal_abbrev,
        record.year,
        record.volume,
        record.issue,
        record.pages,
        _dump(record.languages),
        _dump(record.publication_types),
        _dump(record.mesh_headings),
        _dump(record.keywords),
        _dump(record.dates),
        record.raw,
        record.raw_format,
    )


def record_from_row(row: dict) -> Record:
    """Rebuild the domain object from a stored row (the database edge: dicts stop here)."""
    return Record(
        kind=row["kind"],
        pmid=row["pmid"] or "",
        doi=row["doi"] or "",
        pmcid=row["pmcid"] or "",
        title=row["title"],
        abstract_sections=tuple(AbstractSection(**s) for s in json.loads(row["abstract_sections"])),
        authors=tuple(Author(**a) for a in json.loads(row["authors"])),
        journal=row["journal"],
        journal_abbrev=row["journal_abbrev"],
        year=row["year"],
        volume=row["volume"],
        issue=row["issue"],
        pages=row["pages"],
        languages=tuple(json.loads(row["languages"])),
        publication_types=tuple(json.loads(row["publication_types"])),
        mesh_headings=tuple(
            MeshHeading(**{**m, "qualifiers": tuple(m["qualifiers"])})
            for m in json.loads(row["mesh_headings"])
        ),
        keywords=tuple(json.loads(row["keywords"])),
        dates=tuple(PubDate(**d) for d in json.loads(row["dates"])),
        raw=row["raw"],
        raw_format=row["raw_format"],
    )


class RecordsMixin(BaseStore):
    def store_pubmed_batch(
        self, run_id: int, records: Sequence[Record], deleted: Iterable[str] = ()
    ) -> int:
        """Store one efetch page for a run, atomically. Returns how many records were new.

        A record already in the review (same PMID) is not touched, only linked to this run, so a
        re-run or an overlapping page never duplicates a row or rewrites what was received first.
        """
        rows = [record_row(r, "pubmed", r.pmid) for r in records if r.kind != "deleted" and r.pmid]
        return self.store_pubmed_rows(run_id, rows, deleted)

    def store_pubmed_rows(
        self, run_id: int, rows: Sequence[tuple], deleted: Iterable[str] = ()
    ) -> int:
        """store_pubmed_batch for rows already made by record_row."""
        stamp = now()
        by_id = {row[1]: (*row, stamp) for row in rows}
        with self.transaction() as conn:
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS batch (pmid TEXT PRIMARY KEY, is_new INTEGER)"
            )
            conn.execute("DELETE FROM temp.batch")
            conn.executemany("INSERT INTO temp.batch (pmid) VALUES (?)", [(p,) for p in by_id])
            conn.execute(
                "UPDATE temp.batch SET is_new = NOT EXISTS (SELECT 1 FROM records r "
                "WHERE r.origin = 'pubmed' AND r.origin_id = temp.batch.pmid)"
            )
            fresh = [p for (p,) in conn.execute("SELECT pmid FROM temp.batch WHERE is_new")]
            conn.executemany(_INSERT, [by_id[p] for p in fresh])
            conn.execute(
                "INSERT OR IGNORE INTO record_sources (record_id, run_id, new, linked_at) "
                "SELECT r.id, ?, b.is_new, ? FROM temp.batch b "
                "JOIN records r ON r.origin = 'pubmed' AND r.origin_id = b.pmid",
                (run_id, stamp),
            )
            conn.execute(
                "INSERT OR IGNORE INTO screening_queue (record_id, queued_at, run_id) "
                "SELECT r.id, ?, ? FROM temp.batch b "
                "JOIN records r ON r.origin = 'pubmed' AND r.origin_id = b.pmid WHERE b.is_new",
                (stamp, run_id),
            )
            conn.execute(
                "UPDATE search_hits SET status = 'stored' WHERE run_id = ? "
                "AND pmid IN (SELECT pmid FROM temp.batch)",
                (run_id,),
            )
            conn.executemany(
                "UPDATE search_hits SET status = 'deleted' WHERE run_id = ? AND pmid = ?",
                [(run_id, p) for p in deleted],
            )
        return len(fresh)

    def add_records(self, origin: str, records: Sequence[tuple[str, Record]]) -> int:
        """Store records keyed by their identifier at their origin, atomically; queue the new ones.

        Used for records that no search run brought (the bundled demo review, for now).
        """
        stamp = now()
        with self.transaction() as conn:
            before = conn.total_changes
            conn.executemany(_INSERT, [(*record_row(r, origin, key), stamp) for key, r in records])
            added = conn.total_changes - before
            conn.execute(
                "INSERT OR IGNORE INTO screening_queue (record_id, queued_at) "
                "SELECT id, ? FROM records WHERE origin = ? AND added_at = ?",
                (stamp, origin, stamp),
            )
        return added

    def link_stored_hits(self, run_id: int) -> int:
        """Link records the review already had to a run that found them again."""
        stamp = now()
        with self.transaction() as conn:
            linked = conn.execute(
                "INSERT OR IGNORE INTO record_sources (record_id, run_id, new, linked_at) "
                "SELECT r.id, h.run_id, 0, ? FROM search_hits h "
                "JOIN records r ON r.origin = 'pubmed' AND r.origin_id = h.pmid "
                "WHERE h.run_id = ?",
                (stamp, run_id),
            ).rowcount
            conn.execute(
                "UPDATE search_hits SET status = 'stored' WHERE run_id = ? AND status = 'pending' "
                "AND pmid IN (SELECT origin_id FROM records WHERE origin = 'pubmed')",
                (run_id,),
            )
        return linked

    def record(self, record_id: int) -> Record | None:
        rows = self.query("SELECT * FROM records WHERE id = ?", (record_id,))
        return record_from_row(rows[0]) if rows else None

    def records_by_id(self, ids: Sequence[int]) -> dict[int, Record]:
        """Many records at once (for ranking a whole review), without their raw text."""
        found: dict[int, Record] = {}
        ids = list(ids)
        for start in range(0, len(ids), 900):  # under SQLite's bound-parameter limit
            chunk = ids[start : start + 900]
            rows = self.query(
                f"SELECT * FROM records WHERE id IN ({','.join('?' * len(chunk))})", tuple(chunk)
            )
            for row in rows:
                row["raw"] = ""
                found[row["id"]] = record_from_row(row)
        return found

    def record_by_pmid(self, pmid: str) -> Record | None:
        rows = self.query(
            "SELECT * FROM records WHERE origin = 'pubmed' AND origin_id = ?", (str(pmid),)
        )
        return record_from_row(rows[0]) if rows else None

    # -- records named by another tool's file (decisions imports), many at once ---------------

    def records_with_pmids(self, pmids: Iterable[str]) -> dict[str, list[int]]:
        """PMID -> the ids of the records that have it (a record and its duplicates may share
        one), for the PMIDs found; by the records_pmid index, 500 at a time."""
        found: dict[str, list[int]] = {}
        unique = sorted(set(pmids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            for row in self.query(
                f"SELECT id, pmid FROM records WHERE pmid IN ({','.join('?' * len(chunk))}) "
                "ORDER BY id",
                chunk,
            ):
                found.setdefault(row["pmid"], []).append(row["id"])
        return found

    def records_with_dois(self, dois: Iterable[str]) -> dict[str, list[int]]:
        """DOI (lower case) -> the ids of the records that have it, compared without case as DOIs
        are (10.1016/S0140-... is 10.1016/s0140-...). One pass over the records_doi index, which
        holds every DOI with its record id: cheaper than a lower() lookup per DOI."""
        wanted = {d.lower() for d in dois}
        found: dict[str, list[int]] = {}
        if not wanted:
            return found
        for row in self.query("SELECT id, doi FROM records WHERE doi IS NOT NULL ORDER BY id"):
            doi = row["doi"].lower()
            if doi in wanted:
                found.setdefault(doi, []).append(row["id"])
        return found

    def record_titles(self, ids: Iterable[int]) -> dict[int, str]:
        """Record id -> title, for the ids that are records (500 at a time)."""
        found: dict[int, str] = {}
        unique = sorted(set(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                (r["id"], r["title"])
                for r in self.query(f"SELECT id, title FROM records WHERE id IN ({marks})", chunk)
            )
        return found

    def count_records(self) -> int:
        return self.scalar("SELECT count(*) FROM records")

    def all_pmids(self) -> list[str]:
        return [
            r["origin_id"]
            for r in self.query("SELECT origin_id FROM records WHERE origin = 'pubmed' ORDER BY id")
        ]

    def search_records(self, text: str, *, limit: int = 50, offset: int = 0) -> list[int]:
        """Ids of the records a reviewer's search text finds, best first: a PMID or DOI given
        whole, then the full-text matches (title, abstract, authors, keywords, MeSH) by bm25."""
        return [r["id"] for r in self._ranked(text, "h.id", limit, offset)]

    def bm25_scores(self, match: str, weights: Sequence[float]) -> dict[int, float]:
        """Record id -> BM25 relevance (higher is better) of every record that ``match``, an FTS5
        expression built by the caller (review.prioritise.question), finds. ``weights``: one per
        records_fts column (title, abstract, authors, keywords, MeSH). The index is kept by
        triggers, so this is one indexed query: ~60 ms for 10,000 records."""
        if not match:
            return {}
        rows = self.query(
            "SELECT rowid AS id, bm25(records_fts, ?, ?, ?, ?, ?) AS score FROM records_fts "
            "WHERE records_fts MATCH ?",
            (*weights, match),
        )
        return {r["id"]: -r["score"] for r in rows}  # FTS5's bm25 is lower for better

    def record_rows(
        self, *, search: str = "", limit: int = 50, offset: int = 0
    ) -> list[RecordSummary]:
        """A page of records for listing: newest first, or, given a search text, the records it
        finds, best first (search_records)."""
        columns = "r.id, r.pmid, r.doi, r.title, r.journal, r.year, r.authors, r.added_at"
        if search.strip():
            rows = self._ranked(search, columns, limit, offset)
        else:
            rows = self.query(
                f"SELECT {columns} FROM records r ORDER BY r.id DESC LIMIT ? OFFSET ?",
                (limit, offset),
            )
        return [
            RecordSummary(
                id=r["id"],
                title=r["title"],
                pmid=r["pmid"] or "",
                doi=r["doi"] or "",
                journal=r["journal"],
                year=r["year"],
                authors=authors_from_json(r["authors"]),
                added_at=r["added_at"],
            )
            for r in rows
        ]

    def count_matching(self, search: str = "") -> int:
        if not search.strip():
            return self.count_records()
        sql, params = _hits(search)
        return self.scalar(f"SELECT count(*) FROM ({sql})", params)

    def _ranked(self, text: str, columns: str, limit: int, offset: int) -> list[dict]:
        sql, params = _hits(text)
        return self.query(
            f"SELECT {columns} FROM ({sql}) h JOIN records r ON r.id = h.id "
            "ORDER BY h.rank, h.id DESC LIMIT :limit OFFSET :offset",
            {**params, "limit": limit, "offset": offset},
        )

    def queued_for_screening(self) -> int:
        return self.scalar("SELECT count(*) FROM screening_queue")
