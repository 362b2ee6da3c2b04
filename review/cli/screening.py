"""`review decisions import|export`: screening decisions in and out as CSV."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from review.cli.options import DB, JSON, OUTPUT, by_option, echo_json
from review.screening.reviewers import acting
from review.screening.transfer import export_decisions, import_decisions
from review.store import open_store


@click.group()
def decisions() -> None:
    """Screening decisions in and out as CSV (record_id, reviewer, stage, decision, reason)."""


@decisions.command("import")
@DB
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@by_option(
    "Who imports: a reviewer imports only their own decisions; a lead (or the review's "
    "owner, a name without an account) also others' and resolutions."
)
@JSON
def decisions_import(db: Path, file: Path, by: str, as_json: bool) -> None:
    """Add decisions from a CSV file: all of them, or none if any line is wrong. Decisions the
    review already holds (the same file imported before) are skipped and counted."""
    with open_store(db, create=False) as store:
        result = import_decisions(store, file, acting(store, by))
    if as_json:
        echo_json(asdict(result))
        return
    click.echo(result.summary())
    for warning in result.warnings:
        click.echo(f"  Warning: {warning}")


@decisions.command("export")
@DB
@OUTPUT
@JSON
def decisions_export(db: Path, output: Path, as_json: bool) -> None:
    """Write every decision ever made (the whole history, undos included) to CSV."""
    with open_store(db, create=False) as store:
        count = export_decisions(store, output)
    if as_json:
        echo_json({"path": str(output), "decisions": count})
        return
    click.echo(f"{output}: {count} decisions.")
