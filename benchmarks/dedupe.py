"""Deduplication accuracy on the Rathbone stroke set and the hard cases, and speed on 50,000
generated records.

Run from the repository root: ``.venv/bin/python benchmarks/dedupe.py [--skip-speed]``.

The hard cases (``benchmarks/dedupe_cases.py``: bilingual titles, errata, citation noise,
recurring columns, different identifiers, Cochrane versions, the published hard cases, and all of
them mixed with the Rathbone records) get one line each: pairwise TP/FP/FN, sensitivity,
specificity, false merges, erratum links, and the reviewer's queue (pairs, % of records, and how
many of the true pairs automatic decisions missed it holds).

Accuracy is pairwise: every pair of records is a true duplicate pair (same labelled group) or not,
and predicted duplicate pairs are the pairs inside the connected components of the matches, as a
review would merge them. The speed run duplicates 20-30% of generated records with the
perturbations databases really introduce (case, punctuation, missing DOI, abbreviated journal,
truncated authors, short page ranges, typos), stores them in a review database and times
``review dedupe`` on it in its own process: seconds (wall, including start-up) and that process's
peak memory, then the accuracy on the generated groups.
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
from collections import Counter
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from review.dedupe.match import Match, find_matches  # noqa: E402
from review.records import Author, Record  # noqa: E402
from review.store import open_store  # noqa: E402

DATA = ROOT / "tests" / "data" / "dedupe"


def parse_authors(text: str) -> tuple[Author, ...]:
    """BibTeX-style "Zhai, Q. J. and Yue, Xiao" as Authors ("null" is the export's empty name)."""
    out = []
    for part in re.split(r"\s+and\s+", text or ""):
        part = part.strip()
        if not part:
            continue
        last, _, first = part.partition(",")
        first = "" if first.strip().lower() == "null" else first.strip()
        names = [n for n in re.split(r"[\s.\-]+", first) if n]
        if all(len(n) <= 2 and n.isupper() for n in names):
            out.append(Author(last_name=last.strip(), initials="".join(names)))
        else:
            initials = "".join(n[0].upper() for n in names)
            out.append(Author(last_name=last.strip(), fore_name=first, initials=initials))
    return tuple(out)


def load_rathbone(folder: Path = DATA) -> tuple[list[tuple[int, Record]], list[set[int]]]:
    """The records as (id, Record) and the labelled duplicate groups as sets of ids."""
    records = []
    with open(folder / "records_pre_merged.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rid = int(row["ID"].removeprefix("id_"))
            year = row["year"].strip()
            record = Record(
                title=row["title"],
                authors=parse_authors(row["author"]),
                journal=row["journal"],
                year=int(float(year)) if year else None,
                volume=row["volume"],
                issue=row["number"],
                pages=row["pages"],
                raw_format="csv",
            )
            records.append((rid, record))
    groups = []
    with open(folder / "merged_record_ids.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            groups.append({int(x.removeprefix("id_")) for x in row["merged_ids"].split(";")})
    return records, groups


def components(ids: list[int], edges: list[tuple[int, int]]) -> list[set[int]]:
    parent = {i: i for i in ids}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[root(a)] = root(b)
    groups: dict[int, set[int]] = {}
    for i in ids:
        groups.setdefault(root(i), set()).add(i)
    return [g for g in groups.values() if len(g) > 1]


def pair_set(groups: list[set[int]]) -> set[tuple[int, int]]:
    return {pair for g in groups for pair in combinations(sorted(g), 2)}


def pairwise(n: int, truth: set, predicted: set) -> dict[str, float]:
    tp = len(truth & predicted)
    fp = len(predicted - truth)
    fn = len(truth - predicted)
    tn = n * (n - 1) // 2 - tp - fp - fn
    sens = tp / (tp + fn) if tp + fn else 1.0
    spec = tn / (tn + fp) if tn + fp else 1.0
    prec = tp / (tp + fp) if tp + fp else 1.0
    f1 = 2 * prec * sens / (prec + sens) if prec + sens else 0.0
    return dict(
        tp=tp, fp=fp, fn=fn, tn=tn, sensitivity=sens, specificity=spec, precision=prec, f1=f1
    )


def evaluate(records, groups, matches: list[Match]) -> dict[str, dict[str, float]]:
    ids = [i for i, _ in records]
    truth = pair_set(groups)
    # merges only: an erratum link (kind "erratum") keeps two records, which this set labels apart
    auto = [
        (m.a, m.b)
        for m in matches
        if m.verdict == "duplicate" and getattr(m, "kind", "duplicate") == "duplicate"
    ]
    possible = [
        (m.a, m.b)
        for m in matches
        if m.verdict == "possible" and getattr(m, "kind", "duplicate") == "duplicate"
    ]
    confirmed = [p for p in possible if p in truth]  # a reviewer who judges every pair right
    return {
        "auto": pairwise(len(ids), truth, pair_set(components(ids, auto))),
        "auto+possible": pairwise(len(ids), truth, pair_set(components(ids, auto + possible))),
        "auto+reviewed": pairwise(len(ids), truth, pair_set(components(ids, auto + confirmed))),
    }


def _print_metrics(name: str, m: dict[str, float]) -> None:
    print(
        f"  {name:14s} TP {m['tp']:5d}  FP {m['fp']:4d}  FN {m['fn']:4d}  TN {m['tn']:7d}  "
        f"sens {m['sensitivity']:.4f}  spec {m['specificity']:.6f}  "
        f"prec {m['precision']:.4f}  F1 {m['f1']:.4f}"
    )


def rathbone(verbose: bool = False) -> None:
    records, groups = load_rathbone()
    started = time.perf_counter()
    matches = find_matches(records)
    seconds = time.perf_counter() - started
    result = evaluate(records, groups, matches)
    possible = sum(1 for m in matches if m.verdict == "possible")
    print(f"Rathbone stroke set: {len(records)} records, {len(groups)} labelled groups")
    for name, m in result.items():
        _print_metrics(name, m)
    print(f"  possible pairs for a reviewer: {possible}   find_matches: {seconds:.2f} s")
    if verbose:
        _explain(records, groups, matches)


def hard_cases(verbose: bool = False) -> None:
    """Every labelled set: Rathbone, each generated class, and all of them mixed."""
    from benchmarks.dedupe_cases import LabelledSet, hard_sets

    records, groups = load_rathbone()
    sets = [LabelledSet("rathbone", records, groups), *hard_sets(records, groups)]
    print(
        f"{'set':12s} {'records':>7s} {'pairs':>5s} {'TP':>5s} {'FP':>3s} {'FN':>3s} "
        f"{'sens':>6s} {'spec':>8s} {'false merges':>12s} {'links':>5s} {'queue':>5s} "
        f"{'queue %':>7s} {'missed, queued':>14s}"
    )
    for s in sets:
        row = score_set(s.records, s.groups, find_matches(s.records))
        print(
            f"{s.name:12s} {len(s.records):7d} {row['pairs']:5d} {row['tp']:5d} {row['fp']:3d} "
            f"{row['fn']:3d} {row['sensitivity']:6.4f} {row['specificity']:8.6f} "
            f"{row['false_merges']:12d} {row['links']:5d} {row['queue']:5d} "
            f"{row['queue_share']:7.2%} {row['queued_of_missed']:>14s}"
        )
        if verbose and s.name != "rathbone":
            _explain(s.records, s.groups, find_matches(s.records))


def score_set(records, groups, matches: list[Match]) -> dict:
    """Pairwise figures for automatic decisions (merges and erratum links, each a pair screened
    once), false merges (wrong pairs from merges alone), and the reviewer's queue."""
    ids = [i for i, _ in records]
    truth = pair_set(groups)
    merges = [
        (m.a, m.b)
        for m in matches
        if m.verdict == "duplicate" and getattr(m, "kind", "duplicate") == "duplicate"
    ]
    links = [
        (m.a, m.b)
        for m in matches
        if m.verdict == "duplicate" and getattr(m, "kind", "duplicate") != "duplicate"
    ]
    merged = pair_set(components(ids, merges))
    predicted = pair_set(components(ids, merges + links))
    queue = [(m.a, m.b) for m in matches if m.verdict == "possible"]
    missed = truth - predicted
    row = pairwise(len(ids), truth, predicted)
    return row | {
        "pairs": len(truth),
        "false_merges": len(merged - truth),
        "links": len(links),
        "queue": len(queue),
        "queue_share": len(queue) / len(ids),
        "queued_of_missed": f"{len(missed & set(queue))}/{len(missed)}",
    }


def _explain(records, groups, matches) -> None:
    """Print missed and false pairs with their fields, to see why."""
    by_id = dict(records)
    truth = pair_set(groups)
    found = {(m.a, m.b): m for m in matches}
    auto = pair_set(
        components(
            [i for i, _ in records], [k for k, m in found.items() if m.verdict == "duplicate"]
        )
    )
    for k, m in found.items():
        if m.verdict == "possible" and k not in truth:
            print(f"queued, not a pair {k}: {m.reasons}")
    for label, pairs in (("missed", sorted(truth - auto)), ("false", sorted(auto - truth))):
        for a, b in pairs:
            m = found.get((a, b))
            print(
                f"{label} {a} {b}: {m.verdict + ' ' + str(m.score) if m else 'no match'}"
                f" {m.reasons if m else ''}"
            )
            for r in (by_id[a], by_id[b]):
                who = "; ".join(x.display for x in r.authors[:3])
                print(
                    f"    {r.title[:100]} | {r.year} | {who} | {r.journal[:40]} | "
                    f"{r.volume}({r.issue}) {r.pages}"
                )


# ---------------------------------------------------------------- synthetic 50,000 records


def _vocabulary() -> tuple[list[str], list[int], list[str], list[str]]:
    """Title words with their frequencies, surnames and journals from the real records."""
    records, _ = load_rathbone()
    words: Counter[str] = Counter()
    surnames, journals = set(), set()
    for _, r in records:
        words.update(w for w in re.findall(r"[A-Za-z][a-z\-]+", r.title.lower()))
        surnames.update(a.last_name for a in r.authors if a.last_name)
        if r.journal:
            journals.add(r.journal)
    demo = ROOT / "review" / "demo_data" / "Nagtegaal_2019.csv"
    if demo.exists():
        with open(demo, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                words.update(re.findall(r"[A-Za-z][a-z\-]+", row["title"].lower()))
    vocab = sorted(words)
    return vocab, [words[w] for w in vocab], sorted(surnames), sorted(journals)


_OPENINGS = ("effect of", "a randomized controlled trial of", "the effectiveness of", "")


def _abbreviate(journal: str) -> str:
    skip = {"of", "the", "and", "&", "for", "in"}
    return " ".join(
        w[:4].title() if len(w) > 4 else w.title() for w in journal.split() if w.lower() not in skip
    )


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 10:
        return s
    i = rng.randrange(1, len(s) - 1)
    return s[:i] + s[i + 1] + s[i] + s[i + 2 :] if rng.random() < 0.5 else s[:i] + s[i + 1 :]


def synthetic(
    n: int = 50_000, dup_share: float = 0.25, seed: int = 7
) -> tuple[list[tuple[int, Record]], list[set[int]]]:
    """Generated records and their true duplicate groups."""
    rng = random.Random(seed)
    vocab, weights, surnames, journals = _vocabulary()
    n_orig = int(n * (1 - dup_share))
    originals = []
    for k in range(n_orig):
        words = rng.choices(vocab, weights, k=rng.randint(7, 18))
        title = (rng.choice(_OPENINGS) + " " + " ".join(words)).strip().capitalize()
        authors = tuple(
            Author(
                last_name=rng.choice(surnames).title(),
                fore_name="",
                initials=rng.choice("ABCDEFGHJKLMNPRSTW") + rng.choice(["", "J", "M"]),
            )
            for _ in range(rng.randint(1, 9))
        )
        start = rng.randint(1, 2500)
        originals.append(
            Record(
                title=title,
                authors=authors,
                journal=rng.choice(journals),
                year=rng.randint(1995, 2024),
                volume=str(rng.randint(1, 120)),
                issue=str(rng.randint(1, 12)),
                pages=f"{start}-{start + rng.randint(3, 15)}",
                doi=f"10.{rng.randint(1000, 9999)}/x{k}" if rng.random() < 0.7 else "",
            )
        )
    out = [(k, r) for k, r in enumerate(originals)]
    while len(out) < n:
        origin = rng.randrange(n_orig)
        r = originals[origin]
        changes: dict = {}
        if rng.random() < 0.4:
            changes["title"] = r.title.upper() if rng.random() < 0.3 else r.title.lower() + "."
        if rng.random() < 0.15:
            changes["title"] = _typo(rng, changes.get("title", r.title))
        if rng.random() < 0.5:
            changes["doi"] = ""
        if rng.random() < 0.4:
            changes["journal"] = _abbreviate(r.journal)
        if rng.random() < 0.3:
            changes["authors"] = r.authors[:3]
        if rng.random() < 0.3 and "-" in r.pages:
            first, last = r.pages.split("-")
            changes["pages"] = f"{first}-{last[-1]}"
        if rng.random() < 0.1:
            changes["year"] = r.year + 1
        out.append((origin, Record(**{**r.__dict__, **changes})))
    rng.shuffle(out)
    by_origin: dict[int, set[int]] = {}
    for rid, (origin, _) in enumerate(out, start=1):
        by_origin.setdefault(origin, set()).add(rid)
    records = [(rid, r) for rid, (_, r) in enumerate(out, start=1)]
    return records, [g for g in by_origin.values() if len(g) > 1]


def speed(n: int = 50_000) -> None:
    records, groups = synthetic(n)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "review.db"
        with open_store(db) as store:
            store.add_records("benchmark", [(str(rid), r) for rid, r in records])
            ids = [i for i, _ in store.records_for_matching()]
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "review.cli", "dedupe", str(db), "--json"],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        result = json.loads(done.stdout)
        with open_store(db) as store:
            pairs = store.pairs()
    # records were stored in order, so database id i is generated record i
    assert ids == [rid for rid, _ in records]
    print(
        f"review dedupe on {n:,} generated records: {seconds:.1f} s, peak memory {peak:.0f} MB "
        f"(matching inside: {result['seconds']:.1f} s); {result['merged']:,} pairs merged, "
        f"{result['possible']:,} possible"
    )
    matches = [Match(p.a, p.b, p.score, p.verdict, ()) for p in pairs]
    for name, m in evaluate(records, groups, matches).items():
        _print_metrics(name, m)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--explain", action="store_true", help="list missed and false pairs")
    parser.add_argument("-n", type=int, default=50_000)
    args = parser.parse_args()
    rathbone(args.explain)
    hard_cases(args.explain)
    if not args.skip_speed:
        speed(args.n)


if __name__ == "__main__":
    main()
