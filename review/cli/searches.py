"""`review search` and `review update`: PubMed harvests, with progress bars on terminals."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from review.cli.bars import drawn
from review.cli.duplicates import print_duplicates
from review.cli.options import DB, JSON, QUIET, settings
from review.pubmed.eutils import EutilsClient, EutilsConfig
from review.pubmed.harvest import RunResult, SearchSpec, run_search
from review.pubmed.update import update_review
from review.store import open_store


def _dedupe(store, progress):
    from review.dedupe.run import dedupe  # numpy and rapidfuzz load only when records came in

    return dedupe(store, progress=progress)


def _client(quiet: bool) -> EutilsClient:
    def on_retry(what: str, pause: float) -> None:
        if not quiet:
            click.echo(f"\n  retrying in {pause:.1f}s: {what}", err=True)

    return EutilsClient(EutilsConfig.from_config(settings()), on_retry=on_retry)


def _print_run(result: RunResult) -> None:
    click.echo(
        f"{result.search}: {result.status}. PubMed count {result.ncbi_count:,}; "
        f"{result.retrieved:,} records ({result.message})."
    )
    if result.query_translation:
        click.echo(f"  PubMed searched: {result.query_translation}")
    _print_items(result, quiet=False)


def _print_items(result: RunResult, *, quiet: bool, label: str = "") -> None:
    """Every ErrorList/WarningList item PubMed gave the run (and the harvest's own notes).

    Quiet (for cron) keeps only the problems, on stderr: "nothing but errors".
    """
    if not quiet:
        for text in result.warnings:
            click.echo(f"  {label}Warning: {text}")
    for text in result.errors:
        click.echo(f"  {label}Problem: {text}", err=quiet)


@click.command()
@DB
@click.argument("query")
@click.option("--name", required=True, help="Name of the saved search (re-run it with this).")
@click.option("--mindate", help="Earliest date, YYYY, YYYY/MM or YYYY/MM/DD.")
@click.option("--maxdate", help="Latest date, YYYY, YYYY/MM or YYYY/MM/DD.")
@click.option(
    "--datetype",
    type=click.Choice(["pdat", "edat", "mdat"]),
    help="Which date --mindate/--maxdate limit: publication (pdat, default), entry or modified.",
)
@click.option("--page-size", default=500, show_default=True, help="Records per efetch request.")
@QUIET
@JSON
def search(db, query, name, mindate, maxdate, datetype, page_size, quiet, as_json) -> None:
    """Run a PubMed search and store every record it finds.

    A search with more than 9,999 hits is split by entry date and harvested completely. Running
    the same command again resumes an interrupted harvest, or re-runs the search and links what
    it finds to the new run without storing anything twice.
    """
    spec = SearchSpec(name, query, mindate, maxdate, datetype if (mindate or maxdate) else None)
    with open_store(db) as store, drawn(quiet or as_json) as progress:
        client = _client(quiet or as_json)
        result = run_search(
            store,
            client,
            spec,
            page_size=page_size,
            progress=progress,
            processes=settings().parse_processes,
        )
        checked = _dedupe(store, progress) if result.new else None
    if as_json:
        click.echo(json.dumps(asdict(result), indent=2))
    elif not quiet:
        _print_run(result)
        print_duplicates(checked)
    else:
        _print_items(result, quiet=True)
    if result.status != "complete":
        sys.exit(1)


@click.command()
@DB
@click.option("--overlap-days", default=7, show_default=True, help="Days re-searched for safety.")
@QUIET
@JSON
def update(db: Path, overlap_days: int, quiet: bool, as_json: bool) -> None:
    """Re-run every saved search for records PubMed added since its last successful run.

    Prints one summary line; exits 1 if any search failed (for cron). Only one update runs on a
    review at a time.
    """
    with open_store(db, create=False) as store, drawn(quiet or as_json) as progress:
        client = _client(quiet or as_json)
        outcomes = update_review(
            store,
            client,
            overlap_days=overlap_days,
            progress=progress,
            processes=settings().parse_processes,
        )
        if any(isinstance(r, RunResult) and r.new for _, r in outcomes):
            _dedupe(store, progress)  # the new records against the whole review
    failed = [
        name for name, r in outcomes if not isinstance(r, RunResult) or r.status != "complete"
    ]
    if as_json:
        click.echo(
            json.dumps(
                [
                    {"search": n, **asdict(r)}
                    if isinstance(r, RunResult)
                    else {"search": n, "status": "failed", "error": str(r)}
                    for n, r in outcomes
                ],
                indent=2,
            )
        )
    elif not quiet or failed:
        parts = []
        for name, r in outcomes:
            if isinstance(r, RunResult):
                parts.append(f"{name}: {r.new} new, {r.already_present} already present")
                if r.status != "complete":
                    parts[-1] += f" ({r.status})"
            else:
                parts.append(f"{name}: failed ({r})")
        click.echo(f"update {db}: " + ("; ".join(parts) if parts else "no saved searches"))
    if not as_json:
        for name, r in outcomes:
            if isinstance(r, RunResult):
                _print_items(r, quiet=quiet, label=f"{name}: ")
    if failed:
        sys.exit(1)
