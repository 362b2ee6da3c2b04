"""Which review the app serves, its one shared database connection, and who is signed in.

The session keeps only a ``Session`` (name and credential version), and the account is read
again on every rerun: a role change shows at the next click, and a password reset or a removal
signs the session out there and then.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from review.config import read_config
from review.demo import ensure_demo
from review.screening.model import Reviewer
from review.screening.reviewers import Session, active_reviewers, session_reviewer
from review.store import Store, open_store

SOLO = Reviewer("reviewer", "lead")  # a review without accounts: one person, who leads it
SESSION = "signed_in"  # session-state key of the Session
NOTICE = "signin_notice"  # why the session was signed out, for the sign-in page to say


def review_path() -> Path:
    """REVIEW_DB names the review; without it the app opens the bundled demo review. Read on
    every run of a page, as the app's edge: tests serve a different review each."""
    config = read_config()
    return config.review_db or ensure_demo(config.demo_db)


@st.cache_resource
def _store(path: str) -> Store:
    # Keyed by path: AppTest runs in one process must not share another test's review.
    return open_store(path)


def review_store() -> Store:
    return _store(str(review_path()))


def has_accounts() -> bool:
    return bool(active_reviewers(review_store()))


def start_session(session: Session) -> None:
    st.session_state[SESSION] = session


def sign_out(notice: str = "") -> None:
    """Forget everything this browser session held (its widgets' values too)."""
    for key in list(st.session_state):
        del st.session_state[key]
    if notice:
        st.session_state[NOTICE] = notice


def current_reviewer() -> Reviewer | None:
    """The signed-in reviewer as the account stands now; the single reviewer of a review
    without accounts; None when nobody is signed in (or the account no longer lets them)."""
    if not has_accounts():
        return SOLO
    session = st.session_state.get(SESSION)
    if session is None:
        return None
    reviewer = session_reviewer(review_store(), session)
    if reviewer is None:
        sign_out(
            "You were signed out: your account was removed or its password changed. "
            "Sign in again, or ask a lead."
        )
    return reviewer


def me() -> Reviewer:
    reviewer = current_reviewer()
    if reviewer is None:  # the router shows only the sign-in page until someone signs in
        st.stop()
    return reviewer
