"""The Records page's table in SQL: which records a search text, a source and a duplicate status
select, counted and paged in the database, and for one page only their sources and duplicate
group, so that a review of 100,000 records is never read whole to show fifty of them."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from review.records import Author, authors_from_json
from review.store.base import BaseStore, _explain
from review.store.imports import source_labels
from review.store.records import _hits

# How a record stands among duplicates: "grouped" (in a group, primary or not), "duplicate" (a
# duplicate of another: not screened itself), "primary" (screened: no duplicate of another).
DUPLICATE_FILTERS = ("grouped", "duplicate", "primary")


@dataclass(frozen=True)
class RecordQuery:
    """What selects records in SQL. ``source``: "search:ID", "import:ID" or "origin:NAME"
    (records neither a search nor an import brought); "" for every source."""

    search: str = ""
    source: str = ""
    duplicates: str = ""  # one of DUPLICATE_FILTERS, or "" for all


@dataclass(frozen=True)
class RecordSource:
    """A source the table can be filtered on, with the label the page shows for it."""

    key: str
    label: str


@dataclass(frozen=True)
class RecordListing:
    """A record as one row of the table: no abstract, no raw text."""

    id: int
    title: str
    authors: tuple[Author, ...]
    journal: str
    year: int | None
    pmid: str
    doi: str
    group: int | None  # its duplicate group's primary (itself for the primary); None alone
    link_kind: str  # "duplicate" or "erratum" for a record that is not its group's primary
    sources: tuple[str, ...]  # "PubMed: NAME", "DATABASE: FILE", or the origin's name


def _source_label(origin: str) -> str:
    return "PubMed" if origin == "pubmed" else origin


class RecordTableMixin(BaseStore):
    def _table_sql(self, query: RecordQuery) -> tuple[str, str, dict]:
        """FROM ... WHERE ..., ORDER BY ..., and the parameters, for the records ``query``
        selects (newest first, or best match first for a search text)."""
        params: dict = {}
        if query.search.strip():
            hits, params = _hits(query.search)
            frm = f"FROM ({hits}) h JOIN records r ON r.id = h.id "
            order = "h.rank, r.id DESC"
        else:
            frm, order = "FROM records r ", "r.id DESC"
        frm += "LEFT JOIN duplicate_groups g ON g.record_id = r.id"
        where = []
        kind, _, value = query.source.partition(":")
        if kind == "search":
            where.append(
                "r.id IN (SELECT rs.record_id FROM record_sources rs JOIN search_runs sr "
                "ON sr.id = rs.run_id WHERE sr.search_id = :source)"
            )
            params["source"] = int(value)
        elif kind == "import":
            where.append("r.id IN (SELECT record_id FROM record_imports WHERE import_id = :source)")
            params["source"] = int(value)
        elif kind == "origin":
            where.append("r.origin = :source")
            params["source"] = value
        if query.duplicates == "grouped":
            where.append("g.record_id IS NOT NULL")
        elif query.duplicates == "duplicate":
            where.append("g.primary_id != r.id")
        elif query.duplicates == "primary":
            where.append("(g.record_id IS NULL OR g.primary_id = r.id)")
        if where:
            frm += " WHERE " + " AND ".join(where)
        return frm, order, params

    def count_table(self, query: RecordQuery) -> int:
        frm, _order, params = self._table_sql(query)
        return self.scalar(f"SELECT count(*) {frm}", params)

    def table_ids(
        self, query: RecordQuery, *, limit: int = -1, offset: int = 0
    ) -> list[tuple[int, int]]:
        """(record id, the group primary its decisions count for) of the records ``query``
        selects, in the table's order; ``limit`` -1 for all of them (ids only: a filter on
        decisions, which are folded outside SQL, reads them to pick a page)."""
        frm, order, params = self._table_sql(query)
        sql = (
            f"SELECT r.id, coalesce(g.primary_id, r.id) {frm} ORDER BY {order} "
            "LIMIT :limit OFFSET :offset"
        )
        try:  # tuples as SQLite gives them: a dict per row would double the cost of 100,000
            return (
                self._reader().execute(sql, {**params, "limit": limit, "offset": offset}).fetchall()
            )
        except sqlite3.Error as exc:
            raise _explain(self.path, exc) from exc

    def table_rows(self, ids: Sequence[int]) -> list[RecordListing]:
        """The rows of these records (a page: at most a few hundred ids), in the order given."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        sources = source_labels(self, ids)
        found = {
            r["id"]: r
            for r in self.query(
                "SELECT r.id, r.title, r.authors, r.journal, r.year, r.pmid, r.doi, r.origin, "
                "g.primary_id, g.kind FROM records r "
                f"LEFT JOIN duplicate_groups g ON g.record_id = r.id WHERE r.id IN ({marks})",
                tuple(ids),
            )
        }
        return [
            RecordListing(
                id=r["id"],
                title=r["title"],
                authors=authors_from_json(r["authors"]),
                journal=r["journal"],
                year=r["year"],
                pmid=r["pmid"] or "",
                doi=r["doi"] or "",
                group=r["primary_id"],
                link_kind=r["kind"] if r["primary_id"] not in (None, r["id"]) else "",
                sources=tuple(sources.get(r["id"], [])) or (_source_label(r["origin"]),),
            )
            for r in (found[i] for i in ids if i in found)
        ]

    def table_sources(self) -> list[RecordSource]:
        """Every source the table can be filtered on: saved searches, imported files, then the
        other origins of records (the demo's, say)."""
        found = [
            RecordSource(f"search:{r['id']}", f"PubMed: {r['name']}")
            for r in self.query("SELECT id, name FROM searches ORDER BY id")
        ]
        found += [
            RecordSource(
                f"import:{r['id']}", f"{r['source'] or 'database not recorded'}: {r['file_name']}"
            )
            for r in self.query("SELECT id, source, file_name FROM imports ORDER BY id")
        ]
        found += [
            RecordSource(f"origin:{r['origin']}", r["origin"])
            for r in self.query(
                "SELECT DISTINCT origin FROM records "
                "WHERE origin != 'pubmed' AND origin NOT LIKE 'import:%' ORDER BY origin"
            )
        ]
        return found
