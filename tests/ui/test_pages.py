"""Smoke tests: every app page runs on a real review database without an exception."""

import pytest
from streamlit.testing.v1 import AppTest

from review.records import AbstractSection, Record
from review.store import open_store
from review.ui.render import plain

HOSTILE = '<script>alert("x")</script> **bold** [link](http://example.org)'


@pytest.fixture
def review_db(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    with open_store(path) as store:
        store.add_records(
            "test",
            [
                ("1", Record(title="Cryoablation of neuroma", raw="1")),
                ("2", Record(title=HOSTILE, abstract_sections=(AbstractSection(HOSTILE),))),
            ],
        )
    monkeypatch.setenv("REVIEW_DB", str(path))
    return path


def _overview_page():
    from review.ui import overview

    overview.page()


def _records_page():
    from review.ui import records

    records.page()


def click_row(at: AppTest, position: int) -> AppTest:
    """A click on the table's row at ``position`` (as the browser reports it: the selection)."""
    table = at.dataframe[0]
    at.session_state[table.key] = {"selection": {"rows": [position], "columns": [], "cells": []}}
    return at.run(timeout=30)


def test_app_entry_opens_on_the_overview(review_db):
    at = AppTest.from_file("../../app.py").run(timeout=30)
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert [m.value for m in at.metric][:1] == ["2"]


def test_overview_page(review_db):
    at = AppTest.from_function(_overview_page).run(timeout=30)
    assert not at.exception
    assert "No PubMed searches yet" in at.text[0].value


def test_records_page_shows_record_text_as_text(review_db):
    at = AppTest.from_function(_records_page).run(timeout=30)
    assert not at.exception
    assert list(at.dataframe[0].value["id"]) == [2, 1]
    click_row(at, 0)  # opens record 2
    assert not at.exception
    assert at.subheader[0].value == "Record 2"
    shown = [t.value for t in at.text]
    assert HOSTILE in shown  # st.text: the markup is shown literally, never rendered
    assert not any("<script>" in m.value for m in at.markdown)


def test_records_page_search_filters(review_db):
    at = AppTest.from_function(_records_page).run(timeout=30)
    at.text_input(key="records_search").set_value("neuroma").run(timeout=30)
    assert not at.exception
    assert "1 records" in at.caption[0].value


def _duplicates_page():
    from review.ui import duplicates

    duplicates.page()


def test_possible_duplicates_page_decides_a_pair(review_db):
    from collections import namedtuple

    Match = namedtuple("Match", "a b score verdict reasons")
    with open_store(review_db) as store:
        store.save_matches([Match(1, 2, 0.8, "possible", ("title 0.90",))], "review")
    at = AppTest.from_function(_duplicates_page).run(timeout=30)
    assert not at.exception
    assert "1 pairs waiting" in at.caption[0].value
    assert not at.sidebar.text_input  # no "Your name": the name is the signed-in account's
    at.button(key="dup_merge").click().run(timeout=30)
    assert not at.exception
    with open_store(review_db) as store:
        assert store.pairs()[0].status == "confirmed"
        assert store.pairs()[0].decided_by == "reviewer"  # the one reviewer, who leads
    assert "No possible duplicates are waiting." in [t.value for t in at.text]


def test_the_side_by_side_view_escapes_record_text():
    from review.ui.duplicates import comparison

    shown = comparison(Record(title=HOSTILE), Record(title="Cryoablation of neuroma"))
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert "<mark>Cryoablation of neuroma</mark>" in shown


def _add_weaker_newer_match(path):
    with open_store(path) as store:
        store.add_records(
            "test",
            [("3", Record(title="Cryoablation and a long list of many other words", raw="3"))],
        )


def test_records_page_search_is_ranked_best_match_first(review_db):
    _add_weaker_newer_match(review_db)
    at = AppTest.from_function(_records_page).run(timeout=30)
    assert list(at.dataframe[0].value["id"]) == [3, 2, 1]  # no search: newest first
    at.text_input(key="records_search").set_value("cryoablation").run(timeout=30)
    assert not at.exception
    assert "2 records, best match first" in at.caption[0].value
    assert list(at.dataframe[0].value["id"]) == [1, 3]  # not newest first
    click_row(at, 1)
    assert at.subheader[0].value == "Record 3"


@pytest.mark.parametrize("text", ['"(NEAR', "cryo* OR", "-"])
def test_records_page_takes_search_text_that_is_not_fts_syntax(review_db, text):
    at = AppTest.from_function(_records_page).run(timeout=30)
    at.text_input(key="records_search").set_value(text).run(timeout=30)
    assert not at.exception
    assert at.caption[0].value.startswith(("0 records", "1 records"))


def _screen_page():
    from review.ui import screen

    screen.title_abstract_page()


def test_find_a_record_on_the_screen_page_is_ranked(review_db):
    _add_weaker_newer_match(review_db)
    at = AppTest.from_function(_screen_page).run(timeout=30)
    at.text_input(key="title_abstract_find").set_value("cryoablation").run(timeout=30)
    assert not at.exception
    assert at.selectbox(key="title_abstract_found").options[:1] == ["1: Cryoablation of neuroma"]
    assert at.selectbox(key="title_abstract_found").value == 1
    at.text_input(key="title_abstract_find").set_value('neuroma"(').run(timeout=30)
    assert not at.exception
    assert at.selectbox(key="title_abstract_found").value == 1


def _pair(path):
    from collections import namedtuple

    Match = namedtuple("Match", "a b score verdict reasons")
    with open_store(path) as store:
        store.save_matches([Match(1, 2, 0.8, "possible", ("title 0.90",))], "review")


def test_possible_duplicates_decide_by_key_and_list_decided_pairs_with_titles(review_db):
    _pair(review_db)
    at = AppTest.from_function(_duplicates_page).run(timeout=30)
    assert at.button(key="dup_merge").proto.shortcut == "s"
    assert at.button(key="dup_apart").proto.shortcut == "d"
    assert not at.expander  # nothing decided yet
    at.button(key="dup_apart").click().run(timeout=30)
    assert not at.exception
    (decided,) = at.expander
    # Each record's number beside its title, the hostile title escaped to show as text.
    said = f"1: Cryoablation of neuroma ~ 2: {HOSTILE} (kept apart by reviewer, score 0.80)"
    assert decided.label == plain(said)
    at.button(key="confirm_1_2").click().run(timeout=30)  # merged after all
    assert not at.exception
    with open_store(review_db) as store:
        assert store.pairs()[0].status == "confirmed"
    assert at.expander[0].label.endswith(plain("(merged by reviewer, score 0.80)"))


def test_a_decided_pair_names_long_titles_cut_and_untitled_records():
    from review.store.duplicates import DuplicatePair
    from review.ui.duplicates import pair_label

    pair = DuplicatePair(7, 9, 0.91, "duplicate", (), "merged", "", None, None)
    label = pair_label(pair, {7: "word " * 30}, width=20)
    assert label == "7: word word word word… ~ 9: (no title) (merged automatically, score 0.91)"


def _every_page():
    import streamlit as st

    from review.ui import router
    from review.ui.state import me

    for function, _title, path in router._pages(me()):
        if path == st.session_state["page_under_test"]:
            function()


def _lead_paths() -> list[str]:
    from review.screening.model import Reviewer
    from review.ui import router

    return [path for _function, _title, path in router._pages(Reviewer("lee", "lead"))]


@pytest.mark.parametrize("path", _lead_paths())
def test_every_page_runs(review_db, path):
    at = AppTest.from_function(_every_page)
    at.session_state["page_under_test"] = path
    at.run(timeout=60)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{path} drew no title"


def test_the_settings_page_is_part_of_the_protocol_page():
    assert "settings" not in _lead_paths()
    assert "protocol" in _lead_paths()
