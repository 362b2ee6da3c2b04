"""Deduplication: normalise fields, find matching records, merge or queue them for a reviewer."""

from review.dedupe.match import Match, find_matches

__all__ = ["Match", "find_matches"]
