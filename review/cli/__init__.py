"""The `review` command: a thin layer over the library, in the manner of sqlite-utils.

The group reads the settings (``review.config``) once as a command starts; each command module
(one per group of commands) calls the library and prints; ``main`` turns the library's errors
(``ReviewError``) into a message and exit code 2, and Ctrl-C into 130.

- ``options``: what the commands share: the DB argument, ``--json``, ``--quiet``, ``--by``
- ``records``: ``init``, ``status``, ``views``, ``import``, ``export``
- ``searches``: ``search``, ``update`` (PubMed)
- ``duplicates``: ``dedupe``, ``duplicates``
- ``screening``: ``decisions import|export``
- ``reviewers``: ``reviewer ...`` (accounts)
- ``prioritise``: ``progress``, ``simulate``
- ``extraction``: ``protocol``, ``studies``, ``extraction export|import``
- ``report``: ``report``, ``prisma``
- ``sources``: ``sources`` (the sources searched, as PRISMA-S lists them)
- ``app``: ``app`` (serve the review in the browser)
- ``__main__``: ``python -m review.cli``
"""

from __future__ import annotations

import sys

import click

from review.cli.app import app_command, is_loopback
from review.cli.duplicates import dedupe_command, duplicates_command
from review.cli.extraction import extraction_group, protocol_command, studies_command
from review.cli.prioritise import progress_command, simulate
from review.cli.records import export_command, import_, init, status, views
from review.cli.report import prisma, report_command
from review.cli.reviewers import reviewer
from review.cli.screening import decisions
from review.cli.searches import search, update
from review.cli.sources import sources_command
from review.config import read_config
from review.errors import ReviewError

__all__ = ["cli", "is_loopback", "main"]

INTERRUPTED = "Interrupted; run the same command again to continue."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rapid-review")  # the distribution's name
@click.pass_context
def cli(context: click.Context) -> None:
    """Rapid evidence review: harvest PubMed into a review database and keep it up to date."""
    context.obj = read_config()  # once per command; found again by options.settings()


for command in (
    init,
    search,
    update,
    status,
    views,
    import_,
    sources_command,
    dedupe_command,
    duplicates_command,
    export_command,
    decisions,
    app_command,
    progress_command,
    simulate,
    report_command,
    prisma,
    reviewer,
    protocol_command,
    studies_command,
    extraction_group,
):
    cli.add_command(command)


def main() -> None:
    """The installed `review` script: messages and exit codes instead of tracebacks."""
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(INTERRUPTED, err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ReviewError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("\n" + INTERRUPTED, err=True)
        sys.exit(130)
