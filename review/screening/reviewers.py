"""Reviewer accounts: names, roles and salted slow password hashes (scrypt, in the standard
library), so a copied review database does not give away anyone's password.

A browser session keeps only a ``Session`` (the name and the account's credential version), never
a Reviewer: ``session_reviewer`` reads the account again, so a role change shows at the next click
and a password reset or a removal signs the session out. Sign-in slows guessing: after
``FREE_TRIES`` wrong passwords for a name, each further try must wait twice as long as the one
before (up to ``MAX_WAIT`` seconds), counted in the database so every session and process sees it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from review.errors import ReviewError
from review.permissions import require
from review.screening.model import ROLES, Account, AccountEvent, Reviewer

if TYPE_CHECKING:
    from review.store import Store

_N, _R, _P = 2**14, 8, 1  # scrypt cost: ~50 ms a check, and 16 MB, on this kind of machine
MIN_PASSWORD = 10
FREE_TRIES = 5  # wrong passwords for a name before each further try has to wait
MAX_WAIT = 60.0  # seconds: the longest wait between tries


class SignInWait(ReviewError):
    """Too many wrong passwords for a name: the next try must wait ``seconds``."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(
            f"Too many wrong passwords for this name: wait {max(1, round(seconds))} s, then try "
            "again. A lead can reset a forgotten password (review reviewer password)."
        )


@dataclass(frozen=True)
class Session:
    """What a browser remembers of a sign-in: who, and the account's credential version then."""

    name: str
    version: int


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _scheme, n, r, p, salt, digest = stored.split("$")
        again = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(again.hex(), digest)


@functools.cache
def _dummy_hash() -> str:
    """A hash nobody's password matches, checked for unknown names so that they cost the same
    scrypt work as a wrong password."""
    return hash_password(secrets.token_hex(16))


def _checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ReviewError(
            f"Choose a password of at least {MIN_PASSWORD} characters (a few words make a good "
            "one); nothing was changed."
        )
    return password


def _checked_role(role: str) -> str:
    if role not in ROLES:
        raise ReviewError(f"Unknown role {role!r}: use {' or '.join(ROLES)}.")
    return role


# -- account changes (leads only) ----------------------------------------------------------------


def add_reviewer(store: Store, name: str, role: str, password: str, *, by: Reviewer) -> Reviewer:
    """A new account. A name already used, even by a removed reviewer, is refused."""
    require(by, "manage_reviewers")
    name = name.strip()
    if not name:
        raise ReviewError("A reviewer needs a name.")
    _checked_role(role)
    store.add_reviewer(name, role, hash_password(_checked_password(password)), by.name)
    return Reviewer(name, role)


def set_reviewer_role(store: Store, name: str, role: str, *, by: Reviewer) -> Reviewer:
    """Make an account a lead or a reviewer; the last lead cannot stop being one."""
    require(by, "manage_reviewers")
    store.set_reviewer_role(name.strip(), _checked_role(role), by.name)
    return Reviewer(name.strip(), role)


def reset_password(store: Store, name: str, password: str, *, by: Reviewer) -> None:
    """A new password; whoever is signed in as ``name`` is signed out at their next click."""
    require(by, "manage_reviewers")
    store.set_reviewer_password(name.strip(), hash_password(_checked_password(password)), by.name)


def remove_reviewer(store: Store, name: str, *, by: Reviewer) -> None:
    """Remove an account: it can no longer sign in (an open session ends at its next click) and
    is not listed, but its decisions and history stay under its name, which stays reserved."""
    require(by, "manage_reviewers")
    store.remove_reviewer(name.strip(), by.name)


# -- signing in ----------------------------------------------------------------------------------


def wait_before_try(store: Store, name: str, *, clock: Callable[[], float] = time.time) -> float:
    """Seconds until ``name`` may be tried again (0 when it may now)."""
    failures, last = store.sign_in_failures(name.strip())
    if failures < FREE_TRIES:
        return 0.0
    wait = min(MAX_WAIT, 2.0 ** (failures - FREE_TRIES))
    return max(0.0, last + wait - clock())


def open_session(
    store, name: str, password: str, *, clock: Callable[[], float] = time.time
) -> Session | None:
    """Check a name and password; None when they do not match an account. An unknown or removed
    name takes the same steps (a full scrypt check, a counted failure) as a wrong password, so
    neither the answer nor its time tells whether the name exists. Raises ``SignInWait`` while the
    name must wait; a try refused that way is not counted."""
    name = name.strip()
    dummy = _dummy_hash()  # made on first use: before the branch, so both sides pay for it
    wait = wait_before_try(store, name, clock=clock)
    if wait > 0:
        raise SignInWait(wait)
    row = store.reviewer_row(name)
    matches = check_password(password, row.password_hash if row else dummy)
    if row is None or not matches:
        store.add_sign_in_failure(name, clock())
        return None
    store.clear_sign_in_failures(name)
    return Session(row.name, row.credential_version)


def session_reviewer(store: Store, session: Session | None) -> Reviewer | None:
    """The reviewer a session is signed in as, with the role the account has now; None when the
    account was removed or its password changed since the session signed in."""
    if session is None:
        return None
    row = store.reviewer_row(session.name)
    if row is None or row.credential_version != session.version:
        return None
    return Reviewer(row.name, row.role)


def sign_in(
    store, name: str, password: str, *, clock: Callable[[], float] = time.time
) -> Reviewer | None:
    return session_reviewer(store, open_session(store, name, password, clock=clock))


# -- reading -------------------------------------------------------------------------------------


def active_reviewers(store: Store) -> list[Reviewer]:
    """The accounts that may sign in (removed reviewers are not listed)."""
    return [Reviewer(r.name, r.role) for r in store.reviewer_rows()]


def all_accounts(store: Store) -> list[Account]:
    """Every account, removed ones too: name, role, created_at, active, removed_at."""
    return store.all_reviewer_rows()


def account_history(store: Store, name: str | None = None) -> list[AccountEvent]:
    """Every account change (add, set_role, password, remove): at, actor, action, name, detail."""
    return store.account_events(name)


def acting(store: Store, name: str) -> Reviewer:
    """Who a command-line action is by: the account of that name, with its role; a name with no
    account is the review file's owner, who runs the command line and so acts as a lead. A removed
    reviewer's name is refused: it stays theirs."""
    name = (name or "").strip()
    if not name:
        raise ReviewError("Say who is acting (--by NAME).")
    row = store.reviewer_row(name)
    if row is not None:
        return Reviewer(row.name, row.role)
    if store.removed_reviewer_row(name) is not None:
        raise ReviewError(
            f"{name} was removed from this review and cannot act in it; give another --by NAME."
        )
    return Reviewer(name, "lead")
