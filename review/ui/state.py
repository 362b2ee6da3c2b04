"""Which review the app serves, and its one shared database connection."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from review.store import Store, open_store


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
