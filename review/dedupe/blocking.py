"""Blocking: which pairs of records are compared at all, with work bounded per record.

A pair is compared only if the two records share a key. Several independent keys (title start,
title end, the title's longest words, its two rarest words, DOI, PMID, (year, first page),
(volume, first page), (first author, year)) mean a duplicate with a typo, a translated title, a
truncated author list, no DOI or an abbreviated journal still meets its twin under some key.

Work is bounded so that it grows linearly with the review, whatever its titles look like (issue
11: 100,000 titles over a 15-word vocabulary once made blocks of tens of thousands and tens of
millions of pairs). A block of up to ``SMALL_BLOCK`` records gives all its pairs. A bigger one is
searched with rapidfuzz's ``cdist`` for similar titles, keeping for each record only its
``TOP_K`` most similar; a block bigger than ``BLOCK_CAP`` is sorted by its titles' words and
searched in overlapping windows of ``BLOCK_CAP`` (a sorted neighbourhood), so a record costs at
most about ``2 * BLOCK_CAP`` title comparisons per key and adds at most ``2 * TOP_K`` pairs.
Keys are grouped one kind at a time as 64-bit hashes in numpy arrays, and pairs are kept as
packed int64 numbers (8 bytes a pair, not a Python tuple's ~100), deduplicated as they grow.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from review.dedupe.prepare import TITLE_STOP, Prep
from review.progress import Progress, Tally, counted

if TYPE_CHECKING:
    from numpy.typing import NDArray

SMALL_BLOCK = 48  # blocks up to this size are compared pair by pair
BLOCK_CAP = 1000  # bigger blocks are searched in sorted windows of this many records
TOP_K = 10  # in a searched block, the most similar titles kept per record
TITLE_GATE = 65  # title similarity (0-100) a pair needs to be scored at all
SHARED_DOI = 20  # a DOI on more records than this names a supplement or issue, not an article
_CHUNK_CELLS = 4_000_000  # similarities per cdist call (4 MB; about a second of work)
_FLUSH = 8_000_000  # pairs gathered before duplicates are dropped
KINDS = "mdselrpva"  # key kinds, in the order block_keys gives them


def block_keys(p: Prep, rare: dict[str, int] | None = None) -> list[str]:
    """Blocking keys: a duplicate only needs to share one of them with its twin. ``rare`` (each
    title word's count of records) adds the key of the title's two rarest words, which a common
    vocabulary cannot swell the way it swells the longest words."""
    keys = []
    if p.pmid:
        keys.append("m" + p.pmid)
    if p.doi:
        keys.append("d" + p.doi)
    words = p.title.split()
    if len(words) >= 2:
        keys.append("s" + " ".join(words[:4]))
        keys.append("e" + " ".join(words[-4:]))
        content = sorted({w for w in words if w not in TITLE_STOP and not w.isdigit()})
        longest = sorted(content, key=len, reverse=True)[:3]
        keys.append("l" + " ".join(sorted(longest)))
        if rare is not None and len(content) >= 2:
            # a word only this record has (a typo, usually) cannot meet anything: skip those
            seen = [w for w in content if rare.get(w, 0) > 1] or content
            keys.append("r" + " ".join(sorted(sorted(seen, key=lambda w: rare.get(w, 0))[:2])))
    if p.page and p.year:
        keys.append(f"p{p.year}|{p.page}")
    if p.page and p.volume:
        keys.append(f"v{p.volume}|{p.page}")
    if p.surnames and p.year:
        keys.append(f"a{p.surnames[0]}|{p.year}")
    return keys


class CandidatePairs:
    """Index pairs (i < j) as a sorted array of ``i << 32 | j``; iterated as tuples of ints."""

    def __init__(self, packed: NDArray[np.int64]) -> None:
        self.packed = packed

    def __len__(self) -> int:
        return len(self.packed)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for start in range(0, len(self.packed), 65536):
            for v in self.packed[start : start + 65536].tolist():
                yield v >> 32, v & 0xFFFFFFFF

    def __contains__(self, pair: object) -> bool:
        if not isinstance(pair, tuple) or len(pair) != 2:
            return False
        i, j = sorted(pair)
        v = (i << 32) | j
        at = int(np.searchsorted(self.packed, v))
        return at < len(self.packed) and int(self.packed[at]) == v


class _Pairs:
    """Packed pairs gathered block by block, duplicates dropped whenever many have come."""

    def __init__(self) -> None:
        self.done: NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self.parts: list[NDArray[np.int64]] = []
        self.waiting = 0

    def add(self, i: NDArray[np.int64], j: NDArray[np.int64]) -> None:
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        keep = lo != hi
        if not keep.all():
            lo, hi = lo[keep], hi[keep]
        if len(lo):
            self.parts.append((lo << 32) | hi)
            self.waiting += len(lo)
            if self.waiting >= _FLUSH:
                self.flush()

    def flush(self) -> NDArray[np.int64]:
        if self.parts:
            self.done = np.unique(np.concatenate([self.done, *self.parts]))
            self.parts, self.waiting = [], 0
        return self.done


def candidates(
    preps: list[Prep], new: set[int] | None, progress: Progress | None = None
) -> CandidatePairs:
    """Index pairs (i < j) that share a block, with at least one side new when ``new`` is given
    and, in blocks too big to enumerate, titles similar enough to be worth scoring (each record's
    ``TOP_K`` best under each key).

    ``progress`` is told the step "Finding candidate pairs" in comparisons: a block's pairs
    enumerated, or its titles compared with ``cdist``, which is where the time goes."""
    n = len(preps)
    rare: Counter[str] = Counter()
    for p in preps:
        rare.update({w for w in p.title.split() if w not in TITLE_STOP and not w.isdigit()})
    hashes = {kind: np.zeros(n, dtype=np.int64) for kind in KINDS}
    has = {kind: np.zeros(n, dtype=bool) for kind in KINDS}
    for i, p in enumerate(counted(progress, "Grouping records into blocks", preps, n)):
        for k in block_keys(p, rare):
            hashes[k[0]][i] = hash(k)
            has[k[0]][i] = True
    del rare
    is_new = np.zeros(n, dtype=bool)
    if new is not None:
        is_new[list(new)] = True
    blocks = []
    for kind in KINDS:
        idx = np.flatnonzero(has[kind])
        if kind in "se":
            idx = _split_openings(preps, kind, idx, hashes[kind])
        order = idx[np.argsort(hashes[kind][idx], kind="stable")]
        keys = hashes[kind][order]
        cuts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        starts, ends = np.r_[0, cuts], np.r_[cuts, len(order)]
        big = ends - starts >= 2
        if kind == "d":
            big &= ends - starts <= SHARED_DOI  # a supplement's DOI: other keys see these records
        blocks.append((kind, order, starts[big], ends[big]))
        del hashes[kind], has[kind]
    total = None
    if progress is not None:
        total = sum(
            _work(kind, e - s, int(is_new[order[s:e]].sum()) if new is not None else e - s)
            for kind, order, starts, ends in blocks
            for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
        )
    tally = Tally(progress, "Finding candidate pairs", total, every=200_000)
    pairs = _Pairs()
    for kind, order, starts, ends in blocks:
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            members = order[s:e]
            if new is not None and not is_new[members].any():
                continue
            if e - s <= SMALL_BLOCK or kind == "m":
                a, b = np.triu_indices(e - s, 1)
                left, right = members[a], members[b]
                if new is not None:
                    keep = is_new[left] | is_new[right]
                    left, right = left[keep], right[keep]
                pairs.add(left, right)
                tally.add(len(a))
            else:
                tally.add(_search(preps, members, is_new if new is not None else None, pairs))
    tally.end()
    return CandidatePairs(pairs.flush())


def _split_openings(
    preps: list[Prep], kind: str, idx: NDArray[np.intp], hashes: NDArray[np.int64]
) -> NDArray[np.intp]:
    """A common title opening or ending ("A randomized controlled trial of"): its big blocks
    look further into the title, 8 words instead of 4."""
    _, inverse, counts = np.unique(hashes[idx], return_inverse=True, return_counts=True)
    for i in idx[counts[inverse] > SMALL_BLOCK].tolist():
        words = preps[i].title.split()
        hashes[i] = hash(kind + " ".join(words[:8] if kind == "s" else words[-8:]) + "+")
    return idx


def _search(
    preps: list[Prep],
    members: NDArray[np.intp],
    is_new: NDArray[np.bool_] | None,
    pairs: _Pairs,
) -> int:
    """A big block's similar titles: each (new) member's ``TOP_K`` best at or above the gate,
    within the whole block or, beyond ``BLOCK_CAP``, within overlapping windows of its records
    sorted by title words. Returns the comparisons made."""
    titles = [preps[i].sorted_title for i in members.tolist()]
    if len(members) > BLOCK_CAP:
        order = np.array(sorted(range(len(members)), key=titles.__getitem__), dtype=np.intp)
        members = members[order]
        titles = [titles[i] for i in order.tolist()]
        half = BLOCK_CAP // 2
        windows = [
            (s, min(s + BLOCK_CAP, len(members))) for s in range(0, len(members) - half, half)
        ]
    else:
        windows = [(0, len(members))]
    work = 0
    for ws, we in windows:
        block, choices = members[ws:we], titles[ws:we]
        rows = np.arange(len(block)) if is_new is None else np.flatnonzero(is_new[block])
        step = max(1, _CHUNK_CELLS // len(block))
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            sims = cdist(
                [choices[r] for r in chunk.tolist()],
                choices,
                scorer=fuzz.ratio,
                score_cutoff=TITLE_GATE,
                dtype=np.uint8,
                workers=-1,
            )
            sims[np.arange(len(chunk)), chunk] = 0  # not itself
            work += sims.size
            if len(block) > TOP_K:
                best = np.argpartition(sims, len(block) - TOP_K, axis=1)[:, -TOP_K:]
                r, c = np.nonzero(np.take_along_axis(sims, best, axis=1))
                c = best[r, c]
            else:
                r, c = np.nonzero(sims)
            pairs.add(block[chunk[r]].astype(np.int64), block[c].astype(np.int64))
    return work


def _work(kind: str, size: int, rows: int) -> int:
    """The comparisons a block costs: its pairs, or its rows times its members under cdist (at
    most two windows' worth per row beyond the cap)."""
    if size <= SMALL_BLOCK or kind == "m":
        return size * (size - 1) // 2
    return rows * min(size, 2 * BLOCK_CAP)
