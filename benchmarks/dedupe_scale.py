"""How deduplication's cost grows with the review: seconds and peak memory at 10k, 100k, 1M records.

Run from the repository root:
``PYTHONPATH=$PWD .venv/bin/python benchmarks/dedupe_scale.py [--kind hostile,realistic]
[--sizes 10000,100000[,1000000]]``.

Two kinds of review are generated and stored in a real SQLite review (through the store, in
batches, as an import stores them), then ``dedupe`` runs on it in a fresh process per size, which
reports its own peak RSS (``ru_maxrss``):

- **hostile**: titles and abstracts drawn from a 15-word vocabulary, each record with its own
  DOI, plus 1,000 planted copies without DOI (case, punctuation, one typo; same authors). Every
  title resembles thousands of others, which is what made blocking blow up (issue 11).
- **realistic**: titles and abstracts recombined from the words of real records (the bundled
  Nagtegaal set), real surnames and journals (the Rathbone set), ~5% noisy duplicates.

Printed per size: records, seconds (the dedupe call, and the worker's wall time), peak MB,
candidate pairs (blocking's output), pairs scored, merges, queue (pairs waiting for a reviewer)
and recall of the planted copies (merged automatically; merged or queued).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from review.records import AbstractSection, Author, Record  # noqa: E402

HOSTILE_WORDS = [
    "stroke",
    "patients",
    "therapy",
    "rehabilitation",
    "outcome",
    "trial",
    "acute",
    "early",
    "motor",
    "recovery",
    "effect",
    "treatment",
    "study",
    "care",
    "risk",
]
PLANTED = 1000
BATCH = 20_000


def _real_words() -> tuple[list[str], list[int], list[str], list[str]]:
    """Title/abstract words with their counts, surnames and journals from real records."""
    words: Counter[str] = Counter()
    with open(ROOT / "review/demo_data/Nagtegaal_2019.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            words.update(
                re.findall(r"[a-z][a-z\-]+", (row["title"] + " " + row["abstract"]).lower())
            )
    surnames, journals = set(), set()
    path = ROOT / "tests/data/dedupe/records_pre_merged.csv"
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for part in re.split(r"\s+and\s+", row["author"] or ""):
                last = part.partition(",")[0].strip()
                if last.isalpha():
                    surnames.add(last)
            if row["journal"].strip():
                journals.add(row["journal"].strip())
    vocab = sorted(words)
    return vocab, [words[w] for w in vocab], sorted(surnames), sorted(journals)


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 10:
        return s
    i = rng.randrange(1, len(s) - 2)
    return s[:i] + s[i + 1] + s[i] + s[i + 2 :] if rng.random() < 0.5 else s[:i] + s[i + 1 :]


def _noisy(rng: random.Random, r: Record) -> Record:
    """A copy as another database gives it: no DOI, case and punctuation changed, one typo."""
    title = r.title
    roll = rng.random()
    title = title.upper() if roll < 0.3 else title.lower() if roll < 0.6 else title
    if rng.random() < 0.5:
        title = title.replace(" ", ", ", 1) + "."
    if rng.random() < 0.5:
        title = _typo(rng, title)
    return Record(**{**r.__dict__, "title": title, "doi": ""})


def _citation(rng: random.Random, k: int, journals: list[str]) -> dict:
    start = rng.randint(1, 2500)
    return dict(
        journal=rng.choice(journals),
        year=rng.randint(1990, 2024),
        volume=str(rng.randint(1, 120)),
        issue=str(rng.randint(1, 12)),
        pages=f"{start}-{start + rng.randint(3, 15)}",
        doi=f"10.{1000 + k % 9000}/b{k}",
    )


def _authors(rng: random.Random, surnames: list[str]) -> tuple[Author, ...]:
    return tuple(
        Author(last_name=rng.choice(surnames), initials=rng.choice("ABCDEFGHJKLMNPRSTW"))
        for _ in range(rng.randint(1, 6))
    )


def hostile(n: int, seed: int = 11) -> Iterator[tuple[int, Record]]:
    """(origin, record): n records, the last ``PLANTED`` copies of earlier ones (origin = the
    original's position), the rest originals (origin = own position)."""
    rng = random.Random(seed)
    _, _, surnames, journals = _real_words()
    planted = min(PLANTED, n // 10)
    n_orig = n - planted
    sources = set(rng.sample(range(n_orig), planted))
    kept: dict[int, Record] = {}
    for k in range(n_orig):
        words = rng.choices(HOSTILE_WORDS, k=rng.randint(6, 14))
        text = " ".join(rng.choices(HOSTILE_WORDS, k=rng.randint(60, 160)))
        record = Record(
            title=" ".join(words).capitalize(),
            abstract_sections=(AbstractSection(label="", text=text.capitalize() + "."),),
            authors=_authors(rng, surnames),
            **_citation(rng, k, journals),
        )
        if k in sources:
            kept[k] = record
        yield k, record
    for k in sorted(kept):
        yield k, _noisy(rng, kept[k])


def realistic(n: int, seed: int = 13, dup_share: float = 0.05) -> Iterator[tuple[int, Record]]:
    """(origin, record): recombined real words, ~``dup_share`` noisy copies of recent records."""
    rng = random.Random(seed)
    vocab, weights, surnames, journals = _real_words()
    recent: deque[tuple[int, Record]] = deque(maxlen=5000)
    for k in range(n):
        if recent and rng.random() < dup_share:
            origin, r = rng.choice(recent)
            yield origin, _noisy(rng, r)
            continue
        words = rng.choices(vocab, weights, k=rng.randint(7, 18))
        text = " ".join(rng.choices(vocab, weights, k=rng.randint(80, 220)))
        record = Record(
            title=" ".join(words).capitalize(),
            abstract_sections=(AbstractSection(label="", text=text.capitalize() + "."),),
            authors=_authors(rng, surnames),
            **_citation(rng, k, journals),
        )
        recent.append((k, record))
        yield k, record


def build(db: Path, kind: str, n: int) -> list[int]:
    """Store the generated records (ids 1..n in order); the origin of each, by position."""
    from review.store import open_store

    origins: list[int] = []
    batch: list[tuple[str, Record]] = []
    with open_store(db) as store:
        for origin, record in (hostile if kind == "hostile" else realistic)(n):
            batch.append((str(len(origins)), record))
            origins.append(origin)
            if len(batch) == BATCH:
                store.add_records("benchmark", batch)
                batch = []
        if batch:
            store.add_records("benchmark", batch)
        assert store.max_record_id() == len(origins)
    return origins


def worker(db: str) -> None:
    """Run dedupe on ``db`` in this process; print its figures as JSON."""
    from review.dedupe.run import dedupe
    from review.store import open_store

    totals: dict[str, int | None] = {}

    def progress(step: str, done: int, total: int | None) -> None:
        totals[step] = total if total is not None else done

    started = time.perf_counter()
    with open_store(Path(db), create=False) as store:
        result = dedupe(store, progress=progress)
    print(
        json.dumps(
            dict(
                seconds=round(time.perf_counter() - started, 2),
                peak_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                merged=result.merged,
                pending=result.pending,
                steps=totals,
            )
        )
    )


def _root(parent: list[int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def recall(db: Path, origins: list[int]) -> tuple[float, float, int]:
    """Share of the true duplicate pairs (copy, original) joined by automatic merges, and by
    merges or queued pairs; and the automatic merges joining records of different origins."""
    from review.store import open_store

    with open_store(db, create=False) as store:
        pairs = [(p.a, p.b, p.status) for p in store.pairs()]
    n = len(origins)
    truth = [(origins[i] + 1, i + 1) for i in range(n) if origins[i] != i]
    found = []
    for statuses in (("merged",), ("merged", "pending")):
        parent = list(range(n + 1))
        for a, b, status in pairs:
            if status in statuses:
                parent[_root(parent, a)] = _root(parent, b)
        found.append(sum(_root(parent, a) == _root(parent, b) for a, b in truth))
    wrong = sum(1 for a, b, s in pairs if s == "merged" and origins[a - 1] != origins[b - 1])
    total = max(1, len(truth))
    return found[0] / total, found[1] / total, wrong


def run(kind: str, n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "review.db"
        origins = build(db, kind, n)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--worker", str(db)],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        wall = time.perf_counter() - started
        if done.returncode:
            return dict(kind=kind, n=n, failed=done.returncode, wall=wall, err=done.stderr[-400:])
        out = json.loads(done.stdout.strip().splitlines()[-1])
        auto, any_, wrong = recall(db, origins)
    steps = out["steps"]
    return dict(
        kind=kind,
        n=n,
        seconds=out["seconds"],
        wall=round(wall, 1),
        peak_mb=out["peak_mb"],
        candidates=steps.get("Scoring candidate pairs", 0),
        comparisons=steps.get("Finding candidate pairs", 0),
        merged=out["merged"],
        pending=out["pending"],
        recall_auto=round(auto, 4),
        recall_any=round(any_, 4),
        false_merges=wrong,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", default="hostile,realistic")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    print(
        f"{'kind':9s} {'records':>9s} {'dedupe s':>9s} {'wall s':>7s} {'peak MB':>8s} "
        f"{'candidates':>11s} {'cand/rec':>8s} {'merged':>7s} {'queue':>6s} "
        f"{'recall auto':>11s} {'recall any':>10s} {'false merges':>12s}",
        flush=True,
    )
    for kind in args.kind.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            r = run(kind, n)
            if "failed" in r:
                print(f"{kind:9s} {n:9,d} FAILED (exit {r['failed']}) after {r['wall']:.0f} s: "
                      f"{r['err']}", flush=True)  # fmt: skip
                continue
            print(
                f"{kind:9s} {n:9,d} {r['seconds']:9.1f} {r['wall']:7.1f} {r['peak_mb']:8,d} "
                f"{r['candidates']:11,d} {r['candidates'] / n:8.1f} {r['merged']:7,d} "
                f"{r['pending']:6,d} {r['recall_auto']:11.4f} {r['recall_any']:10.4f} "
                f"{r['false_merges']:12,d}",
                flush=True,
            )


if __name__ == "__main__":
    main()
