"""Ranking for the Screen page, computed away from the page so that it never waits.

Building the text features of a large review is seconds of Python work that holds the GIL; done
in the app server it freezes every page while it runs (an earlier in-process thread made the
page hang). So ranking runs in one worker process per server, which keeps each review's features
between retrains. The page asks for the newest finished ranking and gets it at once: while a
retrain for newer decisions is under way it keeps using the previous one (or import order before
the first), and the next page view after the retrain finishes uses the new order.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
import types
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from review.prioritise.ranker import Ranker, record_text
from review.screening.decisions import settings
from review.screening.state import current_state, current_units
from review.workers import start_worker

STAGE = "title_abstract"
TOP = 50  # records whose probability and top terms are sent back with the order
RELEVANT = ("include", "maybe")  # a "maybe" goes to full text: treat as relevant for learning

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ranking:
    key: tuple  # what it was computed from: duplicate groups, queue, labels
    order: tuple[int, ...]  # unlabelled records (group primaries), most likely relevant first
    labelled: int
    relevant: int
    cold: bool  # no model yet (needs an include and an exclude): import order
    seconds: float  # the retrain, in the worker
    probabilities: dict[int, float] = field(default_factory=dict)  # of the first TOP
    terms: dict[int, tuple[str, ...]] = field(default_factory=dict)


def training_labels(store) -> dict[int, int]:
    """1 for records finally included (or maybe), 0 for excluded: the consensus under dual
    screening, so one reviewer's pending decision does not teach the model yet."""
    dual = settings(store).dual
    state = current_state(store, STAGE)
    labels = {}
    for unit in state.mine.keys() | state.resolved.keys():
        final = state.final(unit, dual)
        if final in RELEVANT:
            labels[unit] = 1
        elif final == "exclude":
            labels[unit] = 0
    return labels


# -- the server side ------------------------------------------------------------------------------

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_latest: dict[str, Ranking] = {}
_running: dict[str, tuple[tuple, Future]] = {}
_failed: dict[str, tuple] = {}


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # forkserver: a clean process, not a fork of a server full of threads
        context = multiprocessing.get_context("forkserver")
        _pool = ProcessPoolExecutor(
            max_workers=1, mp_context=context, initializer=start_worker, initargs=(os.getpid(),)
        )
    return _pool


def _submit(*args) -> Future:
    """Start the retrain. A new worker process begins by importing the parent's ``__main__``;
    under Streamlit (and AppTest) that is the app script, which must not run in the worker, so
    the worker is started with a bare ``__main__``."""
    global _pool
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        try:
            return _executor().submit(_rank, *args)
        except BrokenProcessPool:  # the worker died since the last request: start a new one
            _pool = None
            return _executor().submit(_rank, *args)
    finally:
        sys.modules["__main__"] = main


def latest_ranking(store, *, wait: float = 0.0) -> Ranking | None:
    """The newest finished ranking of the review at once (None before the first), and a retrain
    started in the background if the decisions or records changed since. ``wait`` seconds are
    for the CLI and tests, which want the ranking of the current decisions, not a quick page."""
    path = str(store.path.resolve())
    units = tuple(current_units(store))
    labels = training_labels(store)
    key = (store.groups_signature(), store.queue_signature(), hash(frozenset(labels.items())))
    deadline = time.monotonic() + wait
    while True:
        with _lock:
            latest = _latest.get(path)
            if latest is not None and latest.key == key:
                return latest
            running = _running.get(path)
            started = running is None and _failed.get(path) != key
            if started:
                running = _running[path] = (key, _submit(path, units, labels, key))
        if started:  # outside the lock: a future already done runs the callback at once
            running[1].add_done_callback(lambda f, p=path, k=key: _finished(p, k, f))
        left = deadline - time.monotonic()
        if running is None or left <= 0:
            return latest
        try:
            ranking = running[1].result(timeout=left)
        except Exception:  # a timeout, or a failure _finished logs: go on with what there is
            return latest
        if ranking.key == key:
            return ranking
        time.sleep(0.01)  # an older retrain finished: let its callback run, then start ours


def _finished(path: str, key: tuple, future: Future) -> None:
    with _lock:
        _running.pop(path, None)
        try:
            _latest[path] = future.result()
            _failed.pop(path, None)
        except BrokenProcessPool:  # the worker died (killed, out of memory): a new one next time
            log.exception("The ranking worker stopped; it is started again on the next request")
        except Exception:
            log.exception("Ranking %s failed; screening goes on in import order", path)
            _failed[path] = key


def forget(store) -> None:
    """Drop what the server knows about a review (tests; a review file replaced on disk)."""
    with _lock:
        path = str(store.path.resolve())
        _latest.pop(path, None)
        _failed.pop(path, None)


# -- the worker side ------------------------------------------------------------------------------

_features: dict[str, tuple[tuple[int, ...], Ranker, dict[int, int]]] = {}


def _rank(path: str, units: tuple[int, ...], labels: dict[int, int], key: tuple) -> Ranking:
    from review.store import open_store  # in the worker process only

    started = time.perf_counter()
    cached = _features.get(path)
    if cached is None or cached[0] != units:
        with open_store(path, create=False) as store:
            records = store.records_by_id(units)
        texts = [record_text(records[u]) if u in records else "" for u in units]
        cached = (units, Ranker(texts), {u: i for i, u in enumerate(units)})
        _features[path] = cached
    _, ranker, index = cached
    labelled = {index[u]: y for u, y in labels.items() if u in index}
    ranked = ranker.rank(labelled)
    relevant = sum(labelled.values())
    cold = relevant == 0 or relevant == len(labelled)
    probabilities: dict[int, float] = {}
    terms: dict[int, tuple[str, ...]] = {}
    if not cold:
        p = ranker.probabilities(labelled)
        for i in ranked[:TOP]:
            probabilities[units[i]] = float(p[i])
            terms[units[i]] = tuple(ranker.top_terms(i))
    return Ranking(
        key=key,
        order=tuple(units[i] for i in ranked),
        labelled=len(labelled),
        relevant=relevant,
        cold=cold,
        seconds=time.perf_counter() - started,
        probabilities=probabilities,
        terms=terms,
    )
