"""A reviewer's decision on a possible duplicate pair: merge, keep apart, or undo a merge.

Only leads decide duplicates (review.permissions): a merge changes what every reviewer screens.
The name on the decision is the acting reviewer's, never one typed into a form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from review.permissions import require
from review.screening.model import Reviewer

if TYPE_CHECKING:
    from review.store import Store

ACTIONS = ("confirm", "reject", "undo")


def decide_pair(
    store: Store,
    actor: Reviewer,
    a: int,
    b: int,
    action: str,
    note: str = "",
    *,
    expect: str | None = None,
) -> None:
    """``confirm`` (the same study: merge), ``reject`` (different studies) or ``undo`` a merge of
    records ``a`` and ``b``; kept as an event with who and when. ``expect``: the pair's status as
    the decider saw it; if someone decided it meanwhile, TargetChanged and nothing written."""
    require(actor, "decide_duplicates")
    store.decide_pair(a, b, action, actor.name, note, expect=expect)
