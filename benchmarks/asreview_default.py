"""Replay labelled reviews with ASReview's default model, in ASReview's own environment.

Run by ``benchmarks/prioritise.py --asreview PYTHON`` with the interpreter of a separate virtual
environment that has ``asreview`` installed (the project never depends on it). Reads a JSON list
of jobs on stdin, each ``{"title": [...], "abstract": [...], "labels": [...], "priors": [...],
"seed": int, "schedule": "each" | [n_query per number labelled]}``, and writes one JSON list of
orders (record indexes in the order shown) on stdout.

The model is whatever ``asreview.models.get_ai_config()`` returns as the default (ASReview 3:
ELAS u4, TF-IDF 1-2 grams + linear SVM, includes weighted 9.8x, most likely relevant first).
``"each"`` retrains after every record, as ASReview's simulations do by default.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
from asreview.learner import ActiveLearningCycle
from asreview.models import get_ai_config
from asreview.simulation.simulate import Simulate


def replay(job: dict) -> list[int]:
    labels = np.asarray(job["labels"], dtype=np.int64)
    cycle = ActiveLearningCycle.from_meta(get_ai_config()["value"])
    schedule = job["schedule"]
    if schedule != "each":
        cycle.n_query = lambda results: int(schedule[min(len(results), len(schedule) - 1)])
    for part in (cycle.classifier, cycle.balancer, cycle.querier):
        if part is not None and "random_state" in part.get_params():
            part.set_params(random_state=job["seed"])
    X = pd.DataFrame({"title": job["title"], "abstract": job["abstract"]})
    sim = Simulate(X, labels, cycle, print_progress=False)
    sim.label(job["priors"])
    sim.review()
    order = [int(i) for i in sim._results["record_id"]]
    seen = set(order)
    return order + [i for i in range(len(labels)) if i not in seen]  # the rest: all irrelevant


def main() -> None:
    jobs = json.load(sys.stdin)
    json.dump([replay(job) for job in jobs], sys.stdout)


if __name__ == "__main__":
    main()
