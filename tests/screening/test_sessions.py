"""Sign-ins kept by the browser as tokens, in a real SQLite review file: only the token's hash is
stored; a token is refused after its expiry, after signing out with it, and after a password reset
or a removal of its account; a role change ends nothing and is read again."""

import sqlite3

import pytest

from review.screening.model import Reviewer
from review.screening.reviewers import (
    add_reviewer,
    open_session,
    remove_reviewer,
    reset_password,
    session_reviewer,
    set_reviewer_role,
)
from review.screening.sessions import (
    SESSION_SECONDS,
    end_session,
    issue_token,
    live_sign_in,
    resume_session,
    sign_in_history,
    token_hash,
)
from review.store import open_store
from tests.screening.clock import Clock

OWNER = Reviewer("owner", "lead")
NOW = 2_000_000_000.0  # a time after today: tokens made at it have not expired


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "r.db") as s:
        add_reviewer(s, "lee", "lead", "lee-password", by=OWNER)
        add_reviewer(s, "kim", "lead", "kim-password", by=OWNER)
        add_reviewer(s, "ann", "reviewer", "ann-password", by=OWNER)
        yield s


def signed_in(store, name: str, clock=None) -> str:
    session = open_session(store, name, f"{name}-password")
    assert session is not None
    return issue_token(store, session, clock=clock or Clock(NOW))


def test_the_file_keeps_only_the_tokens_hash(store, tmp_path):
    token = signed_in(store, "ann")
    assert len(token) >= 43 and token != signed_in(store, "ann")  # random, 256 bits
    conn = sqlite3.connect(tmp_path / "r.db")
    dump = "\n".join(conn.iterdump())
    conn.close()
    assert token not in dump
    assert token_hash(token) in dump


def test_a_token_resumes_its_session_until_it_expires(store):
    clock = Clock(NOW)
    token = signed_in(store, "ann", clock)
    session = resume_session(store, token, clock=clock)
    assert session_reviewer(store, session) == Reviewer("ann", "reviewer")
    clock.at += SESSION_SECONDS - 1
    assert resume_session(store, token, clock=clock) is not None  # fixed, not sliding: 12 h
    clock.at += 1
    assert resume_session(store, token, clock=clock) is None
    [sign_in] = sign_in_history(store, "ann")
    assert sign_in.expires == Clock(NOW).at + SESSION_SECONDS and sign_in.revoked_at is None


def test_unknown_or_missing_tokens_are_refused(store):
    signed_in(store, "ann")
    for token in (None, "", "not-a-token", token_hash("x")):
        assert resume_session(store, token) is None


def test_signing_out_ends_the_token_for_every_holder(store):
    token, other = signed_in(store, "ann"), signed_in(store, "ann")  # two browsers
    assert end_session(store, token)
    assert resume_session(store, token) is None and live_sign_in(store, token) is None
    assert not end_session(store, token)  # once
    assert resume_session(store, other) is not None  # the other browser's own sign-in stays
    ended = [s for s in sign_in_history(store, "ann") if s.revoked_at]
    assert [s.revoked_why for s in ended] == ["sign-out"]


def test_a_password_reset_or_a_removal_ends_every_token_of_the_account(store):
    ann, lee, kim = signed_in(store, "ann"), signed_in(store, "lee"), signed_in(store, "kim")
    reset_password(store, "ann", "new-ann-password", by=OWNER)
    remove_reviewer(store, "lee", by=Reviewer("kim", "lead"))
    assert resume_session(store, ann) is None and resume_session(store, lee) is None
    assert resume_session(store, kim) is not None
    why = {s.name: s.revoked_why for s in sign_in_history(store)}
    assert why == {"ann": "password", "lee": "remove", "kim": None}


def test_a_role_change_is_read_again_and_ends_nothing(store):
    token = signed_in(store, "lee")
    set_reviewer_role(store, "lee", "reviewer", by=Reviewer("kim", "lead"))
    assert session_reviewer(store, resume_session(store, token)) == Reviewer("lee", "reviewer")
    set_reviewer_role(store, "lee", "lead", by=Reviewer("kim", "lead"))
    assert session_reviewer(store, resume_session(store, token)) == Reviewer("lee", "lead")


def test_a_token_made_before_a_password_change_is_refused_even_if_not_marked(store):
    """The credential version kept with the sign-in is a second lock: a row the reset did not
    mark (a file copied back, a hand edit) still gives no session."""
    token = signed_in(store, "ann")
    reset_password(store, "ann", "new-ann-password", by=OWNER)
    store.write("UPDATE sessions SET revoked_at = NULL, revoked_why = NULL")
    session = resume_session(store, token)
    assert session is not None and session_reviewer(store, session) is None
