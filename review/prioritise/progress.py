"""How far title/abstract screening has gone, and what the stopping test says about it.

Prioritised screening ends when the lead starts a *stopping sample*: every record unscreened at
that moment, in a random order fixed then (seeded, kept in the review). Reviewers screen it from
the top; whatever part of it has been decided is a uniform random sample of that pool, which is
what the hypergeometric test needs. Until then the advice says how many random records to screen.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from review.errors import ReviewError
from review.prioritise.stopping import StoppingAdvice, advise, recall_curve
from review.screening.decisions import settings, stage_units
from review.screening.state import current_state
from review.store import now

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


def _finals(store) -> tuple[list[int], dict[int, str], list[tuple[int, str]]]:
    dual = settings(store).dual
    state = current_state(store, STAGE)
    units = stage_units(store, STAGE, dual)
    finals = {u: f for u in units if (f := state.final(u, dual)) in ("include", "exclude", "maybe")}
    # in the order the records were first decided, for the recall curve
    decided = sorted((min(state.when[(u, r)] for r in state.mine[u]), f) for u, f in finals.items()
                     if u in state.mine)  # fmt: skip
    return units, finals, decided


def stopping_sample(store) -> StoppingSample | None:
    value = store.settings_values().get(SAMPLE_KEY)
    if not value:
        return None
    return StoppingSample(**{**value, "records": tuple(value["records"])})


def start_stopping_sample(store, by: str, *, seed: int | None = None) -> StoppingSample:
    """End prioritised screening: fix a random order of every unscreened record."""
    if stopping_sample(store) is not None:
        raise ReviewError("A stopping sample is already under way; end it before starting another.")
    units, finals, _ = _finals(store)
    pool = [u for u in units if u not in finals]
    if not pool:
        raise ReviewError("Every record has been screened: there is nothing left to sample.")
    seed = secrets.randbits(32) if seed is None else seed
    random.Random(seed).shuffle(pool)
    relevant = sum(1 for f in finals.values() if f in RELEVANT)
    sample = StoppingSample(now(), by, seed, relevant, tuple(pool))
    store.set_settings({SAMPLE_KEY: {**sample.__dict__, "records": list(pool)}}, by)
    return sample


def end_stopping_sample(store, by: str) -> None:
    """Back to prioritised screening (the sample's decisions stay; a new sample starts afresh)."""
    store.set_settings({SAMPLE_KEY: None}, by)


def screening_progress(store, *, recall_target: float = 0.95, confidence: float = 0.95):
    units, finals, decided = _finals(store)
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
    arrived = [u for u in units if u not in pool and u not in finals]
    relevant_before = sum(1 for u, f in finals.items() if u not in pool and f in RELEVANT)
    advice = advise(relevant_before, sample.pool, len(in_sample), k,
                    recall_target=recall_target, confidence=confidence)  # fmt: skip
    return ScreeningProgress(
        len(units), len(finals), found, recall_curve(relevant), advice,
        sample, len(in_sample), k, len(arrived),
    )  # fmt: skip
