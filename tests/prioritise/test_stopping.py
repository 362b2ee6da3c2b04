"""Tests for the random-sampling stopping test: exact p-values, edge cases, and a simulation that
the stated confidence is honoured when a reviewer stops at the first p below 1 - confidence."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import hypergeom

from review.prioritise.stopping import (
    StoppingAdvice,
    advise,
    max_missed,
    recall_curve,
    sample_size_needed,
)


def test_k_min_formula():
    # 95 found at 95%: 100 total keeps recall 95%, so 5 may be missed and K_min = 6.
    assert max_missed(95, 0.95) == 5
    assert max_missed(100, 0.95) == math.floor(100 / 0.95 - 100) == 5
    assert max_missed(19, 0.95) == 1  # exact: 19/0.95 - 19 = 1, not 0.999...
    assert max_missed(0, 0.95) == 0
    assert max_missed(90, 0.9) == 10


def test_p_value_matches_scipy_without_sample_relevant():
    a = advise(100, 1000, 200, 0)
    k_min = math.floor(100 / 0.95 - 100) + 1  # 6
    assert a.p_value == pytest.approx(hypergeom.cdf(0, 1000, k_min, 200), rel=1e-12)
    assert a.p_value == pytest.approx(math.comb(994, 200) / math.comb(1000, 200), rel=1e-9)
    assert a.can_stop is (a.p_value < 0.05)


def test_p_value_counts_sample_relevant_as_seen():
    # r_seen = 60 + 2 = 62; K_min = floor(62/0.95 - 62) + 1 = 4 missed, plus the 2 found -> 6.
    a = advise(60, 800, 300, 2)
    assert a.p_value == pytest.approx(hypergeom.cdf(2, 800, 6, 300), rel=1e-12)
    b = advise(60, 800, 300, 2, recall_target=0.8, confidence=0.9)
    k_min = math.floor(62 / 0.8 - 62) + 1  # 16
    assert b.p_value == pytest.approx(hypergeom.cdf(2, 800, k_min + 2, 300), rel=1e-12)
    assert b.can_stop is (b.p_value < 0.1)


def test_can_stop_and_estimates():
    a = advise(200, 2000, 1200, 0)
    assert a.can_stop and a.p_value < 0.05
    assert a.message.startswith("You may stop")
    assert a.more_needed == 0
    assert a.estimated_remaining_relevant == 0.0
    # Upper bound is the largest K with P(X <= 0) > alpha, consistent with the test's decision.
    ub = a.upper_bound_remaining_relevant
    assert hypergeom.cdf(0, 2000, ub, 1200) > 0.05 >= hypergeom.cdf(0, 2000, ub + 1, 1200)
    assert ub <= max_missed(200, 0.95)


def test_keep_screening_gives_more_needed_that_works():
    a = advise(50, 3000, 100, 1)
    assert not a.can_stop and a.message.startswith("Keep screening")
    assert a.estimated_remaining_relevant == pytest.approx(1 / 100 * 2900)
    assert a.upper_bound_remaining_relevant > a.estimated_remaining_relevant
    m = a.more_needed
    assert m > 0 and f"{m:,}" in a.message  # with thousands separators
    assert advise(50, 3000, 100 + m, 1).can_stop
    assert not advise(50, 3000, 100 + m - 1, 1).can_stop


@pytest.mark.parametrize("found,remaining", [(20, 500), (150, 5000), (1, 100), (0, 300)])
def test_sample_size_needed_is_the_smallest(found, remaining):
    n = sample_size_needed(found, remaining)
    assert advise(found, remaining, n, 0).can_stop
    assert n == 0 or not advise(found, remaining, n - 1, 0).can_stop
    assert advise(found, remaining, 0, 0).more_needed == n


def test_decision_agrees_with_upper_bound():
    # Stopping <=> the upper bound on missed records is within what the target allows.
    for found, remaining, n, k in [(80, 1500, 400, 0), (80, 1500, 900, 1), (30, 700, 350, 2)]:
        for target in (0.8, 0.9, 0.95):
            a = advise(found, remaining, n, k, recall_target=target)
            allowed = max_missed(found + k, target)
            assert a.can_stop is (a.upper_bound_remaining_relevant <= allowed)


def test_before_any_sample():
    a = advise(40, 900, 0, 0)
    assert isinstance(a, StoppingAdvice)
    assert a.p_value is None and a.estimated_remaining_relevant is None
    assert a.upper_bound_remaining_relevant is None
    assert not a.can_stop and a.more_needed == sample_size_needed(40, 900) > 0
    assert "Callaghan" in a.method and "2020" in a.method
    assert any("random" in s.lower() for s in a.assumptions)
    assert (a.recall_target, a.confidence) == (0.95, 0.95)


def test_nothing_found_yet():
    # Recall 0 unless nothing is relevant: H0 needs one relevant left, so the sample must cover
    # 95% of the pool before the test can reject.
    assert sample_size_needed(0, 1001) == 951  # p = 1 - n / 1001 < 0.05
    a = advise(0, 1000, 500, 0)
    assert a.p_value == pytest.approx(0.5) and not a.can_stop


def test_pool_empty():
    a = advise(12, 0, 0, 0)
    assert a.can_stop and a.more_needed == 0 and a.p_value is None
    assert a.upper_bound_remaining_relevant == 0
    assert sample_size_needed(12, 0) == 0


def test_whole_pool_sampled_means_recall_is_certain():
    a = advise(10, 50, 50, 3)
    assert a.can_stop and a.p_value == 0.0 and a.upper_bound_remaining_relevant == 0


def test_pool_smaller_than_allowed_misses():
    # 200 found at 95% allows 10 misses; with 8 unscreened recall cannot fall below target.
    a = advise(200, 8, 0, 0)
    assert a.can_stop and a.more_needed == 0 and "even if all 8" in a.message
    assert sample_size_needed(200, 8) == 0


@pytest.mark.parametrize(
    "args,kwargs",
    [
        ((10, 100, 101, 0), {}),  # sample bigger than the pool
        ((10, 100, 5, 6), {}),  # more relevant than sampled
        ((-1, 100, 0, 0), {}),
        ((10, 100, 0, 0), {"recall_target": 1.0}),
        ((10, 100, 0, 0), {"confidence": 0.0}),
    ],
)
def test_invalid_inputs(args, kwargs):
    with pytest.raises(ValueError):
        advise(*args, **kwargs)


def test_recall_curve():
    assert recall_curve([1, 1, 0, 1, 0, 0]) == [
        (0, 0),
        (1, 1),
        (2, 2),
        (3, 2),
        (4, 3),
        (5, 3),
        (6, 3),
    ]
    assert recall_curve([]) == [(0, 0)]
    with pytest.raises(ValueError):
        recall_curve([1, 2])


def _simulated_review(rng: np.random.Generator, n_records: int = 2000):
    """One review: 2-10% relevant, a good but imperfect ranking (relevant scores shifted by 2 SD),
    prioritised screening of the top 10-60%, then random sampling until the test says stop."""
    relevant = rng.random(n_records) < rng.uniform(0.02, 0.10)
    relevant[0] = True
    order = np.argsort(-(rng.normal(size=n_records) + 2.0 * relevant))
    top = int(rng.uniform(0.1, 0.6) * n_records)
    found = int(relevant[order[:top]].sum())
    pool = rng.permutation(order[top:])
    hits = np.flatnonzero(relevant[pool]) + 1  # sample sizes at which a relevant one turns up
    n = k = 0
    while True:  # between hits p only falls, so jump straight to where it would drop below alpha
        stop_at = n + advise(found, len(pool), n, k).more_needed
        next_hit = hits[k] if k < len(hits) else len(pool) + 1
        if stop_at < next_hit:
            n = stop_at
            break
        n, k = next_hit, k + 1
    assert advise(found, len(pool), n, k).can_stop
    total = int(relevant.sum())
    return (found + k) / total, top + n, found / total


@pytest.mark.slow
def test_simulation_recall_target_met_at_stated_confidence():
    rng = np.random.default_rng(20240601)
    runs = np.array([_simulated_review(rng) for _ in range(500)])
    reached = float(np.mean(runs[:, 0] >= 0.95))
    below_before_sampling = float(np.mean(runs[:, 2] < 0.95))
    work = float(np.mean(runs[:, 1])) / 2000
    summary = f"reached={reached:.3f} work={work:.3f} below_before={below_before_sampling:.3f}"
    assert below_before_sampling > 0.3, summary  # the test has real work to do
    assert reached >= 0.95 - 0.02, summary
