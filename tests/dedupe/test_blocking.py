"""Blocking stays bounded on hostile reviews (issue 11) and still brings duplicates together."""

from __future__ import annotations

import random
import time

from benchmarks.dedupe_scale import HOSTILE_WORDS
from review.dedupe.blocking import BLOCK_CAP, KINDS, TOP_K, CandidatePairs, block_keys, candidates
from review.dedupe.prepare import prepare
from review.records import Author, Record

WORDS = HOSTILE_WORDS  # the benchmark's vocabulary: every title resembles thousands
SURNAMES = [f"{a}{b}son" for a in "bcdfghklmnprstvw" for b in "aeiou"]


def _hostile(n: int, planted: int, seed: int = 3, citations: bool = True):
    """n records with titles over 15 words, each with its own DOI, then ``planted`` copies (no
    DOI, lower case, a comma and a typo) of earlier ones; returns the preps and the true pairs."""
    rng = random.Random(seed)
    records = []
    for k in range(n - planted):
        start = rng.randint(1, 2000)
        records.append(
            Record(
                title=" ".join(rng.choices(WORDS, k=rng.randint(6, 14))).capitalize(),
                authors=tuple(
                    Author(last_name=rng.choice(SURNAMES), initials="A")
                    for _ in range(rng.randint(1, 4))
                ),
                year=rng.randint(1990, 2024),
                volume=str(rng.randint(1, 100)),
                pages=f"{start}-{start + 9}",
                doi=f"10.1000/h{k}",
            )
        )
    truth = []
    for origin in rng.sample(range(n - planted), planted):
        r = records[origin]
        title = r.title.lower().replace(" ", ", ", 1)
        at = rng.randrange(2, len(title) - 2)
        title = title[:at] + title[at + 1 :]
        truth.append((origin, len(records)))
        records.append(Record(**{**r.__dict__, "title": title, "doi": ""}))
    if not citations:  # only the titles can bring a copy to its original
        records = [Record(title=r.title, authors=r.authors, doi=r.doi) for r in records]
    return [prepare(i + 1, r) for i, r in enumerate(records)], truth


def test_hostile_review_gives_pairs_linear_in_its_size_and_finds_the_copies():
    preps, truth = _hostile(20_000, 500)
    started = time.perf_counter()
    pairs = candidates(preps, None)
    assert time.perf_counter() - started < 30
    # the old blocking gave ~215 pairs a record here (4.3 million), growing with n
    assert len(pairs) <= 25 * len(preps)
    assert all(pair in pairs for pair in truth)


def test_copies_are_found_by_their_titles_alone_in_capped_blocks():
    preps, truth = _hostile(10_000, 300, seed=4, citations=False)
    pairs = candidates(preps, None)
    assert len(pairs) <= 25 * len(preps)
    found = sum(pair in pairs for pair in truth)
    assert found >= 0.95 * len(truth)  # 96%: a typo can break every title key of a short title


def test_a_block_far_over_the_cap_is_searched_in_windows():
    """3,000 records with one title share every title key: all pairs would be 4.5 million;
    each record keeps at most its TOP_K best per window (two windows) per title key."""
    n = 3 * BLOCK_CAP
    record = Record(title="Early motor rehabilitation after acute stroke", year=2020)
    preps = [prepare(i + 1, record) for i in range(n)]
    pairs = candidates(preps, None)
    title_kinds = sum(1 for k in block_keys(preps[0], {"early": 2}) if k[0] in "selr")
    assert title_kinds == 4
    assert 0 < len(pairs) <= n * title_kinds * 2 * TOP_K
    paired = set()
    for i, j in pairs:
        assert 0 <= i < j < n
        paired |= {i, j}
    assert len(paired) == n  # nobody left out for the cap


def test_a_block_within_the_cap_keeps_each_records_most_similar_titles():
    """A block of 200 records under one citation key: a record's own copy is among its kept
    partners, titles below the gate are not."""
    rng = random.Random(5)
    records = [
        Record(
            title=" ".join(rng.choices(WORDS, k=10)),
            year=2001,
            pages="15-20",
            authors=(Author(last_name=f"x{k}"),),
        )
        for k in range(200)
    ]
    records.append(Record(**{**records[7].__dict__, "title": records[7].title.upper()}))
    preps = [prepare(i, r) for i, r in enumerate(records)]
    pairs = candidates(preps, None)
    assert (7, 200) in pairs
    assert len(pairs) <= 201 * 2 * TOP_K * len(KINDS)


def test_only_pairs_with_a_new_record_when_new_is_given():
    preps, truth = _hostile(3000, 100, seed=9)
    new = {j for _, j in truth}
    pairs = candidates(preps, new)
    assert all(pair in pairs for pair in truth)
    assert all(i in new or j in new for i, j in pairs)
    assert len(pairs) < len(candidates(preps, None))


def test_candidate_pairs_iterate_as_index_tuples():
    import numpy as np

    pairs = CandidatePairs(np.array([(1 << 32) | 5, (3 << 32) | 4], dtype=np.int64))
    assert list(pairs) == [(1, 5), (3, 4)]
    assert len(pairs) == 2
    assert (5, 1) in pairs and (1, 4) not in pairs and "x" not in pairs
