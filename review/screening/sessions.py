"""Sign-ins kept by the browser: after a good password the app gives the browser a random token
(in a cookie), so a refresh or a new tab stays signed in without the password again.

The review file keeps only the token's SHA-256, with who signed in, the account's credential
version then, and a fixed expiry ``SESSION_HOURS`` after signing in (a working day: sign in once
a morning; not sliding, so a token that leaks is not kept alive by use). A token is refused once
it expired, once its reviewer signed out with it, and once the account's password was reset or
the account removed (the store ends those sign-ins in the same transaction, and the credential
version would refuse them anyway). A role change ends nothing: the role is read from the account
on every click, never kept with the token.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from review.screening.model import SignIn
from review.screening.reviewers import Session

if TYPE_CHECKING:
    from review.store import Store

SESSION_HOURS = 12
SESSION_SECONDS = SESSION_HOURS * 3600
TOKEN_BYTES = 32  # 256 random bits, URL-safe base64: 43 characters, safe in a cookie as is


def token_hash(token: str) -> str:
    """What the file keeps of a token: a copied review file gives no one a session."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(store: Store, session: Session, *, clock: Callable[[], float] = time.time) -> str:
    """A new token for a session that ``open_session`` just opened (a good password)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    store.add_sign_in(token_hash(token), session.name, session.version, clock() + SESSION_SECONDS)
    return token


def live_sign_in(
    store: Store, token: str | None, *, clock: Callable[[], float] = time.time
) -> SignIn | None:
    """The sign-in a token stands for, while it lasts; None for an unknown, ended or expired
    token."""
    if not token:
        return None
    sign_in = store.sign_in_by_token(token_hash(token))
    if sign_in is None or sign_in.revoked_at is not None or clock() >= sign_in.expires:
        return None
    return sign_in


def resume_session(
    store: Store, token: str | None, *, clock: Callable[[], float] = time.time
) -> Session | None:
    """The session a browser's token keeps, or None. ``session_reviewer`` still checks the
    account (removed, password changed) and reads its role now."""
    sign_in = live_sign_in(store, token, clock=clock)
    return None if sign_in is None else Session(sign_in.name, sign_in.credential_version)


def end_session(store: Store, token: str | None) -> bool:
    """Sign out: the token is refused from now on, in every tab and browser that holds it.
    False when it was unknown or had ended already."""
    if not token:
        return False
    return store.end_sign_in(token_hash(token), "sign-out")


def sign_in_history(store: Store, name: str | None = None) -> list[SignIn]:
    """Every sign-in kept (oldest first): who, when, until when, and how it ended."""
    return store.sign_ins(name)
