"""`review report`: the NICE-style overview as Word, HTML or Markdown."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from review.cli.bars import drawn
from review.cli.options import DB, JSON, QUIET, by_option, echo_json
from review.report import formats, writer_for
from review.report.export import export_prisma, export_report
from review.screening.reviewers import acting
from review.store import open_store

BY = by_option(
    "Who exports: an account's name, or a name without an account for the file's owner, "
    "acting as a lead (default: REVIEW_USER, else your login name)."
)


@click.command("report")
@DB
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats(), case_sensitive=False),
    help="docx, html or md; by default the output file's suffix says.",
)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The report file to write.",
)  # fmt: skip
@QUIET
@JSON
@BY
def report_command(
    db: Path, fmt: str | None, output: Path, quiet: bool, as_json: bool, by: str
) -> None:
    """Write the evidence overview (summaries, key studies, appendix) from the review."""
    chosen = writer_for(output, fmt).name  # a wrong suffix fails before the database is opened
    with open_store(db, create=False) as store, drawn(quiet or as_json) as progress:
        path = export_report(store, acting(store, by), output, chosen, progress=progress)
    if as_json:
        echo_json({"db": str(db), "path": str(path), "format": chosen})
    elif not quiet:
        click.echo(f"{db}: report written to {path} ({chosen}).")


@click.command()
@DB
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The diagram file: .svg (editable) or .png.",
)  # fmt: skip
@JSON
@BY
def prisma(db: Path, output: Path, as_json: bool, by: str) -> None:
    """Draw the PRISMA 2020 flow diagram of the review, every number from the database."""
    with open_store(db, create=False) as store:
        path, counts = export_prisma(store, acting(store, by), output)
    if as_json:
        click.echo(json.dumps(asdict(counts), indent=2))
    else:
        click.echo(
            f"{db}: PRISMA diagram written to {path}: {counts.records_identified:,} records "
            f"identified, {counts.records_screened:,} screened, {counts.reports_assessed:,} "
            f"reports assessed, {counts.studies_included:,} studies included."
        )
