"""Deduplication: normalise fields, find matching records, merge or queue them for a reviewer.

- ``model``: a dedupe run as stored (``DedupeRun``)
- ``normalise``: fields folded so that two databases' versions of one citation compare equal
- ``prepare``: each record made ready for matching once (fields folded, notices, conferences)
- ``blocking``: which pairs are compared at all (shared keys; big blocks searched with cdist)
- ``match``: scoring record pairs and finding the matches (``find_matches``; numpy, rapidfuzz)
- ``run``: a review's dedupe: merge the sure pairs, queue the rest (``dedupe``, ``DedupeResult``)
- ``pairs``: a reviewer's decision on a possible pair: merge, keep apart, undo (``decide_pair``)

The run itself is ``review.dedupe.run.dedupe``; it is not re-exported here, so that
``review.dedupe.dedupe`` (a function named like its package) does not exist.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from review.dedupe.match import Match, find_matches
    from review.dedupe.pairs import decide_pair
    from review.dedupe.run import DedupeResult

# name -> the module that defines it; imported when first used, so that importing
# this package (as the command line does for `review --help`) stays cheap
_EXPORTS = {
    "DedupeResult": "review.dedupe.run",
    "Match": "review.dedupe.match",
    "decide_pair": "review.dedupe.pairs",
    "find_matches": "review.dedupe.match",
}
__all__ = [
    "DedupeResult",
    "Match",
    "decide_pair",
    "find_matches",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
