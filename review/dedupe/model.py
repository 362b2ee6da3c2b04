"""What the store gives back about deduplication runs.

Kept apart from ``run`` so that the store can build it without importing the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DedupeRun:
    """One run of the duplicate check: the next run compares only records added since."""

    id: int
    at: str
    actor: str
    records: int  # records in the review at the time
    compared_from: int | None  # records above this id were compared; None: all against all
    max_record_id: int  # the highest record id this run saw
    merged: int
    possible: int
    seconds: float
