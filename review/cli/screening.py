"""`review decisions import|export`: screening decisions in and out as CSV, and other tools'."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from review.cli.options import DB, JSON, OUTPUT, by_option, echo_json
from review.screening.labels import TOOLS
from review.screening.model import STAGES
from review.screening.reviewers import acting
from review.screening.transfer import export_decisions, import_decisions
from review.store import open_store


@click.group()
def decisions() -> None:
    """Screening decisions in and out as CSV (record_id, reviewer, stage, decision, reason),
    and ASReview LAB's and Rayyan's labels in."""


@decisions.command("import")
@DB
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--from",
    "tool",
    type=click.Choice(("review", *TOOLS)),
    default="review",
    show_default=True,
    help="What wrote the file: this toolkit's columns (review), ASReview LAB's exported "
    "dataset (asreview: CSV or .xlsx) or Rayyan's CSV export (rayyan).",
)
@click.option(
    "--stage",
    type=click.Choice(STAGES),
    default=None,
    help="With --from asreview|rayyan: the stage the labels were made at "
    "[default: title_abstract].",
)
@click.option(
    "--reviewer",
    default="",
    metavar="NAME",
    help="With --from asreview: whose labels they are [default: who imports, --by].",
)
@click.option(
    "--name",
    "names",
    multiple=True,
    metavar="'RAYYAN NAME=NAME'",
    help="With --from rayyan: the reviewer a Rayyan name is in this review (repeat for "
    "each name that differs).",
)
@by_option(
    "Who imports: a reviewer imports only their own decisions; a lead (or the review's "
    "owner, a name without an account) also others' and resolutions."
)
@JSON
def decisions_import(
    db: Path,
    file: Path,
    tool: str,
    stage: str | None,
    reviewer: str,
    names: tuple[str, ...],
    by: str,
    as_json: bool,
) -> None:
    """Add decisions from a file: all of them, or none if any line is wrong. Its lines name
    their records by record_id, pmid, doi or original_id (the record's identifier in the file
    it was imported from; a file column says which file). Decisions the review already holds
    (the same file imported before) are skipped and counted."""
    given = [o for o, v in (("--stage", stage), ("--reviewer", reviewer), ("--name", names)) if v]
    allowed = {"review": (), "asreview": ("--stage", "--reviewer"), "rayyan": ("--stage", "--name")}
    wrong = [o for o in given if o not in allowed[tool]]
    if wrong:
        raise click.UsageError(f"{', '.join(wrong)} does not go with --from {tool}.")
    mapping = {}
    for pair in names:
        rayyan_name, sep, name = pair.rpartition("=")
        if not sep or not rayyan_name.strip() or not name.strip():
            raise click.BadParameter(
                f"{pair!r}: write it as 'Rayyan name=NAME'.", param_hint="--name"
            )
        mapping[rayyan_name.strip()] = name.strip()
    with open_store(db, create=False) as store:
        result = import_decisions(
            store,
            file,
            acting(store, by),
            tool=tool,
            reviewer=reviewer,
            stage=stage or "title_abstract",
            names=mapping,
        )
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
