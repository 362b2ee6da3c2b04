"""The Records page's table and a record opened from it: every record with its decision at each
stage, conflicts, sources and duplicate group, filtered on all of them and on full-text search.

Decisions are shown as the viewer may see them (``stage_view``): under dual screening a reviewer
who is not a lead gets their own decision, or a lead's resolution, and never a conflict, so
nothing in the table, its counts or its filters depends on another reviewer's vote. A decision
counts for a record's duplicate group, so each member shows its group's.

Search, source and duplicate status select in SQL (``RecordQuery``), counted and paged there;
only a filter on decisions, which are folded from events outside SQL, reads the selected ids
(not the records) to pick the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from review.records import Record, author_list
from review.screening.decisions import TO_FULL_TEXT, settings, stage_view
from review.screening.model import STAGE_LABELS, STAGES, Decision, Reviewer
from review.screening.state import current_queue
from review.store.record_table import (
    DUPLICATE_FILTERS,
    RecordListing,
    RecordQuery,
    RecordSource,
)

if TYPE_CHECKING:
    from review.store import Store

# A stage's filter: a decision as shown, or "undecided" (on the stage's list, no decision yet).
DECISION_FILTERS = ("include", "exclude", "maybe", "conflict", "undecided")

__all__ = [
    "DECISION_FILTERS",
    "DUPLICATE_FILTERS",
    "RecordDetail",
    "RecordFilters",
    "RecordRow",
    "RecordSource",
    "RecordTable",
    "record_detail",
    "record_table",
    "table_sources",
]


@dataclass(frozen=True)
class RecordFilters:
    search: str = ""  # full-text search (title, abstract, authors, keywords, MeSH), PMID or DOI
    source: str = ""  # a RecordSource key, or "" for all
    duplicates: str = ""  # one of DUPLICATE_FILTERS, or "" for all
    title_abstract: str = ""  # one of DECISION_FILTERS, or "" for all
    full_text: str = ""
    conflict: bool = False  # only records with a conflict at a stage (never for a blinded viewer)

    def query(self) -> RecordQuery:
        return RecordQuery(self.search, self.source, self.duplicates)


@dataclass(frozen=True)
class RecordRow:
    """One row as the table shows it: text everywhere, "" where there is nothing."""

    id: int
    title: str
    authors: str
    journal: str
    year: str
    pmid: str
    doi: str
    title_abstract: str  # include, exclude, maybe, conflict; "" undecided or not on the list
    full_text: str
    conflict: str  # the stages in conflict ("title/abstract", "full text"), or ""
    sources: str  # "PubMed: NAME; Embase: FILE"
    duplicate_group: str  # the group's primary record ("" for a record in no group)
    link_kind: str  # "duplicate" or "erratum" for a member that is not the primary


@dataclass(frozen=True)
class RecordTable:
    rows: tuple[RecordRow, ...]
    total: int  # records the filters select, over every page
    blinded: bool  # the viewer sees only their own decisions and leads' resolutions


class _Decisions:
    """Each stage's decisions as one viewer sees them. A page's rows ask for fifty records; only
    a filter folds the whole stage, and then visits decided records only, so a review of
    100,000 records with few decisions costs little."""

    def __init__(self, store: Store, viewer: Reviewer | None):
        dual = settings(store).dual
        self.views = {stage: stage_view(store, viewer, stage, dual) for stage in STAGES}
        self.blinded = any(v.blinded for v in self.views.values())
        self.queued = current_queue(store).position  # the title/abstract list, by record
        self._finals: dict[str, dict[int, str]] = {}

    def listed(self, unit: int, stage: str) -> bool:
        """On the stage's list: queued, and at full text going on from title/abstract."""
        if stage == "title_abstract":
            return unit in self.queued
        return self.shown(unit, "title_abstract") in TO_FULL_TEXT

    def shown(self, unit: int, stage: str) -> str:
        if not self.listed(unit, stage):
            return ""
        return self.views[stage].final(unit) or ""

    def finals(self, stage: str) -> dict[int, str]:
        """Every decided record of the stage's list and its decision as shown."""
        if stage not in self._finals:
            finals = self.views[stage].finals()
            self._finals[stage] = {u: f for u, f in finals.items() if self.listed(u, stage)}
        return self._finals[stage]

    def selected(self, stage: str, wanted: str) -> set[int]:
        """The records (group primaries) a stage's filter keeps."""
        finals = self.finals(stage)
        if wanted != "undecided":
            return {u for u, f in finals.items() if f == wanted}
        if stage == "title_abstract":
            return self.queued.keys() - finals.keys()
        listed = {u for u, f in self.finals("title_abstract").items() if f in TO_FULL_TEXT}
        return listed - finals.keys()

    def conflicts(self, unit: int) -> str:
        return ", ".join(
            STAGE_LABELS[stage].replace("-", " ")
            for stage in STAGES
            if self.shown(unit, stage) == "conflict"
        )


