"""Where a review stands: one object that `review status` prints and the Overview page shows.

Records, the screening queue, searches and their runs, imported files, duplicates and each
screening stage's progress, as one viewer may see them. Agreement (Cohen's kappa) and the PRISMA
flow count every reviewer's votes, so a reviewer who is not a lead under dual screening gets
neither (``None``): the blinding rule lives here, not in the page that shows the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from review.imports.model import ImportedFile
from review.pubmed.model import SearchRun
from review.report.flow import PrismaCounts, review_counts
from review.screening.decisions import agreement, progress
from review.screening.model import STAGES, Agreement, Progress, Reviewer

if TYPE_CHECKING:
    from review.store import Store


@dataclass(frozen=True)
class StageStatus:
    progress: Progress
    agreement: Agreement | None  # None for a blinded viewer: it compares other reviewers' votes


@dataclass(frozen=True)
class Status:
    path: Path
    records: int
    queued: int  # records to screen (queued, a duplicate group once: title/abstract's total)
    searches: int  # saved searches
    search_runs: int
    runs_by_status: Mapping[str, int]
    schema: tuple  # migrations applied
    runs: tuple[SearchRun, ...]  # search runs, oldest first
    imports: tuple[ImportedFile, ...]  # imported files, oldest first
    duplicates: Mapping[str, int]  # "removed" (marked duplicates) and pairs by status
    stages: Mapping[str, StageStatus]  # in STAGES order
    blinded: bool  # the viewer sees only their own screening (dual screening, not a lead)
    prisma: PrismaCounts | None = None  # the diagram's counts, when asked for and not blinded

    @property
    def duplicates_removed(self) -> int:
        return self.duplicates.get("removed", 0)

    @property
    def duplicates_pending(self) -> int:
        """Possible duplicates waiting for a reviewer."""
        return self.duplicates.get("pending", 0)

    @property
    def conflicts(self) -> int:
        """Records at any stage where reviewers disagree and no lead has resolved it."""
        return sum(s.progress.conflicts for s in self.stages.values())

    def flow_table(self) -> tuple[tuple[str, int], ...]:
        """The PRISMA flow as (step, number) rows, the diagram's numbers; () without them."""
        c = self.prisma
        if c is None:
            return ()
        return (
            ("Records identified", c.records_identified),
            ("Duplicates removed", c.duplicates_removed),
            ("Records screened (title/abstract)", c.records_screened),
            ("Records excluded (title/abstract)", c.records_excluded),
            ("Waiting for title/abstract screening", c.awaiting_screening),
            *(
                [("Not screened: screening stopped (automation tools)", c.removed_by_automation)]
                if c.removed_by_automation
                else []
            ),
            ("Reports sought for retrieval", c.reports_sought),
            ("Reports not retrieved", c.reports_not_retrieved),
            ("Reports assessed (full text)", c.reports_assessed),
            ("Reports excluded (full text)", sum(n for _, n in c.reports_excluded)),
            ("Waiting for full-text screening", c.awaiting_full_text),
            ("Reports included", c.reports_included),
            ("Studies included", c.studies_included),
            ("Conflicts waiting for a lead", self.conflicts),
        )

    def as_json(self) -> dict:
        """The shape `review status --json` prints (kept as it was before this object)."""
        return {
            "records": self.records,
            "queued_for_screening": self.queued,
            "searches": self.searches,
            "search_runs": self.search_runs,
            "runs_by_status": dict(self.runs_by_status),
            "schema": list(self.schema),
            "duplicates": dict(self.duplicates),
            "screening": {
                stage: {
                    **asdict(s.progress),
                    "agreement": None if s.agreement is None else asdict(s.agreement),
                }
                for stage, s in self.stages.items()
            },
            "runs": [asdict(r) for r in self.runs],
        }


def review_status(store: Store, viewer: Reviewer | None, *, flow: bool = False) -> Status:
    """The review as ``viewer`` may see it (``None``: the review as a whole, for the command
    line). ``flow``: also count the PRISMA flow (the diagram's numbers), which reads every
    decision again, for a viewer who may see it."""
    summary = store.review_summary()
    stages = {}
    for stage in STAGES:
        done = progress(store, viewer, stage)
        stages[stage] = StageStatus(done, None if done.blinded else agreement(store, stage))
    blinded = any(s.progress.blinded for s in stages.values())
    return Status(
        path=store.path,
        records=summary.records,
        queued=summary.queued_for_screening,
        searches=summary.searches,
        search_runs=summary.search_runs,
        runs_by_status=summary.runs_by_status,
        schema=summary.schema,
        runs=tuple(store.runs()),
        imports=tuple(store.imports()),
        duplicates=store.duplicate_summary(),
        stages=stages,
        blinded=blinded,
        prisma=review_counts(store) if flow and not blinded else None,
    )
