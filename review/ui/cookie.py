"""The sign-in cookie: the browser keeps the session's token so a refresh or a new tab stays
signed in.

Streamlit reads the cookies a browser sent when its session connected (``st.context.cookies``)
but has no way to set one, and ``streamlit run`` adds no route of ours to its server that could
answer with a ``Set-Cookie`` header. So a tiny script in an empty frame of the page (same
origin as the app) writes ``document.cookie`` of the app's page: ``Path=/``, ``SameSite=Strict``,
``Secure`` over https, and a ``Max-Age`` ending with the sign-in. Being written by a script, it
cannot be HttpOnly; the app shows no user text as HTML, the token is useless once signed out or
after ``SESSION_HOURS``, and the review file keeps only its hash. The name carries a hash of the
review file's path, so two reviews served on one host (cookies ignore ports) keep their own.
"""

from __future__ import annotations

import hashlib
import json
import re

import streamlit as st

from review.screening.sessions import SESSION_SECONDS

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")  # secrets.token_urlsafe: nothing to escape


def name() -> str:
    from review.ui.state import review_path  # state imports this module

    digest = hashlib.sha256(str(review_path().resolve()).encode()).hexdigest()[:12]
    return f"review_session_{digest}"


def token() -> str | None:
    """The token this browser sent when the session connected, if it looks like one of ours."""
    try:
        value = st.context.cookies.get(name())
    except Exception:  # no browser behind the session (AppTest, a bare script run)
        return None
    ours = isinstance(value, str) and TOKEN_SHAPE.fullmatch(value)  # AppTest's is a mock
    return value if ours else None


def _script(body: str) -> None:
    # st.iframe runs an HTML string in a frame of the app's own origin (a sandbox with scripts
    # and same-origin allowed), so the script reaches the app page's cookies.
    st.iframe(f"<script>{body}</script>", height=1, tab_index=-1, alt="sign-in cookie")


def keep(value: str, seconds: float = SESSION_SECONDS) -> None:
    """Have the browser keep ``value`` as this review's sign-in, unless it already sent it."""
    if not TOKEN_SHAPE.fullmatch(value) or token() == value:
        return
    cookie = json.dumps(f"{name()}={value}; Path=/; Max-Age={int(seconds)}; SameSite=Strict")
    _script(
        "const d = window.parent.document;"
        f"d.cookie = {cookie} + (window.parent.location.protocol === 'https:' ? '; Secure' : '');"
    )


def forget(value: str | None) -> None:
    """Clear this review's sign-in cookie if it still holds ``value`` (a newer sign-in made in
    another tab meanwhile is left alone); any value when ``value`` is None."""
    if value is not None and not TOKEN_SHAPE.fullmatch(value):
        value = None
    key, held = json.dumps(name()), json.dumps(value)
    _script(
        "const d = window.parent.document;"
        f"const key = {key}, held = {held};"
        "const now = d.cookie.split('; ').find((c) => c.startsWith(key + '='));"
        "if (now && (held === null || now === key + '=' + held)) {"
        "  d.cookie = key + '=; Path=/; Max-Age=0; SameSite=Strict';"
        "}"
    )
