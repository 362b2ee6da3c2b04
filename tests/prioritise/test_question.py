"""Ranking before the first include: BM25 similarity to the review question (FTS5), exclude
terms lowering a record, the model taking over, blinding, and import order without a protocol."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from review.demo import demo_records
from review.prioritise.live import forget
from review.prioritise.order import screening_order
from review.prioritise.question import (
    inclusion_text,
    matched_terms,
    protocol_query,
    question_order,
    question_query,
)
from review.records import AbstractSection, Record
from review.screening.decisions import decide, save_settings
from review.screening.model import Reviewer, Settings
from review.screening.state import current_units
from review.store import open_store

TA = "title_abstract"
ANN, BOB, LEE = Reviewer("ann"), Reviewer("bob"), Reviewer("lee", "lead")
BANNACH = Path(__file__).resolve().parents[1] / "data" / "prioritise" / "Bannach-Brown_2019.csv"
DEPRESSION = Settings(
    question="In animal models of depression, what are the effects of the model and of "
    "treatments on depression-like behaviour?",
    include_terms=("forced swim", "sucrose preference"),
)
TOPICS = ["cryoablation of neuroma pain", "knee replacement outcomes", "statin trial cholesterol"]


def _record(i: int, title: str, abstract: str = "") -> tuple[str, Record]:
    sections = (AbstractSection(abstract),) if abstract else ()
    return str(i), Record(title=title, abstract_sections=sections, raw=str(i))


@pytest.fixture
def small(tmp_path):
    with open_store(tmp_path / "review.db") as store:
        store.add_records("t", [_record(i, f"{TOPICS[i % 3]} study {i}") for i in range(30)])
        yield store
        forget(store)


def test_bm25_puts_records_on_the_question_first_in_a_real_review(tmp_path):
    with BANNACH.open(encoding="utf-8", newline="") as handle:
        labels = [int(row["label_included"]) for row in csv.DictReader(handle)]
    with open_store(tmp_path / "review.db") as store:
        store.add_records("t", demo_records(BANNACH))
        units = tuple(current_units(store))
        truth = dict(zip(sorted(units), labels, strict=True))
        order = question_order(store, units, set(), question_query(DEPRESSION))
        assert sorted(order) == sorted(units)
        top = order[:50]
        assert all("depress" in store.record(u).title.casefold() + (store.record(u).abstract or "")
                   for u in top[:10])  # fmt: skip
        share = sum(labels) / len(labels)  # 14% relevant
        assert sum(truth[u] for u in top) > 3 * share * len(top)
        assert sum(truth[u] for u in units[:50]) < 2 * share * 50  # import order: chance


def test_exclude_terms_lower_a_record_and_exclusion_criteria_add_no_words(tmp_path):
    with open_store(tmp_path / "review.db") as store:
        store.add_records(
            "t",
            [
                _record(0, "Knee replacement outcomes"),
                _record(1, "Cryoablation of neuroma pain in children"),
                _record(2, "Cryoablation of neuroma pain in adults"),
                _record(3, "Statin trial in children"),
            ],
        )
        units = tuple(current_units(store))
        plain = Settings(question="Does cryoablation relieve neuroma pain?")
        assert question_order(store, units, set(), question_query(plain))[:2] == (2, 3)
        avoid = Settings(question=plain.question, exclude_terms=("children",))
        assert question_order(store, units, set(), question_query(avoid)) == (3, 2, 1, 4)
        # words of the exclusion criteria never raise a record
        criteria = Settings(question=plain.question, criteria="Adults.\nExclusion: children")
        query = question_query(criteria)
        assert "children" not in query.match and "adult" in query.match
        assert question_order(store, units, set(), query)[0] == 3


def test_inclusion_text_leaves_exclusion_criteria_out():
    text = "Adults with neuroma. Exclude: children; case reports\nInclusion: any follow-up"
    assert inclusion_text(text) == "Adults with neuroma.\nInclusion: any follow-up"
    assert inclusion_text("Inclusion criteria:\nadults\nExclusion criteria:\nchildren\nrats") == (
        "Inclusion criteria:\nadults"
    )


def test_query_words_match_their_endings_and_explain_a_records_place():
    query = question_query(
        Settings(question="Nudges for physicians in rats?", include_terms=("choice architecture",))
    )
    assert '"nudge"*' in query.match and '"physician"*' in query.match
    assert '"rats" OR "rat"' in query.match and query.match.count('"choice architecture"*') == 2
    text = "A default nudge changed what physicians prescribe: choice architectures in a clinic"
    assert matched_terms(text, query) == ("nudges", "physicians", "choice architecture")
    assert question_query(Settings()).empty


def test_the_question_ranks_until_the_first_include_then_the_model(small):
    save_settings(small, Settings(question="Statins and cholesterol?"), LEE)
    before = screening_order(small, ANN, "ranked", wait=120)
    assert before.kind == "question" and before.ranking.basis == "question"
    assert before.about.startswith("Ranked by similarity to the review question")
    assert "until the first include" in before.about
    assert all("statin" in small.record(u).title for u in before.ids[:10])
    assert before.ranking.terms[before.ids[0]] == ("statins", "cholesterol")
    decide(small, ANN, 1, TA, "exclude", "Wrong population")  # an exclude alone: still cold
    assert screening_order(small, ANN, "ranked", wait=120).kind == "question"
    decide(small, ANN, 3, TA, "include")
    decide(small, ANN, 6, TA, "include")
    ranked = screening_order(small, ANN, "ranked", wait=120)
    assert ranked.kind == "ranked" and ranked.ranking.basis == "model"
    assert "a model trained on 3 decisions (2 relevant)" in ranked.about


def test_an_include_without_an_exclude_keeps_the_question_order(small):
    save_settings(small, Settings(question="Knee replacement outcomes"), LEE)
    decide(small, ANN, 2, TA, "include")
    order = screening_order(small, ANN, "ranked", wait=120)
    assert order.kind == "question" and "until there is an exclude" in order.about
    assert 2 not in order.ids and "knee" in small.record(order.ids[0]).title


def test_another_reviewers_include_does_not_end_a_blinded_reviewers_question_order(small):
    save_settings(small, Settings(question="Statins and cholesterol?", dual=True), LEE)
    before = screening_order(small, ANN, "ranked", wait=120)
    decide(small, BOB, 3, TA, "include")
    decide(small, BOB, 1, TA, "exclude", "Wrong population")
    after = screening_order(small, ANN, "ranked", wait=120)
    assert after.kind == "question" and after == before  # nothing of bob's reached ann
    assert screening_order(small, BOB, "ranked", wait=120).kind == "ranked"


def test_an_empty_protocol_keeps_import_order(small):
    assert protocol_query(small).empty
    order = screening_order(small, ANN, "ranked", wait=120)
    assert order.kind == "import" and order.ids is None
    assert "until there is at least one include and one exclude" in order.about
