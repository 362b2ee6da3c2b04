"""Ranking for the Screen page, computed away from the page so that it never waits.

Building the text features of a large review is seconds of Python work that holds the GIL; done
in the app server it freezes every page while it runs (an earlier in-process thread made the
page hang). So ranking runs in one worker process per server, at a lower priority than the page,
which keeps each review's features between retrains: records that arrive or are merged away later
change only their own rows (the vocabulary stays as fitted), until so many have arrived that the
features are built again from the whole review. The page asks for the newest finished ranking
and gets it at once: while a retrain for newer decisions is under way it keeps using the previous
one (or import order before the first), and the next page view after the retrain finishes uses
the new order.

Before the model has an include (and an exclude) to learn from, the worker orders the records by
their BM25 similarity to the review question, criteria and include terms
(review.prioritise.question), or keeps import order when the protocol says nothing.

Under dual screening each reviewer who is not a lead has a ranking of their own, trained on their
own decisions and the leads' resolutions only (nothing another reviewer voted reaches their order
or its explanation); a lead's ranking, and everyone's under single screening, learns from the
final decisions.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
import types
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING

from review.prioritise.question import (
    QuestionQuery,
    matched_terms,
    protocol_query,
    question_order,
)
from review.prioritise.ranker import Ranker, record_text
from review.screening.decisions import stage_view
from review.screening.model import Reviewer
from review.screening.state import current_units
from review.workers import start_worker

if TYPE_CHECKING:
    from review.store import Store

STAGE = "title_abstract"
# The worker's added niceness: building features for a whole review is seconds of work on one of
# the two cores the page (server and browser) needs for every decision; the page comes first.
NICENESS = 10
# Records added since the features were built, as a share of those they were built from, beyond
# which they are built again (words new to the review then count; until then they do not).
REBUILD_SHARE = 0.25
TOP = 50  # records whose probability and top terms are sent back with the order
RELEVANT = ("include", "maybe")  # a "maybe" goes to full text: treat as relevant for learning

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ranking:
    key: tuple  # what it was computed from: duplicate groups, queue, labels
    order: tuple[int, ...]  # unlabelled records (group primaries), most likely relevant first
    labelled: int
    relevant: int
    cold: bool  # no model yet (needs an include and an exclude): the question, or import order
    seconds: float  # the retrain, in the worker
    probabilities: dict[int, float] = field(default_factory=dict)  # of the first TOP
    # the model's top terms, or (basis "question") the question's words a record contains
    terms: dict[int, tuple[str, ...]] = field(default_factory=dict)
    basis: str = "model"  # "model", "question" (BM25 before the model) or "import"


def training_labels(store: Store, viewer: Reviewer | None) -> dict[int, int]:
    """1 for records included (or maybe), 0 for excluded, as the viewer sees them: the consensus
    under dual screening for a lead (one reviewer's pending decision does not teach the model
    yet), a blinded reviewer's own decisions and the leads' resolutions."""
    view = stage_view(store, viewer, STAGE)
    labels = {}
    for unit, final in view.finals().items():
        if final in RELEVANT:
            labels[unit] = 1
        elif final == "exclude":
            labels[unit] = 0
    return labels


# -- the server side ------------------------------------------------------------------------------

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
# keyed by (review path, whose view): "" for the shared view, a blinded reviewer's name for theirs
_latest: dict[tuple[str, str], Ranking] = {}
_running: dict[tuple[str, str], tuple[tuple, Future]] = {}
_failed: dict[tuple[str, str], tuple] = {}


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # forkserver: a clean process, not a fork of a server full of threads
        context = multiprocessing.get_context("forkserver")
        _pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=context,
            initializer=start_worker,
            initargs=(os.getpid(), False, NICENESS),
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


def latest_ranking(store: Store, viewer: Reviewer | None, *, wait: float = 0.0) -> Ranking | None:
    """The newest finished ranking for the viewer at once (None before the first), and a retrain
    started in the background if the decisions or records changed since. ``wait`` seconds are
    for the CLI and tests, which want the ranking of the current decisions, not a quick page."""
    path = str(store.path.resolve())
    units = tuple(current_units(store))
    labels = training_labels(store, viewer)
    blinded = stage_view(store, viewer, STAGE).blinded
    whose = (path, viewer.name if blinded and viewer is not None else "")
    query = protocol_query(store)
    key = (
        store.groups_signature(),
        store.queue_signature(),
        hash(frozenset(labels.items())),
        (query.match, query.avoid_match),
    )
    deadline = time.monotonic() + wait
    while True:
        with _lock:
            latest = _latest.get(whose)
            if latest is not None and latest.key == key:
                return latest
            running = _running.get(whose)
            started = running is None and _failed.get(whose) != key
            if started:
                running = _running[whose] = (key, _submit(path, units, labels, key, query))
        if started and running is not None:  # outside the lock: a done future calls back at once
            running[1].add_done_callback(partial(_finished, whose, key))
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


def _finished(whose: tuple[str, str], key: tuple, future: Future) -> None:
    with _lock:
        _running.pop(whose, None)
        try:
            _latest[whose] = future.result()
            _failed.pop(whose, None)
        except BrokenProcessPool:  # the worker died (killed, out of memory): a new one next time
            log.exception("The ranking worker stopped; it is started again on the next request")
        except Exception:
            log.exception("Ranking %s failed; screening goes on in import order", whose)
            _failed[whose] = key


def forget(store: Store) -> None:
    """Drop what the server knows about a review (tests; a review file replaced on disk)."""
    with _lock:
        path = str(store.path.resolve())
        for cache in (_latest, _failed):
            for whose in [w for w in cache if w[0] == path]:
                del cache[whose]


# -- the worker side ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Features:
    """A review's text features in the worker: the ranker's rows are ``units``, in order;
    ``fitted`` is how many records its vocabulary was fitted on."""

    units: tuple[int, ...]
    ranker: Ranker
    fitted: int

    @cached_property
    def index(self) -> dict[int, int]:
        return {u: i for i, u in enumerate(self.units)}


_features: dict[str, Features] = {}


def _texts(path: str, units: Sequence[int]) -> list[str]:
    from review.store import open_store  # in the worker process only

    with open_store(path, create=False) as store:
        records = store.records_by_id(units)
    return [record_text(records[u]) if u in records else "" for u in units]


def features(path: str, units: tuple[int, ...]) -> Features:
    """The features of ``units``: the ones kept, with only records new since vectorised (or
    rows of records merged away dropped), or built again when many records are new."""
    cached = _features.get(path)
    if cached is not None and cached.units == units:
        return cached
    if cached is not None:
        index = cached.index
        new = [u for u in units if u not in index]
        if len(new) <= REBUILD_SHARE * cached.fitted:
            ranker = cached.ranker.extended(_texts(path, new)) if new else cached.ranker
            row = {**index, **{u: len(index) + i for i, u in enumerate(new)}}
            found = Features(units, ranker.rows([row[u] for u in units]), cached.fitted)
            _features[path] = found
            return found
    found = Features(units, Ranker(_texts(path, units)), len(units))
    _features[path] = found
    return found


def _rank(
    path: str,
    units: tuple[int, ...],
    labels: dict[int, int],
    key: tuple,
    query: QuestionQuery | None = None,
) -> Ranking:
    started = time.perf_counter()
    members = set(units)
    known = {u: y for u, y in labels.items() if u in members}
    relevant = sum(known.values())
    if (relevant == 0 or relevant == len(known)) and query is not None and not query.empty:
        return _by_question(path, units, known, key, query, started)
    built = features(path, units)
    ranker, index = built.ranker, built.index
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
        basis="import" if cold else "model",
    )


def _by_question(
    path: str,
    units: tuple[int, ...],
    labels: dict[int, int],
    key: tuple,
    query: QuestionQuery,
    started: float,
) -> Ranking:
    """The cold start's order: BM25 similarity to the question (no features are built: the
    first order comes in well under a second even for a large review)."""
    from review.store import open_store

    with open_store(path, create=False) as store:
        order = question_order(store, units, set(labels), query)
        records = store.records_by_id(order[:TOP])
    terms = {u: matched_terms(record_text(records[u]), query) for u in order[:TOP] if u in records}
    return Ranking(
        key=key,
        order=order,
        labelled=len(labels),
        relevant=sum(labels.values()),
        cold=True,
        seconds=time.perf_counter() - started,
        terms={u: t for u, t in terms.items() if t},
        basis="question",
    )
