"""Deduplicating a review: find pairs, merge the sure ones, queue the rest for a reviewer.

The first run compares every record with every other (through blocking); later runs compare only
the records added since (from an update or an import) with the whole review. Matching itself is
pure (match.py); this module only moves records and decisions between it and the store.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from review.dedupe.match import find_matches
from review.progress import Progress
from review.records import Record
from review.store.base import now

if TYPE_CHECKING:
    from review.store import Store


@dataclass(frozen=True)
class DedupeResult:
    records: int  # records in the review
    compared: str  # "all" or "N new"
    merged: int  # pairs merged automatically by this run
    possible: int  # pairs newly waiting for a reviewer
    pending: int  # all pairs waiting for a reviewer
    removed: int  # records that are duplicates of another (not primaries), after this run
    seconds: float


def dedupe(
    store: Store,
    *,
    actor: str = "review",
    everything: bool = False,
    progress: Progress | None = None,
) -> DedupeResult:
    """Check the records added since the last run (every record with ``everything``) against
    the whole review. ``progress`` is told each step: loading and preparing, blocking, candidate
    pairs, scoring, storing (see review.progress)."""
    started = time.perf_counter()
    last = None if everything else store.last_dedupe_run()
    top = store.max_record_id()
    nothing_new = last is not None and top <= last.max_record_id
    count = store.count_records()
    # the records added since the last run (ids only ever grow); a range, not a list of them
    new = None if last is None else range(last.max_record_id + 1, top + 1)
    matches = []
    if not nothing_new:  # nothing new: skip reading the whole review
        records = store.stream_records_for_matching()
        matches = find_matches(records, new=new, progress=progress, total=count)
    merged, possible = store.save_matches(matches, actor, progress=progress)
    seconds = time.perf_counter() - started
    store.add_dedupe_run(
        at=now(),
        actor=actor,
        records=count,
        compared_from=None if last is None else last.max_record_id,
        max_record_id=top,
        merged=merged,
        possible=possible,
        seconds=round(seconds, 3),
    )
    summary = store.duplicate_summary()
    return DedupeResult(
        records=count,
        compared="all" if new is None else f"{len(new)} new",
        merged=merged,
        possible=possible,
        pending=summary.get("pending", 0),
        removed=summary["removed"],
        seconds=seconds,
    )


_FILLABLE = (
    "pmid",
    "doi",
    "pmcid",
    "journal",
    "journal_abbrev",
    "year",
    "volume",
    "issue",
    "pages",
)
_FILLABLE_SEQUENCES = (
    "abstract_sections",
    "authors",
    "languages",
    "publication_types",
    "mesh_headings",
    "keywords",
)


def fill_gaps(primary: Record, others: list[Record]) -> Record:
    """The group's record as shown and exported: the primary, its empty fields filled from the
    other members in turn. The stored records themselves are never changed."""
    changes = {}
    for name in _FILLABLE + _FILLABLE_SEQUENCES:
        if getattr(primary, name):
            continue
        for other in others:
            value = getattr(other, name)
            if value:
                changes[name] = value
                break
    if len(primary.authors) < max((len(o.authors) for o in others), default=0):
        # a truncated author list ("et al.") gives way to the longest complete one
        changes["authors"] = max((o.authors for o in others), key=len)
    return replace(primary, **changes) if changes else primary
