"""The rows an export writes: every record (or those a filter keeps) with its provenance, its
duplicate group and its screening at each stage.

Each row carries ``record_id`` and ``duplicate_of`` (empty for a primary record), so the export
says exactly what deduplication did and another tool can redo or check it; ``duplicate_group``
is the primary's id for every member (a record without duplicates is its own group), and
``link_kind`` (the last column) says how a member joins it: "duplicate", or "erratum" for a
correction notice linked to the article it corrects (kept as a record, screened with it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from review.exports.decisions import StageDecision, check_filters, stage_decisions
from review.records import Author, Record
from review.screening.model import STAGES, Reviewer

if TYPE_CHECKING:
    from review.store import Store

STAGE_FIELDS = ("decision", "reason", "note", "votes", "resolved_by")
COLUMNS = (
    "record_id",
    "duplicate_of",
    "sources",
    "original_ids",
    "pmid",
    "doi",
    "pmcid",
    "title",
    "authors",
    "journal",
    "journal_abbrev",
    "year",
    "volume",
    "issue",
    "pages",
    "abstract",
    "keywords",
    "mesh_headings",
    "publication_types",
    "languages",
    "duplicate_group",
    *(f"{stage}_{field}" for stage in STAGES for field in STAGE_FIELDS),
    "link_kind",
)
# Written as numbers in a workbook; everything else is text (a volume "3A", a PMID, pages).
NUMBER_COLUMNS = ("record_id", "duplicate_of", "year", "duplicate_group")


@dataclass(frozen=True)
class ExportRow:
    record_id: int
    duplicate_of: int | None
    sources: tuple[str, ...]
    original_ids: tuple[str, ...]
    record: Record
    stages: tuple[StageDecision, ...] = ()  # one per stage, in STAGES order
    link_kind: str = ""  # how it joins duplicate_of: "duplicate" or "erratum"; "" for a primary

    @property
    def group(self) -> int:
        """The duplicate group's primary: the record the group is screened as."""
        return self.record_id if self.duplicate_of is None else self.duplicate_of

    def stage(self, stage: str) -> StageDecision:
        return next((s for s in self.stages if s.stage == stage), StageDecision(stage))

    def values(self) -> dict[str, str]:
        r = self.record
        values = {
            "record_id": str(self.record_id),
            "duplicate_of": "" if self.duplicate_of is None else str(self.duplicate_of),
            "sources": "; ".join(self.sources),
            "original_ids": "; ".join(self.original_ids),
            "pmid": r.pmid,
            "doi": r.doi,
            "pmcid": r.pmcid,
            "title": r.title,
            "authors": "; ".join(author_name(a) for a in r.authors),
            "journal": r.journal,
            "journal_abbrev": r.journal_abbrev,
            "year": "" if r.year is None else str(r.year),
            "volume": r.volume,
            "issue": r.issue,
            "pages": r.pages,
            "abstract": r.abstract,
            "keywords": "; ".join(r.keywords),
            "mesh_headings": "; ".join(m.descriptor for m in r.mesh_headings),
            "publication_types": "; ".join(r.publication_types),
            "languages": "; ".join(r.languages),
            "duplicate_group": str(self.group),
        }
        for stage in STAGES:
            s = self.stage(stage)
            values[f"{stage}_decision"] = s.decision
            values[f"{stage}_reason"] = "; ".join(s.reasons)
            values[f"{stage}_note"] = "; ".join(s.notes)
            values[f"{stage}_votes"] = s.votes_text()
            values[f"{stage}_resolved_by"] = s.resolved_by()
        values["link_kind"] = self.link_kind
        return values


def author_name(author: Author) -> str:
    """The name as "Last, Fore" (or the initials, or a group's name): how RIS and reference
    managers list an author."""
    if author.collective:
        return author.collective
    return f"{author.last_name}, {author.fore_name or author.initials}".strip(", ")


def export_rows(
    store: Store,
    viewer: Reviewer | None = None,
    *,
    stage: str | None = None,
    decision: str | None = None,
    primary_only: bool = False,
) -> Iterator[ExportRow]:
    """The records an export holds, in id order; a group's primary with its gaps filled from its
    duplicates. ``stage`` keeps the records on that stage's list, ``decision`` those whose
    group has that decision there (``undecided``: votes still missing), ``primary_only`` drops
    the duplicates. ``viewer`` decides what of the screening is shown (None: everything)."""
    check_filters(stage, decision)
    # the matcher's libraries load when records are exported, not whenever the cell-escaping
    # helpers of this package are imported (the extraction columns use them)
    from review.dedupe.run import fill_gaps

    screened = stage_decisions(store, viewer)
    provenance = store.record_provenance()
    duplicate_of = store.duplicate_of()
    link_kinds = store.link_kinds()
    records = store.records_for_matching()
    members: dict[int, list[Record]] = {}
    by_id = dict(records)
    for member, primary in duplicate_of.items():
        if link_kinds.get(member) == "duplicate":  # an erratum does not fill its article's gaps
            members.setdefault(primary, []).append(by_id[member])
    for record_id, record in records:
        primary_of = duplicate_of.get(record_id)
        if primary_only and primary_of is not None:
            continue
        group = record_id if primary_of is None else primary_of
        stages = tuple(screened[s].get(group, StageDecision(s)) for s in STAGES)
        if stage is not None:
            at = next(s for s in stages if s.stage == stage)
            if not at.decision or (decision is not None and at.decision != decision):
                continue
        if record_id in members:
            record = fill_gaps(record, members[record_id])
        found = provenance.get(record_id, {"sources": [], "ids": []})
        yield ExportRow(
            record_id,
            primary_of,
            tuple(found["sources"]),
            tuple(found["ids"]),
            record,
            stages,
            link_kinds.get(record_id, ""),
        )
