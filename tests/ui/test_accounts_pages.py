"""Sign-in, and what a reviewer who is not a lead is offered, in AppTest (the real browser tests
are tests/browser/test_accounts.py)."""

from __future__ import annotations

import time
from collections import namedtuple

import pytest
from streamlit.testing.v1 import AppTest

from review.records import Record
from review.screening.model import Reviewer
from review.screening.reviewers import FREE_TRIES, Session, add_reviewer, set_reviewer_role
from review.store import open_store
from review.ui.state import SESSION

OWNER = Reviewer("owner", "lead")
TIMEOUT = 30


@pytest.fixture
def review_db(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    with open_store(path) as store:
        store.add_records("t", [(str(i), Record(title=f"Record {i}", raw=str(i))) for i in (1, 2)])
        add_reviewer(store, "lee", "lead", "lee-password", by=OWNER)
        add_reviewer(store, "kim", "lead", "kim-password", by=OWNER)
        add_reviewer(store, "ann", "reviewer", "ann-password", by=OWNER)
    monkeypatch.setenv("REVIEW_DB", str(path))
    return path


def _app() -> AppTest:
    return AppTest.from_file("../../app.py").run(timeout=TIMEOUT)


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="signin_name").set_value(name)
    at.text_input(key="signin_password").set_value(password)
    return at.button(key="signin_button").click().run(timeout=TIMEOUT)


def test_the_session_keeps_only_who_signed_in(review_db):
    at = _sign_in(_app(), "ann", "ann-password")
    assert at.title[0].value == "Overview"
    assert at.session_state[SESSION] == Session("ann", 0)
    assert "reviewer" not in at.session_state  # no cached Reviewer that could go stale


def test_a_name_with_many_wrong_passwords_must_wait_even_with_the_right_one(review_db):
    with open_store(review_db) as store:
        for _ in range(FREE_TRIES + 6):  # the last wrong password just now: 60 s to wait
            store.add_sign_in_failure("lee", time.time())
    at = _sign_in(_app(), "lee", "lee-password")
    assert at.title[0].value == "Sign in"
    assert "Too many wrong passwords for this name: wait" in at.error[0].value
    # Another name is not held up.
    at = _sign_in(_app(), "kim", "kim-password")
    assert at.title[0].value == "Overview"


def test_an_unknown_name_gets_the_wrong_password_answer(review_db):
    at = _sign_in(_app(), "nobody", "lee-password")
    assert "do not match" in at.error[0].value
    with open_store(review_db) as store:
        assert store.sign_in_failures("nobody")[0] == 1


def test_a_role_change_shows_at_the_next_rerun(review_db):
    at = _sign_in(_app(), "lee", "lee-password")
    assert "Signed in as lee (lead)" in [t.value for t in at.sidebar.text]
    with open_store(review_db) as store:
        set_reviewer_role(store, "lee", "reviewer", by=OWNER)
    at.run(timeout=TIMEOUT)
    assert "Signed in as lee (reviewer)" in [t.value for t in at.sidebar.text]


def _duplicates_page():
    from review.ui import duplicates

    duplicates.page()


def _report_page():
    from review.ui import report

    report.page()


def _as(page, name: str) -> AppTest:
    at = AppTest.from_function(page)
    at.session_state[SESSION] = Session(name, 0)
    at.run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    return at


def test_a_reviewer_opening_lead_pages_cannot_act_on_them(review_db):
    Match = namedtuple("Match", "a b score verdict reasons")
    with open_store(review_db) as store:
        store.save_matches([Match(1, 2, 0.8, "possible", ("title 0.90",))], "review")
    at = _as(_duplicates_page, "ann")
    assert at.button(key="dup_merge").disabled and at.button(key="dup_apart").disabled
    assert "Only a lead decides possible duplicates." in [i.value for i in at.info]
    at = _as(_duplicates_page, "lee")
    at.button(key="dup_merge").click().run(timeout=TIMEOUT)
    with open_store(review_db) as store:
        assert store.pairs()[0].decided_by == "lee"  # the signed-in account's name

    at = _as(_report_page, "ann")
    assert not [b for b in at.button if b.key == "report_prepare"]
    assert not [b for b in at.get("download_button") if b.key == "prisma_svg"]
    at = _as(_report_page, "lee")
    assert [b for b in at.button if b.key == "report_prepare"]
