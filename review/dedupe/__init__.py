"""Deduplication: normalise fields, find matching records, merge or queue them for a reviewer.

- ``model``: a dedupe run as stored (``DedupeRun``)
- ``normalise``: fields folded so that two databases' versions of one citation compare equal
- ``match``: scoring record pairs and finding the matches (``find_matches``; numpy, rapidfuzz)
- ``run``: a review's dedupe: merge the sure pairs, queue the rest (``dedupe``, ``DedupeResult``)
- ``pairs``: a reviewer's decision on a possible pair: merge, keep apart, undo (``decide_pair``)

The run itself is ``review.dedupe.run.dedupe``; it is not re-exported here, so that
``review.dedupe.dedupe`` (a function named like its package) does not exist.
"""

from review.dedupe.match import Match, find_matches
from review.dedupe.pairs import decide_pair
from review.dedupe.run import DedupeResult

__all__ = ["DedupeResult", "Match", "decide_pair", "find_matches"]
