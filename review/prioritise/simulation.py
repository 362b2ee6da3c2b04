"""Replay a labelled review to measure how much screening the ranking saves.

A simulated reviewer starts from a few random known includes and excludes (the "prior
knowledge"), then always screens the top of the current ranking. The model is retrained on the
same schedule the app uses (``retrain_interval``), not after every decision: retraining after each
of 2,000 decisions is too slow for benchmarks, and the app retrains in the background anyway.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from review.prioritise.ranker import Ranker, joined_text
from review.progress import Progress, Tally

# CSV columns read as indexing terms by ``simulate_file`` (several in a cell separated by ";")
TERM_COLUMNS = ("keywords", "mesh", "mesh_terms", "mesh_headings", "publication_types")


def retrain_interval(n_labelled: int, n_total: int) -> int:
    """How many records to screen before the next retrain: every record while the model is young
    (it changes fastest then), then ~10 % of the decisions so far, capped at 1 % of the review."""
    cap = max(1, math.ceil(n_total / 100))
    return max(1, min(n_labelled // 10, cap))


def simulate(
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    prior_included: int = 1,
    prior_excluded: int = 1,
    seed: int = 0,
    ranker: Ranker | None = None,
    progress: Progress | None = None,
) -> list[int]:
    """The order in which records are shown: the random priors first (fixed by ``seed``), then
    the top of each retrained ranking. Pass ``ranker`` to reuse one feature matrix across seeds.

    Once every relevant record has been shown the rest follow in the last ranking without further
    retraining: no metric depends on their order, and it makes the replay much faster.
    ``progress`` is told "Building text features" (unless ``ranker`` is given), then
    "Replaying the screening" (records shown).
    """
    y = np.asarray(labels, dtype=np.int64)
    if len(y) != len(texts):
        raise ValueError("texts and labels differ in length")
    ranker = ranker if ranker is not None else Ranker(texts, seed=seed, progress=progress)
    rng = np.random.default_rng(seed)
    inc, exc = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    priors = np.concatenate(
        [
            rng.choice(inc, size=min(prior_included, len(inc)), replace=False),
            rng.choice(exc, size=min(prior_excluded, len(exc)), replace=False),
        ]
    )
    order = [int(i) for i in rng.permutation(priors)]
    labelled = {i: int(y[i]) for i in order}
    found, total = int(y[order].sum()) if order else 0, int(y.sum())
    tally = Tally(progress, "Replaying the screening", len(y))
    tally.add(len(order))
    while len(order) < len(y):
        queue = ranker.rank(labelled)
        if found == total:
            order.extend(queue)
            break
        shown = queue[: retrain_interval(len(labelled), len(y))]
        for i in shown:
            order.append(i)
            labelled[i] = int(y[i])
            found += int(y[i])
        tally.add(len(shown))
    tally.end()
    return order


def _screened_to(cum: np.ndarray, needed: int) -> int:
    return int(np.searchsorted(cum, needed) + 1)


def metrics(order_labels: Sequence[int]) -> dict[str, float]:
    """Work saved over sampling and recall for labels in the order shown (priors included).

    ``screened_to_95``: records screened until ceil(0.95 x relevant) were found.
    ``wss@r`` = (N - screened_to_r) / N - (1 - r).  ``recall@p``: share of the relevant records
    among the first ceil(p x N) shown. With no relevant record every value is NaN.
    """
    y = np.asarray(order_labels, dtype=np.int64)
    n, total = len(y), int(y.sum())
    keys = ("wss@95", "wss@100", "recall@10%", "recall@25%", "screened_to_95")
    if n == 0 or total == 0:
        return dict.fromkeys(keys, math.nan)
    cum = np.cumsum(y)
    # the epsilon keeps ceil(0.95 * 100) at 95 despite 0.95 * 100 == 95.00000000000001
    to95 = _screened_to(cum, math.ceil(0.95 * total - 1e-9))
    to100 = _screened_to(cum, total)
    return {
        "wss@95": (n - to95) / n - 0.05,
        "wss@100": (n - to100) / n,
        "recall@10%": int(cum[math.ceil(0.10 * n - 1e-9) - 1]) / total,
        "recall@25%": int(cum[math.ceil(0.25 * n - 1e-9) - 1]) / total,
        "screened_to_95": to95,
    }


def simulate_file(
    path,
    *,
    label_column: str = "included",
    seed: int = 0,
    prior_included=1,
    prior_excluded=1,
    progress: Progress | None = None,
) -> tuple[list[tuple[str, int, int]], dict[str, float]]:
    """Replay a labelled CSV (record_id, title, abstract, a 0/1 label column, and optionally the
    ``TERM_COLUMNS``): the order shown, as (record_id, rank, label), and its metrics;
    ``progress`` as for ``simulate``."""
    from pathlib import Path

    from review.errors import ImportFileError
    from review.imports.csvrows import csv_dicts

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{path}: cannot be read as UTF-8 CSV ({exc}).", path=path) from exc
    rows = [row for _line, row in csv_dicts(text, str(path))]  # strict: quotes, 1 MiB cells
    header = set(rows[0]) if rows else set()
    missing = [c for c in ("record_id", "title", label_column) if c not in header]
    if missing:
        raise ImportFileError(
            f"{path}, line 1: the columns {', '.join(missing)} are missing; a labelled set needs "
            f"record_id, title, abstract and a 0/1 column (--label-column, now {label_column!r}).",
            path=path,
            line=1,
        )
    labels = []
    for line, row in enumerate(rows, start=2):
        value = (row[label_column] or "").strip()
        if value not in ("0", "1"):
            raise ImportFileError(
                f"{path}, line {line}, column {label_column}: {value!r} is not 0 or 1.",
                path=path,
                line=line,
            )
        labels.append(int(value))
    # indexing terms, when the file has them, become the ranker's terms features
    term_columns = [c for c in TERM_COLUMNS if c in header]
    texts = [
        joined_text(r.get("title"), r.get("abstract"), [r.get(c) or "" for c in term_columns])
        for r in rows
    ]
    order = simulate(
        texts,
        labels,
        prior_included=prior_included,
        prior_excluded=prior_excluded,
        seed=seed,
        progress=progress,
    )
    shown = [(rows[i]["record_id"], rank, labels[i]) for rank, i in enumerate(order, start=1)]
    return shown, metrics([labels[i] for i in order])
