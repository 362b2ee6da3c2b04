"""Blocking: which pairs of records are compared at all.

A pair is compared only if the two records share a key. Several independent keys (title start,
title end, the title's longest words, DOI, PMID, (year, first page), (volume, first page), (first
author, year)) mean a duplicate with a typo, a translated title, a truncated author list, no DOI
or an abbreviated journal still meets its twin under some key. Blocks too big to compare pair by
pair (a common first page, a common surname) are searched with rapidfuzz's ``cdist`` for similar
titles instead, so work grows far slower than n^2.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from review.dedupe.prepare import TITLE_STOP, Prep
from review.progress import Progress, Tally, counted

SMALL_BLOCK = 48  # blocks up to this size are compared pair by pair
TITLE_GATE = 65  # title similarity (0-100) a pair needs to be scored at all
SHARED_DOI = 20  # a DOI on more records than this names a supplement or issue, not an article
_ROW_CHUNK = 2000  # rows per cdist call, to bound memory
_CHUNK_CELLS = 4_000_000  # and at most this many similarities (4 MB; about a second of work)


def block_keys(p: Prep) -> list[str]:
    """Blocking keys: a duplicate only needs to share one of them with its twin."""
    keys = []
    if p.pmid:
        keys.append("m" + p.pmid)
    if p.doi:
        keys.append("d" + p.doi)
    words = p.title.split()
    if len(words) >= 2:
        keys.append("s" + " ".join(words[:4]))
        keys.append("e" + " ".join(words[-4:]))
        content = [w for w in words if w not in TITLE_STOP and not w.isdigit()]
        longest = sorted(sorted(set(content)), key=len, reverse=True)[:3]
        keys.append("l" + " ".join(sorted(longest)))
    if p.page and p.year:
        keys.append(f"p{p.year}|{p.page}")
    if p.page and p.volume:
        keys.append(f"v{p.volume}|{p.page}")
    if p.surnames and p.year:
        keys.append(f"a{p.surnames[0]}|{p.year}")
    return keys


def candidates(
    preps: list[Prep], new: set[int] | None, progress: Progress | None = None
) -> set[tuple[int, int]]:
    """Index pairs (i < j) that share a block, with at least one side new when ``new`` is given
    and, in blocks too big to enumerate, titles similar enough to be worth scoring.

    ``progress`` is told the step "Finding candidate pairs" in comparisons: a block's pairs
    enumerated, or its titles compared with ``cdist``, which is where the time goes."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(counted(progress, "Grouping records into blocks", preps, len(preps))):
        for k in block_keys(p):
            blocks[k].append(i)
    for key in [k for k, v in blocks.items() if len(v) > SMALL_BLOCK and k[0] in "se"]:
        # A common title opening ("A randomized controlled trial of"): look further into the title.
        members = blocks.pop(key)
        for i in members:
            words = preps[i].title.split()
            blocks[key[0] + " ".join(words[:8] if key[0] == "s" else words[-8:]) + "+"].append(i)
    pairs: set[tuple[int, int]] = set()
    total = _comparisons(blocks, new) if progress is not None else None
    tally = Tally(progress, "Finding candidate pairs", total, every=200_000)
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if key[0] == "d" and len(members) > SHARED_DOI:
            continue  # a supplement's DOI: the other keys still see these records
        if len(members) <= SMALL_BLOCK or key[0] == "m":
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    if new is None or i in new or j in new:
                        pairs.add((i, j))
            if progress is not None:
                tally.add(_work(key, members, new))
            continue
        rows = members if new is None else [i for i in members if i in new]
        choices = [preps[i].sorted_title for i in members]
        step = max(1, min(_ROW_CHUNK, _CHUNK_CELLS // len(members)))
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            queries = [preps[i].sorted_title for i in chunk]
            sims = cdist(
                queries,
                choices,
                scorer=fuzz.ratio,
                score_cutoff=TITLE_GATE,
                dtype=np.uint8,
                workers=-1,
            )
            for r, c in zip(*np.nonzero(sims), strict=True):
                i, j = chunk[r], members[c]
                if i != j:
                    pairs.add((i, j) if i < j else (j, i))
            tally.add(len(chunk) * len(members))
    tally.end()
    return pairs


def _work(key: str, members: list[int], new: set[int] | None) -> int:
    """The comparisons a block costs: its pairs, or its rows times its members under cdist."""
    if len(members) <= SMALL_BLOCK or key[0] == "m":
        return len(members) * (len(members) - 1) // 2
    rows = len(members) if new is None else sum(1 for i in members if i in new)
    return rows * len(members)


def _comparisons(blocks: dict[str, list[int]], new: set[int] | None) -> int:
    """Every block's work, the step's total (counted only when someone is told)."""
    return sum(
        _work(key, members, new)
        for key, members in blocks.items()
        if len(members) > 1 and not (key[0] == "d" and len(members) > SHARED_DOI)
    )
