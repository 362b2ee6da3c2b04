"""Which review the app serves, its one shared database connection, and who is signed in.

The session keeps only a ``Session`` (name and credential version) and its sign-in token, and the
account is read again on every rerun: a role change shows at the next click, and a password reset
or a removal signs the session out there and then. A new browser session (a refresh, a new tab)
resumes the sign-in from the token in the browser's cookie; the token is checked on every rerun
too, so a sign-out in another tab, or its expiry, ends this one at the next click.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from review.config import read_config
from review.demo import ensure_demo
from review.screening.model import Reviewer
from review.screening.reviewers import Session, active_reviewers, session_reviewer
from review.screening.sessions import SESSION_HOURS, end_session, live_sign_in, resume_session
from review.store import Store, open_store
from review.ui import cookie

SOLO = Reviewer("reviewer", "lead")  # a review without accounts: one person, who leads it
SESSION = "signed_in"  # session-state key of the Session
TOKEN = "signin_token"  # session-state key of the sign-in's token (None: no cookie, as in AppTest)
NOTICE = "signin_notice"  # why the session was signed out, for the sign-in page to say
FORGET = "signin_forget"  # the token whose cookie the sign-in page should clear
ENDED = (
    "You were signed out: your account was removed or its password changed. "
    "Sign in again, or ask a lead."
)
EXPIRED = (
    f"You were signed out: you signed out in another tab, or your sign-in is older than "
    f"{SESSION_HOURS} hours. Sign in again."
)


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


def start_session(session: Session, token: str | None = None) -> None:
    st.session_state[SESSION] = session
    st.session_state[TOKEN] = token
    st.session_state.pop(FORGET, None)


def sign_out(notice: str = "", *, end: bool = False) -> None:
    """Forget everything this browser session held (its widgets' values too); with ``end`` (the
    Sign out button) the token is refused from now on, in every tab that holds it."""
    token = st.session_state.get(TOKEN)
    if end:
        end_session(review_store(), token)
    for key in list(st.session_state):
        del st.session_state[key]
    if notice:
        st.session_state[NOTICE] = notice
    forget = token or cookie.token()
    if forget:
        st.session_state[FORGET] = forget  # cleared by the sign-in page


def current_reviewer() -> Reviewer | None:
    """The signed-in reviewer as the account stands now; the single reviewer of a review
    without accounts; None when nobody is signed in (or the account no longer lets them)."""
    if not has_accounts():
        return SOLO
    store = review_store()
    session = st.session_state.get(SESSION)
    resumed = session is None
    if resumed:
        token = cookie.token()  # a refresh or a new tab: the sign-in the browser keeps
        session = resume_session(store, token)
        if session is None:
            return None
        start_session(session, token)
    reviewer = session_reviewer(store, session)
    if reviewer is None:
        sign_out(ENDED)
        return None
    token = st.session_state.get(TOKEN)
    if not resumed and token is not None and live_sign_in(store, token) is None:
        sign_out(EXPIRED)
        return None
    return reviewer


def me() -> Reviewer:
    reviewer = current_reviewer()
    if reviewer is None:  # the router shows only the sign-in page until someone signs in
        st.stop()
    return reviewer
