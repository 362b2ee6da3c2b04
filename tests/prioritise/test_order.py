"""The Screen page's order as the library chooses it: ranked, random per reviewer, import order,
the cold start, a stopping sample that overrides the choice, and blinding under dual screening."""

from __future__ import annotations

import pytest

from review.errors import ReviewError
from review.prioritise.live import latest_ranking
from review.prioritise.order import ORDERS, order_is_fixed, screening_order
from review.prioritise.progress import start_stopping_sample
from review.records import AbstractSection, Record
from review.screening.decisions import decide, save_settings
from review.screening.model import Reviewer, Settings
from review.screening.state import current_units
from review.store import open_store

TA = "title_abstract"
ANN, BOB, LEE = Reviewer("ann"), Reviewer("bob"), Reviewer("lee", "lead")
TOPICS = ["cryoablation of neuroma pain", "knee replacement outcomes", "statin trial cholesterol"]


def _records(n: int = 30):
    return [
        (str(i), Record(title=f"{TOPICS[i % 3]} study {i}",
                        abstract_sections=(AbstractSection(TOPICS[i % 3]),), raw=str(i)))
        for i in range(n)
    ]  # fmt: skip


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "review.db") as store:
        store.add_records("t", _records())
        yield store


def test_import_order_offers_no_order_and_says_so(store):
    order = screening_order(store, ANN, "import")
    assert order.ids is None and order.ranking is None and order.kind == "import"
    assert order.about == "Records in the order they arrived."


def test_random_order_is_the_same_for_a_reviewer_and_differs_between_reviewers(store):
    ann = screening_order(store, ANN, "random")
    assert ann.kind == "random" and "random order" in ann.about
    assert sorted(ann.ids) == sorted(current_units(store)) and list(ann.ids) != sorted(ann.ids)
    assert screening_order(store, ANN, "random") == ann
    assert screening_order(store, BOB, "random").ids != ann.ids


def test_random_order_is_shuffled_once_until_records_arrive(store):
    first = screening_order(store, ANN, "random").ids
    assert screening_order(store, ANN, "random").ids is first  # not shuffled again per view
    store.add_records("t", [("new", Record(title="A new record", raw="new"))])
    again = screening_order(store, ANN, "random").ids
    assert again is not None and len(again) == len(first) + 1
    assert sorted(again) == sorted(current_units(store))


def test_ranked_order_starts_cold_then_puts_records_like_the_includes_first(store):
    cold = screening_order(store, ANN, "ranked", wait=120)
    assert cold.ids is None and cold.ranking is None and cold.kind == "import"
    assert "until there is at least one include and one exclude" in cold.about
    for record_id, decision in ((3, "include"), (6, "include"), (1, "exclude"), (2, "exclude")):
        decide(store, ANN, record_id, TA, decision, "Wrong population" * (decision == "exclude"))
    ranked = screening_order(store, ANN, "ranked", wait=120)
    assert ranked.kind == "ranked" and ranked.ranking is not None
    assert ranked.ids == ranked.ranking.order
    assert "statin" in store.record(ranked.ids[0]).title
    assert "a model trained on 4 decisions (2 relevant)" in ranked.about


def test_a_stopping_sample_fixes_the_order_whatever_the_choice(store):
    assert not order_is_fixed(store)
    sample = start_stopping_sample(store, LEE, seed=7)
    assert order_is_fixed(store)
    for choice in ORDERS:
        order = screening_order(store, ANN, choice)
        assert order.kind == "sample" and order.ids == tuple(sample.records)
        assert order.about.startswith("Stopping sample:") and "by lee" in order.about


def test_an_unknown_choice_is_refused_with_the_choices(store):
    with pytest.raises(ReviewError, match="ranked, random, import"):
        screening_order(store, ANN, "newest")


def test_a_blinded_reviewers_order_depends_only_on_their_own_votes(tmp_path):
    """Two reviews that differ only in bob's votes give ann the same order and explanation."""
    orders = []
    for name, bob_votes in (("x", "include"), ("y", "exclude")):
        with open_store(tmp_path / f"{name}.db") as store:
            store.add_records("t", _records())
            save_settings(store, Settings(dual=True), LEE)
            for record_id, decision in ((3, "include"), (1, "exclude")):
                decide(
                    store,
                    ANN,
                    record_id,
                    TA,
                    decision,
                    "Wrong population" * (decision == "exclude"),
                )
            for record_id in (4, 5, 7, 8):
                decide(
                    store,
                    BOB,
                    record_id,
                    TA,
                    bob_votes,
                    "Wrong population" * (bob_votes == "exclude"),
                )
            latest_ranking(store, ANN, wait=120)
            orders.append([screening_order(store, ANN, c, wait=120) for c in ("ranked", "import")])
    (ranked_x, import_x), (ranked_y, import_y) = orders
    assert ranked_x.kind == "ranked" and ranked_x.ids == ranked_y.ids
    assert ranked_x.about == ranked_y.about and ranked_x.ranking.terms == ranked_y.ranking.terms
    assert import_x == import_y
