"""Live ranking for the Screen page (a worker process), ranked next records, the stopping sample."""

from __future__ import annotations

import csv
import time

import pytest

from review.demo import DEMO_CSV, demo_records
from review.errors import ReviewError
from review.prioritise.live import latest_ranking, training_labels
from review.prioritise.progress import (
    end_stopping_sample,
    screening_progress,
    start_stopping_sample,
    stopping_sample,
)
from review.records import Record
from review.screening.decisions import decide, next_record, save_settings, settings
from review.screening.model import Reviewer, Settings
from review.store import open_store

TA = "title_abstract"
LEAD = Reviewer("lead", "lead")


@pytest.fixture
def nagtegaal(tmp_path):
    """The demo review (Nagtegaal 2019, 2,019 records) with its true labels by record id."""
    with open(DEMO_CSV, encoding="utf-8", newline="") as handle:
        truth = [int(row["label_abstract_screening"]) for row in csv.DictReader(handle)]
    with open_store(tmp_path / "r.db") as store:
        store.add_records("demo", demo_records())
        ids = [r["id"] for r in store.query("SELECT id FROM records ORDER BY id")]
        yield store, dict(zip(ids, truth, strict=True))


def test_ranking_puts_relevant_records_first_and_the_page_never_waits(nagtegaal):
    store, truth = nagtegaal
    first = latest_ranking(store, None, wait=120)
    assert first is not None and first.cold and first.labelled == 0
    assert list(first.order) == sorted(truth)  # cold start: import order
    relevant = [r for r, y in truth.items() if y]
    irrelevant = [r for r, y in truth.items() if not y]
    for record_id in relevant[:3]:
        decide(store, Reviewer("ann"), record_id, TA, "include")
    for record_id in irrelevant[:30]:
        decide(store, Reviewer("ann"), record_id, TA, "exclude", "Wrong population")

    started = time.perf_counter()
    stale = latest_ranking(store, None)  # a retrain starts; the page gets the previous ranking
    assert time.perf_counter() - started < 1.0
    assert stale is first

    ranked = latest_ranking(store, None, wait=120)
    assert not ranked.cold and ranked.labelled == 33 and ranked.relevant == 3
    assert set(ranked.order) == set(truth) - set(relevant[:3]) - set(irrelevant[:30])
    left = len(ranked.order)
    found = sum(truth[r] for r in ranked.order[: left // 10])
    by_chance = (len(relevant) - 3) / left * (left // 10)
    assert found > 2 * by_chance  # the top tenth holds far more than its share of relevant
    top = ranked.order[0]
    assert ranked.terms[top] and 0.0 <= ranked.probabilities[top] <= 1.0
    assert next_record(store, Reviewer("ann"), TA, order=ranked.order) == top


def test_labels_are_the_consensus_under_dual_screening(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        store.add_records("t", [(str(i), Record(title=f"Study {i}", raw=str(i))) for i in range(4)])
        save_settings(store, Settings(dual=True), Reviewer("lead", "lead"))
        decide(store, Reviewer("ann"), 1, TA, "include")
        decide(store, Reviewer("ann"), 2, TA, "maybe")
        decide(store, Reviewer("bob"), 2, TA, "maybe")
        decide(store, Reviewer("ann"), 3, TA, "exclude")
        decide(store, Reviewer("bob"), 3, TA, "exclude")
        # record 1 waits for its second reviewer
        assert training_labels(store, None) == {2: 1, 3: 0}


def test_next_record_follows_an_order_then_arrival(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        store.add_records("t", [(str(i), Record(title=f"Study {i}", raw=str(i))) for i in range(5)])
        assert next_record(store, Reviewer("ann"), TA, order=[4, 2]) == 4
        decide(store, Reviewer("ann"), 4, TA, "exclude")
        assert next_record(store, Reviewer("ann"), TA, order=[4, 2]) == 2
        decide(store, Reviewer("ann"), 2, TA, "exclude")
        # a stale order: then arrival
        assert next_record(store, Reviewer("ann"), TA, order=[4, 2, 99]) == 1


def test_stopping_sample_feeds_the_test(nagtegaal):
    store, truth = nagtegaal
    ranked = sorted(truth, key=lambda r: -truth[r])  # a perfect ranking: all relevant first
    relevant = sum(truth.values())
    for record_id in ranked[:relevant]:
        decide(store, Reviewer("ann"), record_id, TA, "include")
    before = screening_progress(store, None)
    assert before.sample is None and before.advice.sample_size == 0
    assert not before.advice.can_stop and before.advice.more_needed > 0

    sample = start_stopping_sample(store, LEAD, seed=7)
    assert stopping_sample(store) == sample and sample.relevant_before == relevant
    assert sorted(sample.records) == sorted(ranked[relevant:])
    assert list(sample.records) != sorted(sample.records)  # a random order, not arrival
    with pytest.raises(ReviewError, match="already under way"):
        start_stopping_sample(store, LEAD)
    order = list(sample.records)
    for record_id in order[: before.advice.more_needed]:
        assert next_record(store, Reviewer("ann"), TA, order=order) == record_id
        decide(store, Reviewer("ann"), record_id, TA, "exclude", "Wrong population")
    after = screening_progress(store, None)
    assert after.sample_screened == before.advice.more_needed and after.sample_relevant == 0
    assert after.advice.can_stop and after.advice.sample_size == after.sample_screened
    assert after.advice.remaining == sample.pool
    end_stopping_sample(store, LEAD)
    assert stopping_sample(store) is None
    assert settings(store).dual is False  # other settings untouched


def test_the_worker_ends_when_its_server_is_killed(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    db = tmp_path / "r.db"
    with open_store(db) as store:
        store.add_records("t", [(str(i), Record(title=f"Study {i}", raw=str(i))) for i in range(5)])
    script = (
        "import os, sys, time\n"
        "from review.store import open_store\n"
        "from review.prioritise import live\n"
        f"store = open_store({str(db)!r})\n"
        "assert live.latest_ranking(store, None, wait=60) is not None\n"
        "worker = next(iter(live._pool._processes.values()))\n"
        "print(worker.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(server.stdout.readline())
        os.kill(worker, 0)  # alive while the server is
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    raise AssertionError(f"ranking worker {worker} still runs after its server was killed")


def test_each_blinded_reviewer_has_a_ranking_of_their_own(tmp_path):
    """Under dual screening ann's ranking learns from ann's votes only: bob's votes neither
    retrain it nor change its order; a lead's learns from the consensus."""
    from review.prioritise.live import forget

    ann, bob = Reviewer("ann"), Reviewer("bob")
    topics = ["cryoablation of neuroma pain", "statin trial cholesterol"]
    with open_store(tmp_path / "r.db") as store:
        store.add_records(
            "t", [(str(i), Record(title=f"{topics[i % 2]} {i}", raw=str(i))) for i in range(20)]
        )
        save_settings(store, Settings(dual=True), LEAD)
        for record_id, decision in ((1, "include"), (2, "exclude"), (3, "include")):
            decide(store, ann, record_id, TA, decision)
        mine = latest_ranking(store, ann, wait=120)
        assert (mine.labelled, mine.relevant) == (3, 2) and not mine.cold
        for record_id, decision in ((1, "exclude"), (2, "include"), (4, "include"), (5, "exclude")):
            decide(store, bob, record_id, TA, decision)
        assert latest_ranking(store, ann) is mine  # nothing of bob's reached ann's ranking
        theirs = latest_ranking(store, bob, wait=120)
        assert (theirs.labelled, theirs.relevant) == (4, 2)
        assert theirs.order != mine.order
        lead = latest_ranking(store, LEAD, wait=120)  # records 1 and 2 are conflicts: no label
        assert lead.labelled == 0 and lead.cold
        forget(store)


def test_features_change_by_their_rows_until_many_records_arrive(tmp_path, monkeypatch):
    """Records added mid-review are vectorised alone and a merged record's row dropped; when
    more than REBUILD_SHARE new records have arrived, the features are built from the whole."""
    from review.prioritise import live

    built: list[int] = []

    class Counting(live.Ranker):
        def __init__(self, texts, **kwargs):
            built.append(len(texts))
            super().__init__(texts, **kwargs)

    monkeypatch.setattr(live, "Ranker", Counting)
    path = tmp_path / "r.db"
    with open_store(path) as store:
        store.add_records("t", [(str(i), Record(title=f"Cryoablation study {i} of knee pain",
                                                raw=str(i))) for i in range(40)])  # fmt: skip
        units = tuple(store.screening_units())
    first = live.features(str(path), units)
    assert built == [40] and first.fitted == 40
    grown = (*units[1:], 1001, 1002)  # one record merged away, two new (not stored: blank)
    second = live.features(str(path), grown)
    assert built == [40] and second.fitted == 40  # nothing built again
    assert second.units == grown and second.ranker.n == 41
    assert (second.ranker.X[0] != first.ranker.X[1]).nnz == 0  # record 2's row, kept
    assert live.features(str(path), grown) is second
    many = (*units, *range(2000, 2011))  # 11 new of 40 fitted: over a quarter
    live.features(str(path), many)
    assert built == [40, 51]
    live._features.clear()


def test_the_ranking_worker_runs_below_the_page(tmp_path):
    """The worker shares the cores with the app's page: it lowers its own priority."""
    import os

    from review.prioritise import live

    with open_store(tmp_path / "r.db") as store:
        store.add_records("t", [(str(i), Record(title=f"Study {i}", raw=str(i))) for i in range(5)])
        assert latest_ranking(store, None, wait=60) is not None
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert live._pool is not None
    for worker in live._pool._processes.values():
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(19, mine + live.NICENESS)
