"""`review report`: the NICE-style overview as Word, HTML or Markdown."""

from __future__ import annotations

from pathlib import Path

import click

from review.report.document import FORMATS, report_format, write_report
from review.store import open_store


@click.command()
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS, case_sensitive=False),
    help="docx, html or md; by default the output file's suffix says.",
)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The report file to write.",
)  # fmt: skip
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def report(db: Path, fmt: str | None, output: Path, quiet: bool) -> None:
    """Write the evidence overview (summaries, key studies, appendix) from the review."""
    chosen = report_format(output, fmt)  # a wrong suffix fails before the database is opened
    with open_store(db, create=False) as store:
        path = write_report(store, output, chosen)
    if not quiet:
        click.echo(f"{db}: report written to {path} ({chosen}).")
