"""Sign in and out: reviewers of a review with accounts must say who they are."""

from __future__ import annotations

import streamlit as st

from review.screening.reviewers import sign_in
from review.ui.state import store


def page() -> None:
    st.title("Sign in")
    name = st.text_input("Name", key="signin_name")
    password = st.text_input("Password", type="password", key="signin_password")
    if st.button("Sign in", key="signin_button", type="primary"):
        reviewer = sign_in(store(), name, password)
        if reviewer is None:
            st.error("That name and password do not match a reviewer of this review.")
            return
        st.session_state["reviewer"] = reviewer
        st.rerun()


def sidebar(reviewer) -> None:
    st.sidebar.text(f"Signed in as {reviewer.name} ({reviewer.role})")
    if st.sidebar.button("Sign out", key="signout"):
        for key in list(st.session_state):
            del st.session_state[key]
        st.rerun()
