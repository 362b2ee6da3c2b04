"""The review's counts that `review status` and the Overview page start from.

A module of its own because the store builds it and ``review.status``, which uses it, imports
half the library.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewSummary:
    records: int
    queued_for_screening: int  # records to screen: queued, a duplicate group counted once
    searches: int  # saved searches
    search_runs: int
    runs_by_status: dict[str, int]
    schema: tuple[str, ...]  # migrations applied
