"""`review sources`: every source searched (saved PubMed searches, imported files) with what
PRISMA-S asks of it, and a lead's corrections to an imported file's details."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from review.cli.options import BY, DB, JSON, QUIET
from review.imports.sources import edit_source, list_sources, read_strategy, searched_date
from review.screening.reviewers import acting
from review.store import open_store

NOT_RECORDED = "not recorded"


@click.command("sources")
@DB
@click.option("--set", "import_id", type=int, default=None, metavar="ID",
              help="Change the imported file with this id (see the list).")  # fmt: skip
@click.option("--database", default=None, help="The database searched.")
@click.option("--platform", default=None, help="Where it was searched (Ovid, Embase.com, ...).")
@click.option("--searched", default=None, help="The day it was searched: YYYY-MM-DD ('' clears).")
@click.option("--strategy", "strategy_file", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="A text file with the strategy, line by line as run.")  # fmt: skip
@click.option("--limits", default=None, help="The limits and filters applied.")
@click.option("--coverage", default=None, help="The database's dates of coverage.")
@JSON
@QUIET
@BY
def sources_command(
    db: Path, import_id: int | None, database, platform, searched, strategy_file, limits,
    coverage, as_json: bool, quiet: bool, by: str,
) -> None:  # fmt: skip
    """List every source searched; with --set ID, record an imported file's search details."""
    changes = {"database": database, "platform": platform, "limits": limits}
    changes |= {"coverage": coverage, "searched_on": searched}
    given = any(v is not None for v in changes.values()) or strategy_file is not None
    if import_id is None and given:
        raise click.UsageError("Say which imported file to change: --set ID.")
    if import_id is not None and not given:
        raise click.UsageError("Say what to change: --searched, --platform, --strategy, ...")
    with open_store(db, create=False) as store:
        if import_id is not None:
            searched_date(searched)  # checked before the strategy file is read
            if strategy_file is not None:
                changes["strategy"] = read_strategy(strategy_file)
            edit_source(store, import_id, acting(store, by), **changes)
        sources = list_sources(store)
    if as_json:
        click.echo(json.dumps([asdict(s) for s in sources], indent=2))
        return
    if quiet:
        return
    if not sources:
        click.echo(f"{db}: no saved searches or imported files.")
    for s in sources:
        label = f"search {s.id}" if s.kind == "pubmed" else f"import {s.id}"
        click.echo(f"{label}: {s.name}")
        click.echo(f"  database: {s.database or NOT_RECORDED}")
        click.echo(f"  platform: {s.platform or NOT_RECORDED}")
        click.echo(f"  date searched: {', '.join(s.searched) or NOT_RECORDED}")
        click.echo(f"  coverage: {s.coverage or NOT_RECORDED}")
        click.echo(f"  limits and filters: {s.limits or 'none recorded'}")
        click.echo(f"  records found: {s.records:,}")
        if s.strategy:
            click.echo("  strategy:")
            for line in s.strategy.splitlines():
                click.echo(f"    {line}")
        else:
            click.echo(f"  strategy: {NOT_RECORDED}")
