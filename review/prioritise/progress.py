"""How far title/abstract screening has gone, and what the stopping test says about it.

Prioritised screening ends when the lead starts a *stopping sample*: every record unscreened at
that moment, in a random order fixed then (seeded, kept in the review). Reviewers screen it from
the top; whatever part of it has been decided is a uniform random sample of that pool, which is
what the hypergeometric test needs. Until then the advice says how many random records to screen.

Under dual screening a reviewer who is not a lead sees these figures from their own decisions and
the leads' resolutions only; a lead sees the review's. The sample's pool is the records fewer than
two reviewers had decided (a conflict has been screened: it waits for a lead, not a reviewer), so
its size depends on how many voted, never on what.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from review.errors import ReviewError
from review.permissions import require
from review.prioritise.stopping import StoppingAdvice, advise, recall_curve
from review.screening.decisions import stage_units, stage_view
from review.screening.model import Reviewer
from review.store import now

if TYPE_CHECKING:
    from review.store import Store

STAGE = "title_abstract"
SAMPLE_KEY = "stopping_sample"
RELEVANT = ("include", "maybe")


@dataclass(frozen=True)
class StoppingSample:
    started_at: str
    started_by: str
    seed: int
    relevant_before: int  # found by prioritised screening before the sample began
    records: tuple[int, ...]  # the pool (unscreened when it began), in its random order

    @property
    def pool(self) -> int:
        return len(self.records)


@dataclass(frozen=True)
class ScreeningProgress:
    total: int
    screened: int
    relevant_found: int
    curve: list[tuple[int, int]]  # (records screened, relevant found), in decision order
    advice: StoppingAdvice
    sample: StoppingSample | None = None
    sample_screened: int = 0
    sample_relevant: int = 0
    arrived_since_sample: int = 0  # records queued after the sample began: outside the test


def _finals(store: Store, viewer: Reviewer | None):
    """(records, their final decisions as the viewer sees them, (first decided, final) in the
    order records were first decided, the view)."""
    view = stage_view(store, viewer, STAGE)
    state = view.state
    units = stage_units(store, STAGE, viewer=viewer)
    finals = {u: f for u in units if (f := view.final(u)) in ("include", "exclude", "maybe")}
    # in the order the records were first decided, for the recall curve
    decided = sorted((min(state.when[(u, r)] for r in state.mine[u]), f) for u, f in finals.items()
                     if u in state.mine)  # fmt: skip
    return units, finals, decided, view


def stopping_sample(store: Store) -> StoppingSample | None:
    value = store.settings_values().get(SAMPLE_KEY)
    if not value:
        return None
    return StoppingSample(**{**value, "records": tuple(value["records"])})


def start_stopping_sample(
    store: Store, actor: Reviewer, *, seed: int | None = None
) -> StoppingSample:
    """End prioritised screening: fix a random order of every unscreened record (a lead's call:
    it changes how everyone screens, so it needs ``edit_protocol``)."""
    require(actor, "edit_protocol")
    by = actor.name
    if stopping_sample(store) is not None:
        raise ReviewError("A stopping sample is already under way; end it before starting another.")
    units, finals, _, view = _finals(store, None)
    pool = [u for u in units if view.final(u) is None]
    if not pool:
        raise ReviewError("Every record has been screened: there is nothing left to sample.")
    seed = secrets.randbits(32) if seed is None else seed
    random.Random(seed).shuffle(pool)
    relevant = sum(1 for f in finals.values() if f in RELEVANT)
    sample = StoppingSample(now(), by, seed, relevant, tuple(pool))
    store.set_settings({SAMPLE_KEY: {**sample.__dict__, "records": list(pool)}}, by)
    return sample


def end_stopping_sample(store: Store, actor: Reviewer) -> None:
    """Back to prioritised screening (the sample's decisions stay; a new sample starts afresh)."""
    require(actor, "edit_protocol")
    store.set_settings({SAMPLE_KEY: None}, actor.name)


def screening_progress(
    store, viewer: Reviewer | None, *, recall_target: float = 0.95, confidence: float = 0.95
) -> ScreeningProgress:
    """How far screening has gone and the stopping advice, as the viewer may see it."""
    units, finals, decided, _ = _finals(store, viewer)
    relevant = [1 if final in RELEVANT else 0 for _, final in decided]
    found = sum(relevant)
    sample = stopping_sample(store)
    if sample is None:
        advice = advise(found, len(units) - len(finals), 0, 0,
                        recall_target=recall_target, confidence=confidence)  # fmt: skip
        return ScreeningProgress(len(units), len(finals), found, recall_curve(relevant), advice)
    in_sample = [finals[u] for u in sample.records if u in finals]
    k = sum(1 for f in in_sample if f in RELEVANT)
    pool = set(sample.records)
    # Every relevant record outside the pool was found before the sample or is a record queued
    # since (outside the test, reported apart).
    whole = stage_view(store, None, STAGE)  # read only for whether a record is fully screened
    arrived = [u for u in units if u not in pool and whole.final(u) is None]
    relevant_before = sum(1 for u, f in finals.items() if u not in pool and f in RELEVANT)
    advice = advise(relevant_before, sample.pool, len(in_sample), k,
                    recall_target=recall_target, confidence=confidence)  # fmt: skip
    return ScreeningProgress(
        len(units), len(finals), found, recall_curve(relevant), advice,
        sample, len(in_sample), k, len(arrived),
    )  # fmt: skip
