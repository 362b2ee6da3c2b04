"""`review init`, `status`, `views`, `import` and `export`: the review file and its records."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from review.cli.bars import drawn
from review.cli.duplicates import print_duplicates
from review.cli.options import BY, DB, JSON, OUTPUT, QUIET, by_option, echo_json
from review.exports.decisions import DECISION_FILTERS
from review.imports import FORMATS
from review.imports.load import import_file
from review.imports.sources import read_strategy, searched_date
from review.screening.model import STAGE_LABELS, STAGES
from review.screening.reviewers import acting
from review.status import review_status
from review.store import open_store
from review.store.views import describe_views


def _count(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


@click.command()
@DB
@QUIET
@JSON
def init(db: Path, quiet: bool, as_json: bool) -> None:
    """Create a review database (or bring an existing one up to the current schema)."""
    with open_store(db) as store:
        versions = store.schema_versions()
    if as_json:
        echo_json({"db": str(db), "schema": versions[-1]})
    elif not quiet:
        click.echo(f"{db}: review database ready (schema {versions[-1]}).")


@click.command()
@DB
@JSON
def status(db: Path, as_json: bool) -> None:
    """Summarise the review: records, duplicates, screening, saved searches and their runs."""
    with open_store(db, create=False) as store:
        current = review_status(store, None)
    if as_json:
        click.echo(json.dumps(current.as_json(), indent=2, default=str))
        return
    click.echo(f"{db}")
    click.echo(f"  records: {current.records:,} ({current.queued:,} queued)")
    click.echo(
        f"  duplicates: {current.duplicates_removed:,} marked, {current.duplicates_pending:,} "
        "possible ones waiting"
    )
    for stage, s in current.stages.items():
        p, a = s.progress, s.agreement
        line = (
            f"  {STAGE_LABELS[stage]} screening: {p.decided:,} of {p.total:,} decided, "
            f"{p.included:,} included, {p.excluded:,} excluded, {p.conflicts:,} conflicts"
        )
        if a is not None and a.records:
            kappa = "undefined" if a.kappa is None else f"{a.kappa:.2f}"
            line += f"; agreement {a.percent:.0f}% over {a.records:,}, Cohen's kappa {kappa}"
        click.echo(line)
    click.echo(f"  saved searches: {current.searches}, search runs: {current.search_runs}")
    for run in current.runs:
        click.echo(
            f"  run {run.id} {run.search_name!r} ({run.kind}) {run.started_at}: "
            f"{run.status}, PubMed count {_count(run.ncbi_count)}, {run.message or ''}"
        )


@click.command("import")
@DB
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--source",
    default="",
    help="The database searched (Embase, ...); read from the file when not given.",
)
@click.option("--platform", default="", help="Where it was searched (Ovid, Embase.com, ...).")
@click.option("--searched", default=None, help="The day the search was run: YYYY-MM-DD.")
@click.option(
    "--strategy",
    "strategy_file",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A text file with the search strategy, line by line as run.",
)
@click.option("--limits", default="", help="The limits and filters applied, as text.")
@click.option("--coverage", default="", help="The database's dates of coverage, as text.")
@click.option(
    "--format",
    "fmt",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", *FORMATS]),
    help="The files' format; detected from their content when auto.",
)
@click.option("--no-dedupe", is_flag=True, help="Do not check the new records for duplicates.")
@QUIET
@JSON
@BY
def import_(
    db, files, source, platform, searched, strategy_file, limits, coverage, fmt, no_dedupe,
    quiet, as_json, by,
) -> None:  # fmt: skip
    """Import exports of other databases: RIS, MEDLINE (.nbib), PubMed XML, CSV, WoS, BibTeX.

    Each file is stored whole or not at all; the same file imported twice is skipped. Each is
    the search it was: --source, --platform, --searched, --strategy and --limits say where,
    when and how (`review sources` lists and corrects them later).
    """
    searched_date(searched)  # a bad date or strategy file stops before anything is stored
    strategy = read_strategy(strategy_file) if strategy_file else ""
    details = {"platform": platform, "searched": searched, "strategy": strategy, "actor": by}
    details |= {"limits": limits, "coverage": coverage}
    results = []
    with open_store(db) as store, drawn(quiet or as_json) as progress:
        for path in files:
            results.append(
                import_file(store, path, source=source, format=fmt, progress=progress, **details)
            )
            if progress is not None:
                progress.close()  # the lines below start on a line of their own
            if not (quiet or as_json):
                r = results[-1]
                state = f"{r.new} records added"
                if r.already_imported_at:
                    state = f"already imported {r.already_imported_at}, skipped"
                click.echo(f"{r.path}: {r.format} ({r.encoding}), {r.records} records, {state}")
                database = r.source or "database not recorded"
                when = r.searched_on or "date searched not recorded"
                click.echo(f"  source {r.import_id}: {database}, {when}")
                for warning in r.warnings:
                    click.echo(f"  Warning: {warning}")
        if no_dedupe or not any(r.new for r in results):
            checked = None
        else:
            from review.dedupe.run import dedupe  # numpy and rapidfuzz load only when needed

            checked = dedupe(store, progress=progress)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in results], indent=2))
    elif not quiet:
        print_duplicates(checked)


@click.command("export")
@DB
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "ris", "bibtex"]), required=True)
@OUTPUT
@click.option(
    "--stage",
    type=click.Choice(STAGES),
    default=None,
    help="Only the records on this stage's list.",
)
@click.option(
    "--decision",
    type=click.Choice(DECISION_FILTERS),
    default=None,
    help="Only the records with this decision at --stage (undecided: votes still missing).",
)
@click.option("--primary-only", is_flag=True, help="Leave out the records marked duplicates.")
@by_option(
    "Who exports: under dual screening a reviewer who is not a lead gets their own votes only "
    "(default: REVIEW_USER, else your login name)."
)
@QUIET
@JSON
def export_command(db, fmt, output, stage, decision, primary_only, by, quiet, as_json) -> None:
    """Export the records to CSV, XLSX, RIS or BibTeX: duplicates marked (duplicate_of,
    duplicate_group), each record's decision, reasons, notes and votes at each stage.

    The included set of a stage for a reference manager:
    --format ris --stage full_text --decision include --primary-only.
    """
    from review.exports import export

    with open_store(db, create=False) as store, drawn(quiet or as_json) as progress:
        result = export(
            store,
            output,
            fmt,
            viewer=acting(store, by),
            stage=stage,
            decision=decision,
            primary_only=primary_only,
            progress=progress,
        )
    if as_json:
        click.echo(json.dumps(asdict(result), indent=2))
    elif not quiet:
        click.echo(result.summary())
    elif result.cut:
        click.echo(result.summary().split("\n", 1)[1].strip(), err=True)


@click.command()
@DB
@JSON
def views(db: Path, as_json: bool) -> None:
    """List the views for SQLite's own tools (sqlite-utils, Datasette) and their columns."""
    with open_store(db, create=False):  # an older file gets its views here
        pass
    found = describe_views(db)
    if as_json:
        click.echo(json.dumps([asdict(v) for v in found], indent=2))
        return
    for view in found:
        click.echo(f"{view.name}: {view.about}")
        click.echo(f"  {', '.join(view.columns)}")
