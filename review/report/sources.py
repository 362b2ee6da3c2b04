"""The literature search as it was run (PRISMA-S): each source with its database, platform,
coverage, dates searched, strategy, limits and records found, read from the store.

The dates are the searches' own: a PubMed run's date, or the date a lead recorded for an
imported file. An import date is never one of them; unknown is "not recorded".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from review.imports.sources import list_sources
from review.report.model import RunLine, SearchedSource, Table

if TYPE_CHECKING:
    from review.store import Store

NOT_RECORDED = "not recorded"


def searched_sources(store: Store) -> tuple[SearchedSource, ...]:
    """Every saved PubMed search, with each of its runs, then every imported file."""
    runs = store.runs()
    out = []
    for source in list_sources(store):
        mine = [r for r in runs if r.search_id == source.id] if source.kind == "pubmed" else []
        translated = [r.query_translation for r in mine if r.query_translation]
        out.append(
            SearchedSource(
                name=source.name,
                kind=source.kind,
                database=source.database,
                platform=source.platform,
                coverage=source.coverage,
                searched=source.searched,
                records=source.records,
                strategy=tuple(source.strategy.splitlines()),
                limits=source.limits,
                translation=translated[-1] if translated else "",
                runs=tuple(
                    RunLine(
                        kind=_run_kind(n, r.kind),
                        date=(r.finished_at or r.started_at)[:10],
                        status=r.status,
                        new_records=r.new_records,
                        total=r.ncbi_count,
                        warnings=(*r.warnings, *r.errors),
                    )
                    for n, r in enumerate(mine)
                ),
            )
        )
    return tuple(out)


def _run_kind(n: int, kind: str) -> str:
    if n == 0:
        return "First search"
    return "Update" if kind == "update" else "Search run again"


def sources_table(sources: tuple[SearchedSource, ...]) -> Table:
    """The Literature search section's table: one row per source."""
    return Table(
        ("Source", "Database", "Platform", "Dates of coverage", "Date searched", "Records found"),
        tuple(
            (
                s.name,
                s.database or NOT_RECORDED,
                s.platform or NOT_RECORDED,
                s.coverage or NOT_RECORDED,
                ", ".join(s.searched) or NOT_RECORDED,
                f"{s.records:,}",
            )
            for s in sources
        ),
        "Sources searched",
    )
