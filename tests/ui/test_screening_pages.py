"""Smoke tests of the screening pages with AppTest, on real review databases."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from review.records import AbstractSection, Record
from review.screening.decisions import conflicts, decide, progress, save_settings, settings
from review.screening.model import Reviewer, Settings
from review.screening.reviewers import add_reviewer
from review.store import open_store

TA, FT = "title_abstract", "full_text"


@pytest.fixture
def review_db(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    with open_store(path) as store:
        store.add_records(
            "t",
            [
                (str(i), Record(title=f"Cryoablation study {i}",
                                abstract_sections=(AbstractSection("Pain fell."),), raw=str(i)))
                for i in range(1, 4)
            ],
        )  # fmt: skip
    monkeypatch.setenv("REVIEW_DB", str(path))
    return path


def _screen_page():
    from review.ui import screen

    screen.title_abstract_page()


def _full_text_page():
    from review.ui import screen

    screen.full_text_page()


def _conflicts_page():
    from review.ui import conflicts

    conflicts.page()


def _settings_page():
    from review.ui import settings

    settings.page()


def test_screen_page_decides_and_undoes(review_db):
    at = AppTest.from_function(_screen_page).run(timeout=30)
    assert not at.exception
    assert at.session_state["screen_current_title_abstract"] == 1
    at.text_input(key="title_abstract_note").set_value("clear case").run(timeout=30)
    at.button(key="title_abstract_include").click().run(timeout=30)
    assert at.session_state["screen_current_title_abstract"] == 2
    at.button(key="title_abstract_undo").click().run(timeout=30)
    assert at.session_state["screen_current_title_abstract"] == 1
    with open_store(review_db) as store:
        rows = store.decision_rows(TA)
        assert [(r.decision, r.note) for r in rows] == [
            ("include", "clear case"),
            ("undo", ""),
        ]
        assert progress(store, Reviewer("reviewer"), TA).decided == 0


def test_full_text_exclusion_asks_for_a_reason(review_db):
    with open_store(review_db) as store:
        decide(store, Reviewer("reviewer"), 2, TA, "include")
    at = AppTest.from_function(_full_text_page).run(timeout=30)
    assert at.session_state["screen_current_full_text"] == 2
    at.button(key="full_text_exclude").click().run(timeout=30)
    assert "needs a reason" in at.error[0].value
    at.selectbox(key="full_text_reason").set_value("Wrong outcomes").run(timeout=30)
    at.button(key="full_text_exclude").click().run(timeout=30)
    assert "Nothing left to screen at this stage." in [t.value for t in at.text]
    with open_store(review_db) as store:
        assert progress(store, Reviewer("reviewer"), FT).excluded == 1


def test_conflicts_page_lets_a_lead_resolve(review_db):
    with open_store(review_db) as store:
        save_settings(store, Settings(dual=True), Reviewer("lee", "lead"))
        decide(store, Reviewer("ann"), 1, TA, "include")
        decide(store, Reviewer("bob"), 1, TA, "exclude")
    at = AppTest.from_function(_conflicts_page).run(timeout=30)  # no accounts: the solo lead
    assert not at.exception
    assert "ann: include" in [t.value for t in at.text]
    at.button(key="resolve_title_abstract_1_include").click().run(timeout=30)
    with open_store(review_db) as store:
        assert conflicts(store, TA) == []


def test_settings_page_saves(review_db):
    at = AppTest.from_function(_settings_page).run(timeout=30)
    assert not at.exception
    at.checkbox[0].check()
    at.text_area[3].set_value("cryoablation\nneuroma")
    at.button[0].click().run(timeout=30)
    with open_store(review_db) as store:
        saved = settings(store)
    assert saved.dual and saved.include_terms == ("cryoablation", "neuroma")


def test_a_review_with_accounts_asks_who_you_are(review_db):
    with open_store(review_db) as store:
        add_reviewer(store, "ann", "reviewer", "ann-password", by=Reviewer("owner", "lead"))
    at = AppTest.from_file("../../app.py").run(timeout=30)
    assert at.title[0].value == "Sign in"
    at.text_input(key="signin_name").set_value("ann")
    at.text_input(key="signin_password").set_value("wrong-password")
    at.button(key="signin_button").click().run(timeout=30)
    assert "do not match" in at.error[0].value
    at.text_input(key="signin_password").set_value("ann-password")
    at.button(key="signin_button").click().run(timeout=30)
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert "Signed in as ann (reviewer)" in [t.value for t in at.sidebar.text]


def test_screen_page_finds_a_record_to_look_at_again(review_db):
    at = AppTest.from_function(_screen_page).run(timeout=30)
    at.text_input(key="title_abstract_find").set_value("study 3").run(timeout=30)
    at.button(key="title_abstract_goto_button").click().run(timeout=30)
    assert at.session_state["screen_current_title_abstract"] == 3
