"""When may the reviewer stop screening? A statistical stopping criterion with a stated recall.

Prioritised screening finds most relevant records early, but "the model stopped finding any" is
not evidence a methods reviewer accepts. We use the random-sampling hypothesis test of Callaghan
& Muller-Hansen (2020): after prioritised screening the reviewer screens a *random* sample of the
records still unscreened, and we test H0 "recall is below the target" with the exact
hypergeometric distribution. Rejecting H0 at 1 - confidence gives "recall >= target with this
confidence", whatever the quality of the ranking model.

Notation (the paper's): ``r_seen`` relevant records seen, including those found in the sample;
``N`` records unscreened when sampling began (the pool); ``n`` records sampled; ``k`` relevant in
the sample. Recall stays >= target while at most ``floor(r_seen / target - r_seen)`` relevant
records are missed, so H0 needs ``K_min = floor(r_seen / target - r_seen) + 1`` missed ones, i.e.
``K_min + k`` relevant records in the pool. ``p = P(X <= k)`` for ``X ~ Hypergeom(N, K_min + k,
n)``; larger pools make seeing ``<= k`` less likely, so the boundary case is the worst case.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from scipy.stats import hypergeom

METHOD = (
    "Random-sampling hypergeometric stopping test (Callaghan & Muller-Hansen 2020, "
    "'Statistical stopping criteria for automated screening in systematic reviews', "
    "Systematic Reviews 9:273)"
)

ASSUMPTIONS: tuple[str, ...] = (
    "The sample is drawn uniformly at random, without replacement, from ALL records left "
    "unscreened when prioritised screening ended, not from the model's top or bottom ranks.",
    "Every sampled record is screened and counted, including the relevant ones; records are not "
    "skipped or re-drawn.",
    "Screening decisions are correct: a relevant record in the sample is recognised as relevant "
    "(reviewer errors make the true recall lower than stated).",
    "Recall is measured against the records in this review's search results at this screening "
    "stage; relevant studies the search never retrieved are outside what the test can see.",
    "The test is exact (hypergeometric) and assumes nothing about how good the ranking model is; "
    "a poor ranking only means a larger random sample is needed.",
)


@dataclass(frozen=True)
class StoppingAdvice:
    """Everything a reviewer (and a methods section) needs to justify stopping, or not."""

    method: str
    assumptions: tuple[str, ...]
    recall_target: float
    confidence: float
    relevant_found: int  # by prioritised screening, before the random sample
    remaining: int  # unscreened records (the pool, before the sample)
    sample_size: int
    sample_relevant: int
    p_value: float | None  # None before any random sample
    can_stop: bool
    estimated_remaining_relevant: float | None  # still unscreened after the sample
    upper_bound_remaining_relevant: int | None  # one-sided, at `confidence`
    message: str
    more_needed: int | None  # more random records (none relevant) needed before stopping


def _count(name: str, value: int) -> int:
    value = operator.index(value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def _fraction(name: str, value: float) -> Fraction:
    # Exact decimal (0.95 -> 19/20) so floor(r / target - r) is not off by one from rounding.
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1, got {value}")
    return Fraction(str(value))


def max_missed(r_seen: int, recall_target: float) -> int:
    """Most relevant records that can be missed while recall stays >= target (K_min - 1)."""
    tau = _fraction("recall_target", recall_target)
    return math.floor(r_seen * (1 - tau) / tau)


def _cdf(k: int, pool: int, relevant_in_pool, n) -> np.ndarray | float:
    return hypergeom.cdf(k, pool, relevant_in_pool, n)


def _first_true(lo: int, hi: int, pred) -> int:
    """Smallest x in (lo, hi] with pred(x), for pred monotone False -> True, pred(hi) True.
    A 16-way search: one vectorised scipy call per round is ~3x cheaper than 4 scalar calls."""
    while hi - lo > 1:
        xs = np.unique(np.linspace(lo, hi, 18).round().astype(np.int64))[1:-1]
        ok = np.asarray(pred(xs))
        i = int(np.argmax(ok)) if ok.any() else len(xs)
        lo, hi = (int(xs[i - 1]) if i > 0 else lo), (int(xs[i]) if i < len(xs) else hi)
    return hi


def _smallest_sample(pool: int, relevant_in_pool: int, k: int, lo: int, alpha: float) -> int:
    """Smallest n >= lo with P(X <= k) < alpha; P falls as n grows and is 0 at n = pool."""
    if relevant_in_pool > pool or _cdf(k, pool, relevant_in_pool, lo) < alpha:
        return lo
    return _first_true(lo, pool, lambda ns: _cdf(k, pool, relevant_in_pool, ns) < alpha)


def _upper_bound_in_pool(pool: int, n: int, k: int, alpha: float) -> int:
    """Exact one-sided upper confidence bound on the relevant records in the pool: the largest K
    still consistent with seeing only k in n (P(X <= k | K) > alpha); P falls as K grows."""
    lo, hi = k, pool - (n - k)  # K = k is always consistent; more than hi is impossible
    if _cdf(k, pool, hi, n) > alpha:
        return hi
    return _first_true(lo, hi, lambda ks: _cdf(k, pool, ks, n) <= alpha) - 1


def advise(
    relevant_found: int,
    remaining: int,
    sample_size: int,
    sample_relevant: int,
    *,
    recall_target: float = 0.95,
    confidence: float = 0.95,
) -> StoppingAdvice:
    """Test whether recall >= ``recall_target`` at ``confidence`` after a random sample.

    ``relevant_found`` counts the relevant records found by prioritised screening; ``remaining``
    is the number of records unscreened when random sampling began, of which ``sample_size`` were
    screened in random order and ``sample_relevant`` were relevant. The whole random sample so
    far is one test: the reviewer may check after every record and stop at the first p below
    ``1 - confidence`` (the simulation in the tests checks this stays valid).
    """
    relevant_found = _count("relevant_found", relevant_found)
    remaining = _count("remaining", remaining)
    n = _count("sample_size", sample_size)
    k = _count("sample_relevant", sample_relevant)
    _fraction("confidence", confidence)
    if n > remaining:
        raise ValueError(f"sample_size ({n}) cannot exceed the unscreened records ({remaining})")
    if k > n:
        raise ValueError(f"sample_relevant ({k}) cannot exceed sample_size ({n})")

    alpha = 1.0 - confidence
    r_seen = relevant_found + k
    allowed = max_missed(r_seen, recall_target)
    relevant_in_pool_h0 = allowed + 1 + k  # K_min missed plus the k already found in the sample
    goal = f"{recall_target:.0%} recall at {confidence:.0%} confidence"
    base: dict[str, Any] = dict(
        method=METHOD,
        assumptions=ASSUMPTIONS,
        recall_target=recall_target,
        confidence=confidence,
        relevant_found=relevant_found,
        remaining=remaining,
        sample_size=n,
        sample_relevant=k,
    )

    if remaining == 0:
        return StoppingAdvice(
            **base,
            p_value=None,
            can_stop=True,
            estimated_remaining_relevant=0.0,
            upper_bound_remaining_relevant=0,
            more_needed=0,
            message="You may stop: every record has been screened.",
        )
    if relevant_in_pool_h0 > remaining:
        # H0 is impossible: even if every unscreened record were relevant, recall >= target.
        return StoppingAdvice(
            **base,
            p_value=None if n == 0 else 0.0,
            can_stop=True,
            estimated_remaining_relevant=None if n == 0 else k / n * (remaining - n),
            upper_bound_remaining_relevant=(
                None if n == 0 else _upper_bound_in_pool(remaining, n, k, 1.0 - confidence) - k
            ),
            more_needed=0,
            message=(
                f"You may stop: even if all {remaining - n:,} unscreened records were relevant, "
                f"recall would still be at least {recall_target:.0%}."
            ),
        )

    needed = _smallest_sample(remaining, relevant_in_pool_h0, k, n, alpha) - n
    if n == 0:
        return StoppingAdvice(
            **base,
            p_value=None,
            can_stop=False,
            estimated_remaining_relevant=None,
            upper_bound_remaining_relevant=None,
            more_needed=needed,
            message=(
                f"Keep screening: screen {needed:,} records drawn at random from the {remaining:,} "
                f"unscreened; if none is relevant you may stop ({goal})."
            ),
        )

    p = float(_cdf(k, remaining, relevant_in_pool_h0, n))
    can_stop = p < alpha
    estimate = k / n * (remaining - n)
    upper = _upper_bound_in_pool(remaining, n, k, alpha) - k
    if can_stop:
        message = (
            f"You may stop: recall is at least {recall_target:.0%} with {confidence:.0%} "
            f"confidence (p = {p:.3g}); about {estimate:,.0f} and at most {upper:,} relevant "
            f"records remain unscreened."
        )
    else:
        message = (
            f"Keep screening: screen {needed:,} more random records; if none is relevant you may "
            f"stop ({goal}; now p = {p:.3g}, needs to be below {alpha:.3g})."
        )
    return StoppingAdvice(
        **base,
        p_value=p,
        can_stop=can_stop,
        estimated_remaining_relevant=estimate,
        upper_bound_remaining_relevant=upper,
        more_needed=needed,
        message=message,
    )


def sample_size_needed(
    relevant_found: int,
    remaining: int,
    *,
    recall_target: float = 0.95,
    confidence: float = 0.95,
) -> int:
    """Smallest random sample that allows stopping if it contains no relevant record: tells the
    reviewer up front how much random screening the guarantee costs."""
    advice = advise(
        relevant_found, remaining, 0, 0, recall_target=recall_target, confidence=confidence
    )
    assert advice.more_needed is not None
    return advice.more_needed


def recall_curve(decisions_in_order: Sequence[int]) -> list[tuple[int, int]]:
    """(records screened, relevant found) after each decision, starting at (0, 0): the app's
    cumulative-relevant curve, whose flattening is what prompts the stopping test."""
    points = [(0, 0)]
    found = 0
    for i, decision in enumerate(decisions_in_order, start=1):
        if decision not in (0, 1):
            raise ValueError(f"decision {i} must be 0 or 1, got {decision!r}")
        found += int(decision)
        points.append((i, found))
    return points
