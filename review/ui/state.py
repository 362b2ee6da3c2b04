"""Which review the app serves, its one shared database connection, and who is signed in."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from review.screening.model import Reviewer
from review.screening.reviewers import reviewers
from review.store import Store, open_store

SOLO = Reviewer("reviewer", "lead")  # a review without accounts: one person, who leads it


def review_path() -> Path:
    """REVIEW_DB names the review; without it the app opens the bundled demo review."""
    configured = os.environ.get("REVIEW_DB")
    if configured:
        return Path(configured)
    from review.demo import ensure_demo

    return ensure_demo()


@st.cache_resource
def _store(path: str) -> Store:
    # Keyed by path: AppTest runs in one process must not share another test's review.
    return open_store(path)


def store() -> Store:
    return _store(str(review_path()))


def has_accounts() -> bool:
    return bool(reviewers(store()))


def current_reviewer() -> Reviewer | None:
    """The signed-in reviewer; the single reviewer of a review without accounts."""
    if not has_accounts():
        return SOLO
    return st.session_state.get("reviewer")


def me() -> Reviewer:
    reviewer = current_reviewer()
    if reviewer is None:  # the router shows only the sign-in page until someone signs in
        st.stop()
    return reviewer
