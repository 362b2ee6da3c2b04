"""Benchmark the order before the first include: BM25 similarity to the review question against
import order and a random order, on two labelled sets.

Each set is loaded into a real review file (so BM25 is SQLite FTS5's, as on the Screen page), its
protocol set to a question written from the published review's question (not tuned to the
labels), and the static order is scored: records screened to reach the first include and 10%
recall. The random order is the mean over ``--seeds`` shuffles. BM25 is also shown with the
question alone, and with the question and criteria, to see what each part adds.

    .venv/bin/python benchmarks/first_include.py [--seeds 100]
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review.demo import demo_records  # noqa: E402
from review.prioritise.question import question_order, question_query  # noqa: E402
from review.screening.model import Settings  # noqa: E402
from review.screening.state import current_units  # noqa: E402
from review.store import open_store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# (file, label column, protocol): the protocols are the published reviews' questions as a
# reviewer would set them up, written before looking at any result.
SETS = {
    "Nagtegaal 2019 (nudging healthcare professionals)": (
        ROOT / "review" / "demo_data" / "Nagtegaal_2019.csv",
        "label_abstract_screening",
        Settings(
            question="Which nudges have been used to change the behaviour of healthcare "
            "professionals, and do they move medical decisions towards evidence-based medicine?",
            criteria="Inclusion: empirical studies of a nudge (a change in choice architecture "
            "such as defaults, reminders, feedback, social norms or framing) aimed at the "
            "decisions of physicians, nurses or other healthcare professionals in practice.\n"
            "Exclusion: interventions aimed at patients; financial incentives; education only.",
            include_terms=(
                "nudge",
                "choice architecture",
                "default",
                "reminder",
                "physician",
                "clinician",
            ),
        ),
    ),  # fmt: skip
    "Bannach-Brown 2019 (animal models of depression)": (
        ROOT / "tests" / "data" / "prioritise" / "Bannach-Brown_2019.csv",
        "label_included",
        Settings(
            question="In animal models of depression, what are the effects of inducing the "
            "model and of treatments on depression-like behaviour?",
            criteria="Inclusion: primary studies in non-human animals that induce a "
            "depression-like phenotype (for example chronic mild stress, learned helplessness, "
            "social defeat, olfactory bulbectomy or a genetic model) and measure "
            "depression-like behaviour (for example forced swim test, tail suspension test or "
            "sucrose preference).\nExclusion: human studies, in vitro studies, reviews.",
            include_terms=(
                "depression",
                "depressive",
                "animal model",
                "rat",
                "mice",
                "forced swim",
                "sucrose preference",
                "tail suspension",
            ),
        ),
    ),  # fmt: skip
}


def screened_until(order: list[int], truth: dict[int, int], share: float) -> int:
    """Records screened (1-based) until ``share`` of the relevant ones are found; share 0 means
    the first include."""
    need = max(1, math.ceil(share * sum(truth.values())))
    found = 0
    for n, unit in enumerate(order, 1):
        found += truth[unit]
        if found >= need:
            return n
    return len(order)


def run(seeds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, (path, column, protocol) in SETS.items():
            with path.open(encoding="utf-8", newline="") as handle:
                labels = [int(row[column]) for row in csv.DictReader(handle)]
            with open_store(Path(folder) / f"{path.stem}.db") as store:
                store.add_records("benchmark", demo_records(path))
                units = tuple(current_units(store))
                truth = dict(zip(sorted(units), labels, strict=True))
                relevant = sum(labels)
                print(f"\n{name}: {len(units):,} records, {relevant:,} relevant "
                      f"(10% recall = {math.ceil(0.1 * relevant)})")  # fmt: skip
                print(f"{'order':<34}{'to first include':>18}{'to 10% recall':>16}{'ms':>8}")
                variants = {
                    "BM25: question": Settings(question=protocol.question),
                    "BM25: question + criteria": Settings(
                        question=protocol.question, criteria=protocol.criteria
                    ),
                    "BM25: question + criteria + terms": protocol,
                }
                for label, settings in variants.items():
                    started = time.perf_counter()
                    order = list(question_order(store, units, set(), question_query(settings)))
                    ms = (time.perf_counter() - started) * 1000
                    print(f"{label:<34}{screened_until(order, truth, 0):>18,}"
                          f"{screened_until(order, truth, 0.1):>16,}{ms:>8.0f}")  # fmt: skip
                listed = list(units)
                print(f"{'import order':<34}{screened_until(listed, truth, 0):>18,}"
                      f"{screened_until(listed, truth, 0.1):>16,}")  # fmt: skip
                first, tenth = [], []
                for seed in range(seeds):
                    shuffled = listed[:]
                    random.Random(seed).shuffle(shuffled)
                    first.append(screened_until(shuffled, truth, 0))
                    tenth.append(screened_until(shuffled, truth, 0.1))
                print(f"{f'random (mean of {seeds} seeds)':<34}{sum(first) / seeds:>18.1f}"
                      f"{sum(tenth) / seeds:>16.1f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100, help="random orders to average")
    run(parser.parse_args().seeds)


if __name__ == "__main__":
    main()
