"""The PRISMA 2020 numbers of a review: how many records were found, screened, excluded and
included, and how many studies they make.

Every number comes from provenance (the store) and from the screening library's folded decisions,
never from decision rules written again here, so the counts say what the screening pages say.
The diagram (``review.report.prisma``), the Overview and ``review prisma --json`` all read
``review_counts``, so they cannot disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from review.errors import ReviewError
from review.extraction.studies import included_records, list_studies
from review.records import FlowSource
from review.screening.decisions import settings, stage_units
from review.screening.model import DECISIONS
from review.screening.state import StageState, current_state

if TYPE_CHECKING:
    from review.store import Store

NOT_RETRIEVED = "Full text not available"  # the full-text reason meaning "sought, not retrieved"
NO_REASON = "No reason given"


@dataclass(frozen=True)
class Flow:
    """Identification and screening of one set of records: the whole review, or an update's."""

    sources: tuple[tuple[str, int], ...]  # (source, records it found), duplicates included
    records_identified: int
    duplicates_removed: int  # identified minus the records screened as units
    # left unscreened when screening stopped on the stopping test (review.prioritise.certificate):
    # PRISMA 2020's "records marked as ineligible by automation tools", removed before screening
    removed_by_automation: int
    records_screened: int  # title/abstract decided: include, exclude or maybe
    records_excluded: int
    awaiting_screening: int  # title/abstract undecided (and not stopped), or a conflict
    reports_sought: int  # title/abstract include or maybe
    reports_not_retrieved: int  # full text excluded as NOT_RETRIEVED
    reports_assessed: int  # full text included, or excluded for another reason
    reports_excluded: tuple[tuple[str, int], ...]  # (reason, n), most frequent first
    awaiting_full_text: int  # full text undecided, "maybe", or a conflict
    reports_included: int


@dataclass(frozen=True)
class PrismaCounts(Flow):
    """The whole review's flow (the inherited fields) and its studies; when an update run added
    records, the previous version's share and ``new``, the flow of the records since."""

    studies_included: int
    updated: bool
    previous_studies: int
    previous_reports: int
    new_studies: int
    new_reports: int
    new: Flow | None


def prisma_counts(
    store, *, studies_included: int | None = None, previous_studies: int | None = None
) -> PrismaCounts:
    """Count the flow of a review. Studies default to one per included report (a study may be
    reported by several records: pass the numbers once studies are linked).

    A report (a duplicate group, screened once) belongs to the previous version when any of its
    records came before the first record an update run added: a new duplicate of an included
    report does not make it a new study, it is a duplicate removed from the update's records.
    """
    dual = settings(store).dual
    units = stage_units(store, "title_abstract", dual)
    to_full_text = set(stage_units(store, "full_text", dual))
    first, full = current_state(store, "title_abstract"), current_state(store, "full_text")
    from review.prioritise.certificate import left_by_stopping

    stopped = left_by_stopping(store)
    whole = _flow(store.flow_sources(), units, to_full_text, first, full, dual, stopped)
    included = {u for u in to_full_text if full.final(u, dual) == "include"}

    boundary, new = store.first_update_record(), None
    previous: set[int] = set()
    if boundary is not None:
        earliest = store.group_first_records()
        previous = {u for u in units if earliest.get(u, u) < boundary}
        fresh = [u for u in units if u not in previous]
        new = _flow(store.flow_sources(boundary), fresh, to_full_text, first, full, dual, stopped)

    reports, previous_reports = whole.reports_included, len(included & previous)
    studies = reports if studies_included is None else studies_included
    if not 0 <= studies <= reports:
        raise ReviewError(
            f"{studies} included studies cannot come from {reports} included reports: "
            "every study has at least one report. Check the studies linked to records."
        )
    before = previous_reports if previous_studies is None else previous_studies
    if new is None:
        before = 0
    new_reports = reports - previous_reports
    if not (0 <= before <= previous_reports and 0 <= studies - before <= new_reports):
        raise ReviewError(
            f"{before} studies from the previous version and {studies} in all do not fit "
            f"{previous_reports} previous and {new_reports} new included reports. "
            "Pass previous_studies, the studies included before the update."
        )
    return PrismaCounts(
        **vars(whole),
        studies_included=studies,
        updated=new is not None,
        previous_studies=before,
        previous_reports=previous_reports,
        new_studies=studies - before,
        new_reports=new_reports,
        new=new,
    )


def _flow(
    rows: list[FlowSource],
    units,
    to_full_text,
    first: StageState,
    full: StageState,
    dual,
    stopped: set[int],
) -> Flow:
    sources = tuple((source.label, source.n) for source in rows)
    identified = sum(n for _, n in sources)
    finals = Counter(first.final(u, dual) for u in units)
    screened = sum(finals[d] for d in DECISIONS)
    automation = sum(1 for u in units if u in stopped)
    sought = [u for u in units if u in to_full_text]
    reasons: Counter[str] = Counter()
    not_retrieved = included = 0
    for unit in sought:
        decision = full.final(unit, dual)
        if decision == "include":
            included += 1
        elif decision == "exclude":
            reason = _reason(full, unit)
            if reason.casefold() == NOT_RETRIEVED.casefold():
                not_retrieved += 1
            else:
                reasons[reason] += 1
    assessed = included + sum(reasons.values())
    return Flow(
        sources=sources,
        records_identified=identified,
        duplicates_removed=identified - len(units),
        removed_by_automation=automation,
        records_screened=screened,
        records_excluded=finals["exclude"],
        awaiting_screening=len(units) - screened - automation,
        reports_sought=len(sought),
        reports_not_retrieved=not_retrieved,
        reports_assessed=assessed,
        reports_excluded=tuple(sorted(reasons.items(), key=lambda r: (-r[1], r[0].casefold()))),
        awaiting_full_text=len(sought) - not_retrieved - assessed,
        reports_included=included,
    )


def _reason(state: StageState, unit: int) -> str:
    """The reason of the exclusion that stands: a lead's resolution, else the latest decision
    (two reviewers who both exclude may give different reasons; one must be reported)."""
    standing = state.resolved.get(unit)
    if standing is None:
        decided = state.mine[unit]
        standing = max(decided.values(), key=lambda d: state.when[(unit, d.reviewer)])
    return standing.reason.strip() or NO_REASON


def review_counts(store: Store) -> PrismaCounts:
    """The review's numbers, counting studies once the lead has made them (a trial and its
    follow-up paper are two reports of one study), else one study per included report."""
    made = list_studies(store)
    if not made:
        return prisma_counts(store)
    included = set(included_records(store))
    count = sum(1 for s in made if any(r.record_id in included for r in s.records))
    try:
        return prisma_counts(store, studies_included=count)
    except ReviewError:  # studies not yet made for some included reports: count reports
        return prisma_counts(store)
