"""What the commands share: the DB argument, --json, --quiet, and the one actor option --by.

Every command takes ``--json``: its result as one JSON document on standard output, and any
error as one JSON object on standard error (``review.cli.main`` writes it), so a script reads
both without parsing messages.

The settings (``review.config.Config``) are read once when a command starts, by the group in
``review.cli``; ``settings()`` hands them to the command, and every ``--by`` defaults to their
``user`` (REVIEW_USER, else the login name).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from review.config import Config, read_config

DB = click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
QUIET = click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
JSON = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the result as JSON (an error as a JSON object on stderr); draw no progress.",
)
OUTPUT = click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path)
)


def echo_json(data: Any) -> None:
    """A command's result as one JSON document on standard output."""
    click.echo(json.dumps(data, indent=2, default=str))


def settings() -> Config:
    """The settings the running command was started with (read now when run on its own)."""
    context = click.get_current_context(silent=True)
    config = context.find_object(Config) if context is not None else None
    return config if config is not None else read_config()


def _default_user() -> str:
    return settings().user


class _ActorOption(click.Option):
    """``--by``; an old spelling (``--reviewer``) still works but is left out of the help."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        return f"{self.opts[0]} {self.metavar}", record[1]


WHO = (
    "Who acts: an account's name, or a name without an account for the file's owner, acting as "
    "a lead (default: REVIEW_USER, else your login name)."
)


def by_option(help: str = WHO, *, old_name: bool = False):
    """The actor option of a command whose action has an author; ``old_name`` keeps the
    ``--reviewer`` spelling those commands had, out of the help."""
    names = ("--by", "--reviewer") if old_name else ("--by",)
    return click.option(
        *names, "by", cls=_ActorOption, default=_default_user, metavar="NAME", help=help
    )


BY = by_option()