def record_table(
    store: Store, viewer: Reviewer | None, filters: RecordFilters, *, limit: int = 50,
    offset: int = 0,
) -> RecordTable:  # fmt: skip
    """A page of the records ``filters`` select, newest first (best match first for a search),
    as ``viewer`` may see them (``None``: the review as a whole)."""
    decisions = _Decisions(store, viewer)
    query = filters.query()
    by_decision = filters.title_abstract or filters.full_text or filters.conflict
    if not by_decision:
        total = store.count_table(query)
        page = store.table_ids(query, limit=limit, offset=offset)
    else:
        keep: set[int] | None = None
        for stage, wanted in (("title_abstract", filters.title_abstract),
                              ("full_text", filters.full_text)):  # fmt: skip
            if wanted:
                units = decisions.selected(stage, wanted)
                keep = units if keep is None else keep & units
        if filters.conflict:
            units = decisions.selected("title_abstract", "conflict") | decisions.selected(
                "full_text", "conflict"
            )
            keep = units if keep is None else keep & units
        assert keep is not None
        chosen = [(record_id, unit) for record_id, unit in store.table_ids(query) if unit in keep]
        total, page = len(chosen), chosen[offset : offset + limit]
    unit_of = dict(page)
    rows = [
        _row(r, unit_of[r.id], decisions)
        for r in store.table_rows([record_id for record_id, _ in page])
    ]
    return RecordTable(tuple(rows), total, decisions.blinded)


def _row(r: RecordListing, unit: int, decisions: _Decisions) -> RecordRow:
    return RecordRow(
        id=r.id,
        title=r.title,
        authors=author_list(r.authors),
        journal=r.journal,
        year=str(r.year) if r.year else "",
        pmid=r.pmid,
        doi=r.doi,
        title_abstract=decisions.shown(unit, "title_abstract"),
        full_text=decisions.shown(unit, "full_text"),
        conflict=decisions.conflicts(unit),
        sources="; ".join(r.sources),
        duplicate_group="" if r.group is None else str(r.group),
        link_kind=r.link_kind,
    )


def table_sources(store: Store) -> list[RecordSource]:
    return store.table_sources()


@dataclass(frozen=True)
class StageDecisions:
    """A record's screening at one stage as the viewer may see it."""

    stage: str
    listed: bool  # on the stage's list (full text: going on from title/abstract)
    shown: str  # as the table shows it
    votes: tuple[Decision, ...]  # standing votes the viewer may see (their own, if blinded)
    resolution: Decision | None  # a lead's resolution


@dataclass(frozen=True)
class RecordDetail:
    id: int
    record: Record
    row: RecordRow
    group: tuple[tuple[int, str], ...]  # (id, title) of its duplicate group's other records
    stages: tuple[StageDecisions, ...]


def record_detail(store: Store, viewer: Reviewer | None, record_id: int) -> RecordDetail | None:
    """A record opened from the table: the record itself, its row, its duplicate group and
    each stage's votes as ``viewer`` may see them; None when there is no such record."""
    record = store.record(record_id)
    if record is None:
        return None
    decisions = _Decisions(store, viewer)
    unit = store.primary_of(record_id)
    row = _row(store.table_rows([record_id])[0], unit, decisions)
    members = [m for m in store.group_members(record_id) if m != record_id]
    titles = store.record_titles(members)
    stages = []
    for stage in STAGES:
        state = decisions.views[stage].state
        stages.append(
            StageDecisions(
                stage=stage,
                listed=decisions.listed(unit, stage),
                shown=decisions.shown(unit, stage),
                votes=tuple(sorted(state.mine.get(unit, {}).values(), key=lambda d: d.reviewer)),
                resolution=state.resolved.get(unit),
            )
        )
    return RecordDetail(
        record_id, record, row, tuple((m, titles.get(m, "")) for m in members), tuple(stages)
    )
