"""The Screen page's order (ranked, random, import), top terms, and the stopping panel."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from review.prioritise.live import latest_ranking
from review.prioritise.progress import stopping_sample
from review.records import AbstractSection, Record
from review.screening.decisions import decide
from review.screening.model import Reviewer
from review.store import open_store

TA = "title_abstract"
TOPICS = ["cryoablation of neuroma pain", "knee replacement outcomes", "statin trial cholesterol"]


@pytest.fixture
def review_db(tmp_path, monkeypatch):
    """60 records on three topics, in arrival order topic 0, 1, 2, 0, 1, 2 ..."""
    path = tmp_path / "review.db"
    with open_store(path) as store:
        store.add_records(
            "t",
            [
                (str(i), Record(title=f"{TOPICS[i % 3]} study {i}",
                                abstract_sections=(AbstractSection(TOPICS[i % 3]),), raw=str(i)))
                for i in range(60)
            ],
        )  # fmt: skip
    monkeypatch.setenv("REVIEW_DB", str(path))
    return path


def _screen_page():
    from review.ui import screen

    screen.title_abstract_page()


def _captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def test_ranked_order_puts_records_like_the_includes_first(review_db):
    with open_store(review_db) as store:
        # include two statin records, exclude a neuroma and a knee record
        for record_id, decision in ((3, "include"), (6, "include"), (1, "exclude"), (2, "exclude")):
            reason = "Wrong population" * (decision == "exclude")
            decide(store, Reviewer("ann"), record_id, TA, decision, reason)
        ranking = latest_ranking(store, None, wait=120)  # the worker's retrain, finished
    assert ranking is not None and not ranking.cold
    at = AppTest.from_function(_screen_page).run(timeout=30)
    assert not at.exception
    shown = at.session_state["screen_current_title_abstract"]
    with open_store(review_db) as store:
        assert "statin" in store.record(shown).title  # not record 4, the next in arrival order
    assert "Most likely relevant first" in _captions(at)
    assert "Ranked high for:" in _captions(at)

    at.segmented_control(key="screen_order_mode").set_value("import").run(timeout=30)
    assert not at.exception
    assert at.session_state["screen_current_title_abstract"] == 4
    assert "in the order they arrived" in _captions(at)


def test_stopping_panel_and_sample(review_db):
    at = AppTest.from_function(_screen_page).run(timeout=30)
    assert not at.exception
    at.toggle(key="stopping_shown").set_value(True).run(timeout=30)
    assert not at.exception
    assert any("Callaghan" in c.value for c in at.caption)  # the method is named
    assert any("random" in m.value.lower() for m in at.markdown)  # and its assumptions shown
    start = next(b for b in at.button if b.key == "stopping_start")
    start.click().run(timeout=30)
    assert not at.exception
    with open_store(review_db) as store:
        sample = stopping_sample(store)
    assert sample is not None and sample.pool == 60
    assert at.session_state["screen_current_title_abstract"] == sample.records[0]
    assert "Stopping sample" in _captions(at)


def test_before_the_first_include_the_page_ranks_by_the_question_and_says_so(review_db):
    from review.screening.decisions import save_settings
    from review.screening.model import Settings

    with open_store(review_db) as store:
        save_settings(
            store, Settings(question="Knee replacement outcomes?"), Reviewer("lee", "lead")
        )
        ranking = latest_ranking(store, None, wait=120)
    assert ranking is not None and ranking.basis == "question"
    at = AppTest.from_function(_screen_page).run(timeout=30)
    assert not at.exception
    shown = at.session_state["screen_current_title_abstract"]
    with open_store(review_db) as store:
        assert "knee" in store.record(shown).title  # not record 1, the first to arrive
    captions = _captions(at)
    assert "Ranked by similarity to the review question" in captions
    assert "until the first include" in captions
    assert "Matches the review question: knee, replacement, outcomes" in captions


def _why_page():
    from review.prioritise.live import Ranking
    from review.records import AbstractSection, Author, Record
    from review.ui.prioritise import why_ranked

    record = Record(
        title="Cryoablation during the follow-up: Müller's cohort",
        abstract_sections=(AbstractSection("Pain fell during the year, as Müller found."),),
        authors=(Author("Müller", "Hans", "H"),),
    )
    terms = ("during the", "muller", "pain", "the", "follow up", "cryoablation")
    ranking = Ranking((), (7,), 2, 1, False, 0.1, {7: 0.4}, {7: terms})
    why_ranked(7, record, ranking)


def test_why_ranked_is_one_short_line_in_the_records_own_words():
    at = AppTest.from_function(_why_page).run(timeout=30)
    assert not at.exception
    (line,) = [c.value for c in at.caption]
    shown = line.replace("\\", "")  # the caption's Markdown escapes
    # "follow up" holds a stop word ("up"): left out with "during the" and "the"
    assert shown == "Ranked high for: Müller, pain, cryoablation · chance of relevance 40%"
    assert "\n" not in shown and len(shown) <= 100


def test_the_stopping_figures_have_thousands_separators(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    with open_store(path) as store:
        store.add_records(
            "t", [(str(i), Record(title=f"Record {i}", raw=str(i))) for i in range(1200)]
        )
    monkeypatch.setenv("REVIEW_DB", str(path))
    at = AppTest.from_function(_screen_page).run(timeout=30)
    at.toggle(key="stopping_shown").set_value(True).run(timeout=60)
    assert not at.exception
    assert any("| 0 of 1,200 |" in m.value for m in at.markdown)
    (advice,) = [i.value for i in at.info]
    assert "from the 1,200 unscreened" in advice, advice
