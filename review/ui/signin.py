"""Sign in and out: reviewers of a review with accounts must say who they are.

A form, so Enter in either field signs in; the library decides whether the name and password
match and how long a name with many wrong passwords must wait, and issues the token the browser
keeps in a cookie (``cookie``) so that a refresh or a new tab stays signed in.
"""

from __future__ import annotations

import streamlit as st

from review.demo import DEMO_PASSWORD, demo_accounts
from review.screening.reviewers import SignInWait, open_session
from review.screening.sessions import issue_token
from review.ui import cookie
from review.ui.state import FORGET, NOTICE, TOKEN, review_store, sign_out, start_session


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
    stale = st.session_state.get(FORGET) or cookie.token()  # signed out, refused or expired
    if stale:
        cookie.forget(stale)
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
    start_session(session, issue_token(review_store(), session))
    st.rerun()


def sidebar(reviewer) -> None:
    st.sidebar.text(f"Signed in as {reviewer.name} ({reviewer.role})")
    if st.sidebar.button("Sign out", key="signout"):
        sign_out(end=True)
        st.rerun()
    token = st.session_state.get(TOKEN)
    if token:
        with st.sidebar:
            cookie.keep(token)
