"""Sign in and out: reviewers of a review with accounts must say who they are.

A form, so Enter in either field signs in; the library decides whether the name and password
match and how long a name with many wrong passwords must wait.
"""

from __future__ import annotations

import streamlit as st

from review.demo import DEMO_PASSWORD, demo_accounts
from review.screening.reviewers import SignInWait, open_session
from review.ui.state import NOTICE, review_store, sign_out, start_session


def page() -> None:
    st.title("Sign in")
    accounts = demo_accounts(review_store())
    if accounts:  # the demo's passwords are documented: anyone may try it
        names = ", ".join(f"{name} ({role})" for name, role in accounts)
        st.info(f"This is the demo review. Sign in as {names}; the password is {DEMO_PASSWORD}.")
    notice = st.session_state.pop(NOTICE, "")
    if notice:
        st.warning(notice)
    with st.form("signin_form"):
        name = st.text_input("Name", key="signin_name")
        password = st.text_input("Password", type="password", key="signin_password")
        submitted = st.form_submit_button("Sign in", key="signin_button", type="primary")
    if not submitted:
        return
    try:
        session = open_session(review_store(), name, password)
    except SignInWait as exc:
        st.error(str(exc))
        return
    if session is None:
        st.error("That name and password do not match a reviewer of this review.")
        return
    start_session(session)
    st.rerun()


def sidebar(reviewer) -> None:
    st.sidebar.text(f"Signed in as {reviewer.name} ({reviewer.role})")
    if st.sidebar.button("Sign out", key="signout"):
        sign_out()
        st.rerun()
