"""Benchmark screening prioritisation on the labelled sets in tests/data/prioritise/.

Replays each review over several seeds (same random priors for every method) and prints the mean
(min) work saved, a random-order baseline, and how long a retrain + re-rank of 10,000 records
takes. If ``asreview`` is importable, ASReview's default model (ELAS u4: TF-IDF 1-2 grams, linear
SVM, balanced sampling, most-likely-relevant first) is replayed with the same priors and the same
retrain schedule, so only the model differs.

    .venv/bin/python benchmarks/prioritise.py [--seeds 5] [--no-asreview]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review.prioritise import Ranker, metrics, retrain_interval, simulate  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "prioritise"
DEMO = Path(__file__).resolve().parents[1] / "review" / "demo_data"  # Nagtegaal 2019 is kept there
SETS = ("Nagtegaal_2019.csv", "Bannach-Brown_2019.csv")
KEYS = ("wss@95", "wss@100", "recall@10%", "recall@25%", "screened_to_95")


def load(path: Path) -> tuple[list[str], list[str], list[int]]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    titles = [r.get("title") or "" for r in rows]
    abstracts = [r.get("abstract") or "" for r in rows]
    return titles, abstracts, [int(r["label_included"]) for r in rows]


def priors(labels: list[int], seed: int) -> list[int]:
    """The prior records simulate() uses for this seed (one include, one exclude)."""
    y = np.asarray(labels)
    rng = np.random.default_rng(seed)
    chosen = [rng.choice(np.flatnonzero(y == 1), 1), rng.choice(np.flatnonzero(y == 0), 1)]
    return [int(i) for i in rng.permutation(np.concatenate(chosen))]


def generated_texts(n: int, seed: int = 0) -> list[str]:
    """Abstract-length texts from a Zipf-like vocabulary, for timing only."""
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(20_000)])
    p = 1.0 / np.arange(1, len(vocab) + 1)
    p /= p.sum()
    return [" ".join(rng.choice(vocab, size=220, p=p)) for _ in range(n)]


def retrain_seconds(n: int = 10_000, n_labelled: int = 1_000) -> float:
    """Median seconds for one retrain + re-rank with ``n_labelled`` decisions among ``n``."""
    ranker = Ranker(generated_texts(n))
    rng = np.random.default_rng(1)
    idx = rng.choice(n, size=n_labelled, replace=False)
    times = []
    for rep in range(5):
        labelled = {int(i): int(rng.random() < 0.1) for i in idx}
        labelled[int(idx[rep])] = 1  # a new decision each time, so nothing is cached
        start = time.perf_counter()
        ranker.rank(labelled)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def asreview_order(titles, abstracts, labels, seed: int) -> list[int] | None:
    """ASReview's default model, same priors and retrain schedule; None if it cannot run."""
    try:
        import pandas as pd
        from asreview.learner import ActiveLearningCycle
        from asreview.models import get_ai_config
        from asreview.simulation.simulate import Simulate
    except Exception:  # noqa: BLE001 - any import failure means "not available"
        return None
    n = len(labels)
    cycle = ActiveLearningCycle.from_meta(get_ai_config()["value"])
    cycle.n_query = lambda results: retrain_interval(len(results), n)
    for part in (cycle.classifier, cycle.balancer, cycle.querier):
        if part is not None and "random_state" in part.get_params():
            part.set_params(random_state=seed)
    X = pd.DataFrame({"title": titles, "abstract": abstracts})
    sim = Simulate(X, np.asarray(labels), cycle, print_progress=False)
    sim.label(priors(labels, seed))
    sim.review()
    order = [int(i) for i in sim._results["record_id"]]
    seen = set(order)
    return order + [i for i in range(n) if i not in seen]  # the rest are all irrelevant


def summary(name: str, results: list[dict]) -> str:
    cells = []
    for key in KEYS:
        vals = [r[key] for r in results]
        if key == "screened_to_95":
            cells.append(f"{key} {np.mean(vals):.0f} (max {max(vals)})")
        else:
            cells.append(f"{key} {np.mean(vals):.3f} (min {min(vals):.3f})")
    return f"  {name:<10} " + "  ".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--no-asreview", action="store_true")
    args = parser.parse_args()
    seeds = range(args.seeds)
    for name in SETS:
        path = DATA / name if (DATA / name).exists() else DEMO / name
        titles, abstracts, labels = load(path)
        texts = [f"{t}\n{a}" for t, a in zip(titles, abstracts, strict=True)]
        print(f"{name}: {len(labels)} records, {sum(labels)} relevant, seeds {list(seeds)}")
        ranker, ours, rand, asr = Ranker(texts), [], [], []
        start = time.perf_counter()
        for seed in seeds:
            order = simulate(texts, labels, seed=seed, ranker=ranker)
            ours.append(metrics([labels[i] for i in order]))
            perm = np.random.default_rng(seed).permutation(len(labels))
            rand.append(metrics([labels[i] for i in perm]))
        ours_s = (time.perf_counter() - start) / len(seeds)
        print(summary("ours", ours) + f"  [{ours_s:.1f} s/run]")
        print(summary("random", rand))
        if not args.no_asreview:
            start = time.perf_counter()
            for seed in seeds:
                order = asreview_order(titles, abstracts, labels, seed)
                if order is None:
                    break
                asr.append(metrics([labels[i] for i in order]))
            if asr:
                asr_s = (time.perf_counter() - start) / len(seeds)
                print(summary("asreview", asr) + f"  [{asr_s:.1f} s/run]")
            else:
                print("  asreview   not installed; skipped")
    print(f"retrain + re-rank 10,000 records (1,000 labelled): {retrain_seconds():.3f} s")


if __name__ == "__main__":
    main()
