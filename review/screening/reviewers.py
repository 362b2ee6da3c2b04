"""Reviewer accounts: names, roles and salted slow password hashes (scrypt, in the standard
library), so a copied review database does not give away anyone's password."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from review.errors import ReviewError
from review.screening.model import ROLES, Reviewer

_N, _R, _P = 2**14, 8, 1  # scrypt cost: ~50 ms a check, and 16 MB, on this kind of machine


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


def add_reviewer(store, name: str, role: str, password: str) -> Reviewer:
    name = name.strip()
    if not name:
        raise ReviewError("A reviewer needs a name.")
    if role not in ROLES:
        raise ReviewError(f"Unknown role {role!r}: use {' or '.join(ROLES)}.")
    if len(password) < 8:
        raise ReviewError("Choose a password of at least 8 characters.")
    store.add_reviewer(name, role, hash_password(password))
    return Reviewer(name, role)


def sign_in(store, name: str, password: str) -> Reviewer | None:
    row = store.reviewer_row(name.strip())
    if row is None or not check_password(password, row["password_hash"]):
        return None
    return Reviewer(row["name"], row["role"])


def reviewers(store) -> list[Reviewer]:
    return [Reviewer(r["name"], r["role"]) for r in store.reviewer_rows()]


def acting(store, name: str) -> Reviewer:
    """Who a command-line action is by: the account of that name, with its role; a name with no
    account is the review file's owner, who runs the command line and so acts as a lead."""
    name = (name or "").strip()
    if not name:
        raise ReviewError("Say who is acting (--by NAME).")
    row = store.reviewer_row(name)
    if row is None:
        return Reviewer(name, "lead")
    return Reviewer(row["name"], row["role"])
