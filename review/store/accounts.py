"""Reviewer accounts: their rows, their changes as events, the wrong-password counts and the
sign-ins the app keeps (by the token's hash; a password reset or a removal ends them).

A change and its event are written in one transaction, and the checks that must hold across
concurrent writers (the name is free, a lead remains) are made inside that transaction.
"""

from __future__ import annotations

import json

from review.errors import ReviewError
from review.screening.model import Account, AccountEvent, SignIn
from review.store.base import BaseStore, now

# a sign-in's columns as SignIn takes them (never the token's hash)
_SIGN_IN = "id, name, credential_version, created_at, expires, revoked_at, revoked_why"


def _account(row: dict) -> Account:
    return Account(**(row | {"active": bool(row["active"])}))


class AccountsMixin(BaseStore):
    def _account_event(self, conn, stamp: str, actor: str, action: str, name: str, **detail):
        conn.execute(
            "INSERT INTO account_events (at, actor, action, name, detail) VALUES (?, ?, ?, ?, ?)",
            (stamp, actor, action, name, json.dumps(detail, sort_keys=True)),
        )

    def add_reviewer(self, name: str, role: str, password_hash: str, actor: str) -> None:
        stamp = now()
        with self.transaction() as conn:
            row = conn.execute("SELECT active FROM reviewers WHERE name = ?", (name,)).fetchone()
            if row is not None and row[0]:
                raise ReviewError(
                    f"{name} already has an account. Change their role with "
                    "'review reviewer set-role' or their password with 'review reviewer password'."
                )
            if row is not None:
                raise ReviewError(
                    f"{name} was a reviewer of this review and was removed; the name stays with "
                    "their decisions, so it cannot be given again. Choose another name."
                )
            conn.execute(
                "INSERT INTO reviewers (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                (name, role, password_hash, stamp),
            )
            self._account_event(conn, stamp, actor, "add", name, role=role)

    def reviewer_row(self, name: str) -> Account | None:
        """The account of that name, unless it was removed."""
        rows = self.query("SELECT * FROM reviewers WHERE name = ? AND active = 1", (name,))
        return _account(rows[0]) if rows else None

    def removed_reviewer_row(self, name: str) -> Account | None:
        rows = self.query("SELECT * FROM reviewers WHERE name = ? AND active = 0", (name,))
        return _account(rows[0]) if rows else None

    def reviewer_rows(self) -> list[Account]:
        return [
            _account(r) for r in self.query("SELECT * FROM reviewers WHERE active = 1 ORDER BY 1")
        ]

    def _changeable(self, conn, name: str) -> str:
        """The current role of an account that exists and was not removed."""
        row = conn.execute(
            "SELECT role FROM reviewers WHERE name = ? AND active = 1", (name,)
        ).fetchone()
        if row is None:
            raise ReviewError(
                f"There is no reviewer {name!r} in this review; list them with "
                "'review reviewer list DB'."
            )
        return row[0]

    def _keep_a_lead(self, conn, name: str, what: str) -> None:
        others = conn.execute(
            "SELECT count(*) FROM reviewers WHERE role = 'lead' AND active = 1 AND name != ?",
            (name,),
        ).fetchone()[0]
        if not others:
            raise ReviewError(
                f"{name} is the last lead of this review: {what} would leave nobody to resolve "
                f"conflicts or manage reviewers. Make another reviewer a lead first "
                "(review reviewer set-role DB NAME lead)."
            )

    def set_reviewer_role(self, name: str, role: str, actor: str) -> str:
        """Change the role; returns the role before. The session stays signed in: the role is
        read again on every page the reviewer opens."""
        stamp = now()
        with self.transaction() as conn:
            before = self._changeable(conn, name)
            if before == "lead" and role != "lead":
                self._keep_a_lead(conn, name, "making them a reviewer")
            conn.execute("UPDATE reviewers SET role = ? WHERE name = ?", (role, name))
            self._account_event(conn, stamp, actor, "set_role", name, role=role, was=before)
        return before

    def set_reviewer_password(self, name: str, password_hash: str, actor: str) -> None:
        """New password; every session signed in with the old one ends."""
        stamp = now()
        with self.transaction() as conn:
            self._changeable(conn, name)
            conn.execute(
                "UPDATE reviewers SET password_hash = ?, "
                "credential_version = credential_version + 1 WHERE name = ?",
                (password_hash, name),
            )
            conn.execute("DELETE FROM sign_in_failures WHERE name = ?", (name,))
            self._end_sign_ins(conn, name, stamp, "password")
            self._account_event(conn, stamp, actor, "password", name)

    def remove_reviewer(self, name: str, actor: str) -> None:
        """Mark the account removed (its decisions and history stay); its sessions end."""
        stamp = now()
        with self.transaction() as conn:
            role = self._changeable(conn, name)
            if role == "lead":
                self._keep_a_lead(conn, name, "removing them")
            conn.execute(
                "UPDATE reviewers SET active = 0, removed_at = ?, "
                "credential_version = credential_version + 1 WHERE name = ?",
                (stamp, name),
            )
            self._end_sign_ins(conn, name, stamp, "remove")
            self._account_event(conn, stamp, actor, "remove", name, role=role)

    def account_events(self, name: str | None = None) -> list[AccountEvent]:
        sql = "SELECT * FROM account_events"
        params: tuple[str, ...] = ()
        if name is not None:
            sql, params = sql + " WHERE name = ?", (name,)
        rows = self.query(sql + " ORDER BY id", params)
        return [AccountEvent(**(r | {"detail": json.loads(r["detail"])})) for r in rows]

    def all_reviewer_rows(self) -> list[Account]:
        """Every account, removed ones too (for the list the command line prints)."""
        return [_account(r) for r in self.query("SELECT * FROM reviewers ORDER BY 1")]

    # -- wrong passwords ----------------------------------------------------------------------

    def sign_in_failures(self, name: str) -> tuple[int, float]:
        """(wrong passwords in a row, when the last one was typed) for a name."""
        rows = self.query(
            "SELECT failures, last_failed_at FROM sign_in_failures WHERE name = ?", (name,)
        )
        return (rows[0]["failures"], rows[0]["last_failed_at"]) if rows else (0, 0.0)

    def add_sign_in_failure(self, name: str, at: float) -> int:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO sign_in_failures (name, failures, last_failed_at) VALUES (?, 1, ?) "
                "ON CONFLICT (name) DO UPDATE SET failures = failures + 1, "
                "last_failed_at = excluded.last_failed_at",
                (name, at),
            )
            return conn.execute(
                "SELECT failures FROM sign_in_failures WHERE name = ?", (name,)
            ).fetchone()[0]

    def clear_sign_in_failures(self, name: str) -> None:
        if self.sign_in_failures(name)[0]:
            self.write("DELETE FROM sign_in_failures WHERE name = ?", (name,))

    # -- sign-ins kept by the browser (db/011) -------------------------------------------------

    def add_sign_in(self, token_hash: str, name: str, version: int, expires: float) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO sessions (token_hash, name, credential_version, created_at, expires) "
                "VALUES (?, ?, ?, ?, ?)",
                (token_hash, name, version, now(), expires),
            )

    def sign_in_by_token(self, token_hash: str) -> SignIn | None:
        rows = self.query(
            f"SELECT {_SIGN_IN} FROM sessions WHERE token_hash = ?",
            (token_hash,),
        )
        return SignIn(**rows[0]) if rows else None

    def end_sign_in(self, token_hash: str, why: str) -> bool:
        """Mark a sign-in ended; False when it was unknown or had ended already."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "UPDATE sessions SET revoked_at = ?, revoked_why = ? "
                "WHERE token_hash = ? AND revoked_at IS NULL",
                (now(), why, token_hash),
            )
            return cursor.rowcount > 0

    def _end_sign_ins(self, conn, name: str, stamp: str, why: str) -> None:
        conn.execute(
            "UPDATE sessions SET revoked_at = ?, revoked_why = ? "
            "WHERE name = ? AND revoked_at IS NULL",
            (stamp, why, name),
        )

    def sign_ins(self, name: str | None = None) -> list[SignIn]:
        """Every sign-in kept, oldest first (never its token)."""
        sql = f"SELECT {_SIGN_IN} FROM sessions"
        params: tuple[str, ...] = ()
        if name is not None:
            sql, params = sql + " WHERE name = ?", (name,)
        return [SignIn(**r) for r in self.query(sql + " ORDER BY id", params)]
