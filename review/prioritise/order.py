"""The order the Screen page offers title/abstract records in, and the sentence that says which.

A stopping sample, once a lead has started one, fixes the order for everyone (the test needs
every record of the sample screened in its random order). Otherwise the reviewer chooses: most
likely relevant first (the newest ranking of review.prioritise.live: until the model has an
include and an exclude to learn from, the records most like the review question first, or import
order when the protocol gives no question, criteria or include terms), a random order that is
the same for that reviewer every time, or import order. Under dual screening a reviewer who is
not a lead gets a ranking trained on their own decisions and leads' resolutions only (the
question's order lasts until their own first include); the random order depends on the review
and the reviewer's name; nothing here reads another reviewer's votes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from review.errors import ReviewError
from review.prioritise.live import Ranking, latest_ranking
from review.prioritise.progress import stopping_sample
from review.screening.model import Reviewer
from review.screening.state import current_units

if TYPE_CHECKING:
    from review.store import Store

# the choices a reviewer has, as the page labels them
ORDERS = {
    "ranked": "Most likely relevant first",
    "random": "Random",
    "import": "Import order",
}


@dataclass(frozen=True)
class Order:
    """Records to offer first (``ids``; None: import order), what the order is (``about``, shown
    to the reviewer) and the ranking behind it, whose top terms explain a record's place."""

    ids: tuple[int, ...] | None
    about: str
    ranking: Ranking | None = None
    kind: str = "import"  # "sample", "ranked", "question", "random" or "import"


# (review, reviewer) -> (the queue it was shuffled from, the shuffled order)
_random: dict[tuple[str, str], tuple[list[int], tuple[int, ...]]] = {}


def _shuffled(store: Store, viewer: Reviewer) -> tuple[int, ...]:
    """The viewer's random order, shuffled again only when the queue changes (shuffling 20,000
    records on every page view took longer than the rest of the view)."""
    units = current_units(store)
    key = (str(store.path.resolve()), viewer.name)
    cached = _random.get(key)
    if cached is None or cached[0] is not units:
        order = list(units)
        random.Random(f"{store.path.name}:{viewer.name}").shuffle(order)
        cached = _random[key] = (units, tuple(order))
    return cached[1]


def order_is_fixed(store: Store) -> bool:
    """A stopping sample is under way: its order stands and the reviewer has no choice."""
    return stopping_sample(store) is not None


def screening_order(
    store: Store, viewer: Reviewer, choice: str = "ranked", *, wait: float = 0.0
) -> Order:
    """The viewer's title/abstract order for ``choice`` (a key of ORDERS). ``wait``: seconds to
    wait for the ranking of the current decisions (the page never waits; tests and the CLI may).
    """
    if choice not in ORDERS:
        raise ReviewError(f"No screening order {choice!r}: choose one of {', '.join(ORDERS)}.")
    sample = stopping_sample(store)
    if sample is not None:
        return Order(
            tuple(sample.records),
            f"Stopping sample: records in a random order fixed on {sample.started_at[:10]} "
            f"by {sample.started_by}. Screen them from the top; every one counts.",
            kind="sample",
        )
    if choice == "import":
        return Order(None, "Records in the order they arrived.")
    if choice == "random":
        return Order(
            _shuffled(store, viewer),
            "Records in a random order (the same for you every time).",
            kind="random",
        )
    ranking = latest_ranking(store, viewer, wait=wait)
    if ranking is None:
        return Order(
            None, "Ranking is being prepared; records in the order they arrived meanwhile."
        )
    if ranking.basis == "question":
        until = "the first include" if not ranking.relevant else "there is an exclude to learn from"
        return Order(
            ranking.order,
            "Ranked by similarity to the review question, criteria and include terms (BM25) "
            f"until {until}; then a model trained on the decisions takes over.",
            ranking,
            kind="question",
        )
    if ranking.cold:
        return Order(
            None,
            "Records in the order they arrived until there is at least one include and one "
            "exclude to learn from.",
        )
    return Order(
        ranking.order,
        f"Most likely relevant first: a model trained on {ranking.labelled:,} decisions "
        f"({ranking.relevant:,} relevant), retrained in the background as you screen.",
        ranking,
        kind="ranked",
    )
