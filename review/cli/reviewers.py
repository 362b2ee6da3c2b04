"""`review reviewer ...`: accounts of a review. Each change is made by someone (--by, the
account's role; a name without an account is the file's owner, acting as a lead) and kept as an
event; library errors (ReviewError) reach ``review.cli.main``, which prints them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from review.cli.options import DB, JSON, by_option, echo_json
from review.permissions import permission_rows
from review.screening.model import ROLES
from review.screening.reviewers import (
    MIN_PASSWORD,
    acting,
    add_reviewer,
    all_accounts,
    remove_reviewer,
    reset_password,
    set_reviewer_role,
)
from review.store import open_store

NAME = click.argument("name")
BY = by_option(
    "Who makes the change: an account's name, or a name without an account for the file's "
    "owner, acting as a lead (default: REVIEW_USER, else your login name)."
)


def _password() -> str:
    """Without echo at a terminal (typed twice), else the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt(
            f"Password (at least {MIN_PASSWORD} characters)",
            hide_input=True,
            confirmation_prompt=True,
        )
    return sys.stdin.readline().rstrip("\r\n")


@click.group()
def reviewer() -> None:
    """Reviewer accounts (a review without any is single-reviewer and local only)."""


@reviewer.command("add")
@DB
@NAME
@click.option("--role", type=click.Choice(ROLES), default="reviewer", show_default=True)
@BY
@JSON
def reviewer_add(db: Path, name: str, role: str, by: str, as_json: bool) -> None:
    """Add a reviewer. The password is read without echo, or from standard input when that is
    not a terminal."""
    password = _password()
    with open_store(db) as store:
        added = add_reviewer(store, name, role, password, by=acting(store, by))
    if as_json:
        echo_json({"db": str(db), "name": added.name, "role": added.role})
        return
    click.echo(f"{db}: {added.name} can sign in as {added.role}.")


@reviewer.command("set-role")
@DB
@NAME
@click.argument("role", type=click.Choice(ROLES))
@BY
@JSON
def reviewer_set_role(db: Path, name: str, role: str, by: str, as_json: bool) -> None:
    """Make NAME a lead or a reviewer; a signed-in NAME sees the change at their next click."""
    with open_store(db, create=False) as store:
        changed = set_reviewer_role(store, name, role, by=acting(store, by))
    if as_json:
        echo_json({"db": str(db), "name": changed.name, "role": changed.role})
        return
    click.echo(f"{db}: {changed.name} is now a {changed.role}.")


@reviewer.command("remove")
@DB
@NAME
@BY
@JSON
def reviewer_remove(db: Path, name: str, by: str, as_json: bool) -> None:
    """Remove NAME: they can no longer sign in and are signed out at their next click. Their
    decisions and history stay, under their name, which is not given to anyone else."""
    with open_store(db, create=False) as store:
        remove_reviewer(store, name, by=acting(store, by))
    if as_json:
        echo_json({"db": str(db), "name": name.strip(), "removed": True})
        return
    click.echo(f"{db}: {name.strip()} was removed; their decisions stay in the review.")


@reviewer.command("password")
@DB
@NAME
@BY
@JSON
def reviewer_password(db: Path, name: str, by: str, as_json: bool) -> None:
    """Give NAME a new password (read as for add); wherever NAME is signed in, they are signed
    out at their next click."""
    password = _password()
    with open_store(db, create=False) as store:
        reset_password(store, name, password, by=acting(store, by))
    if as_json:
        echo_json({"db": str(db), "name": name.strip(), "password_changed": True})
        return
    click.echo(f"{db}: {name.strip()} has a new password.")


@reviewer.command("list")
@DB
@JSON
def reviewer_list(db: Path, as_json: bool) -> None:
    """Every account, removed ones too, with its role."""
    with open_store(db, create=False) as store:
        rows = [vars(a) for a in all_accounts(store)]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        state = "" if row["active"] else f"  removed {row['removed_at']}"
        click.echo(f"{row['name']:<24} {row['role']:<9} since {row['created_at']}{state}")
    if not rows:
        click.echo("No accounts: one reviewer, who leads, and the app listens on loopback only.")


@reviewer.command("permissions")
@JSON
def reviewer_permissions(as_json: bool) -> None:
    """Print who may do what (the table the library enforces)."""
    if as_json:
        echo_json([{"action": a, "roles": r, "covers": w} for a, r, w in permission_rows()])
        return
    rows = [("action", "roles", "what it covers"), *permission_rows()]
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    for action, roles, what in rows:
        click.echo(f"{action:<{width[0]}}  {roles:<{width[1]}}  {what}")
