"""The `review` command: a thin layer that calls the library and turns its errors into messages."""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

import click

from review.errors import ReviewError
from review.pubmed.eutils import EutilsClient, EutilsConfig
from review.pubmed.harvest import RunResult, SearchSpec, run_search
from review.pubmed.update import update_review
from review.store import open_store

DB = click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
QUIET = click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


class Bar:
    """A one-line progress display with counts and rate, on stderr, for terminals only."""

    def __init__(self, label: str, enabled: bool):
        self.label = label
        self.enabled = enabled and sys.stderr.isatty()
        self.started = time.monotonic()
        self.first_done: int | None = None
        self.last_drawn = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.first_done is None:
            self.first_done = done  # what a resumed run already had is not part of the rate
        now = time.monotonic()
        if now - self.last_drawn < 0.2 and done < total:
            return
        self.last_drawn = now
        rate = (done - self.first_done) / max(now - self.started, 1e-6)
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        click.echo(
            f"\r{self.label} [{bar}] {done:,}/{total:,} records  {rate:,.0f}/s ", nl=False, err=True
        )
        if done >= total:
            click.echo("", err=True)


def _client(quiet: bool) -> EutilsClient:
    def on_retry(what: str, pause: float) -> None:
        if not quiet:
            click.echo(f"\n  retrying in {pause:.1f}s: {what}", err=True)

    return EutilsClient(EutilsConfig.from_env(), on_retry=on_retry)


def _print_run(result: RunResult) -> None:
    click.echo(
        f"{result.search}: {result.status}. PubMed count {result.ncbi_count:,}; "
        f"{result.retrieved:,} records ({result.message})."
    )
    if result.query_translation:
        click.echo(f"  PubMed searched: {result.query_translation}")
    for text in result.warnings:
        click.echo(f"  Warning: {text}")
    for text in result.errors:
        click.echo(f"  Problem: {text}")


def _count(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="review")
def cli() -> None:
    """Rapid evidence review: harvest PubMed into a review database and keep it up to date."""


@cli.command()
@DB
@QUIET
def init(db: Path, quiet: bool) -> None:
    """Create a review database (or bring an existing one up to the current schema)."""
    with open_store(db) as store:
        versions = store.schema_versions()
    if not quiet:
        click.echo(f"{db}: review database ready (schema {versions[-1]}).")


@cli.command()
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
    with open_store(db) as store:
        bar = Bar(f"{name}:", not (quiet or as_json))
        client = _client(quiet or as_json)
        result = run_search(store, client, spec, page_size=page_size, progress=bar)
    if as_json:
        click.echo(json.dumps(asdict(result), indent=2))
    elif not quiet:
        _print_run(result)
    if result.status != "complete":
        sys.exit(1)


@cli.command()
@DB
@click.option("--overlap-days", default=7, show_default=True, help="Days re-searched for safety.")
@QUIET
@JSON
def update(db: Path, overlap_days: int, quiet: bool, as_json: bool) -> None:
    """Re-run every saved search for records PubMed added since its last successful run.

    Prints one summary line; exits 1 if any search failed (for cron). Only one update runs on a
    review at a time.
    """
    with open_store(db, create=False) as store:
        bar = Bar("update:", not (quiet or as_json))
        client = _client(quiet or as_json)
        outcomes = update_review(store, client, overlap_days=overlap_days, progress=bar)
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
    if failed:
        sys.exit(1)


@cli.command()
@DB
@JSON
def status(db: Path, as_json: bool) -> None:
    """Summarise the review: records, saved searches and their runs."""
    with open_store(db, create=False) as store:
        summary = store.review_summary()
        runs = store.runs()
    if as_json:
        click.echo(json.dumps({**summary, "runs": runs}, indent=2, default=str))
        return
    click.echo(f"{db}")
    click.echo(f"  records: {summary['records']:,} ({summary['queued_for_screening']:,} queued)")
    click.echo(f"  saved searches: {summary['searches']}, search runs: {summary['search_runs']}")
    for run in runs:
        click.echo(
            f"  run {run['id']} {run['search_name']!r} ({run['kind']}) {run['started_at']}: "
            f"{run['status']}, PubMed count {_count(run['ncbi_count'])}, {run['message'] or ''}"
        )


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8501, show_default=True)
def app(db: Path | None, host: str, port: int) -> None:
    """Open the review in the browser app (the bundled demo review when DB is not given)."""
    from review.demo import ensure_demo

    db = db or ensure_demo()
    open_store(db).close()  # create or migrate before the app's threads start
    entry = Path(__file__).resolve().parents[1] / "app.py"
    command = [
        sys.executable, "-m", "streamlit", "run", str(entry),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.address", host, "--server.port", str(port), "--client.toolbarMode", "minimal",
    ]  # fmt: skip
    click.echo(f"Serving {db} on http://{host}:{port}/", err=True)
    env = {**os.environ, "REVIEW_DB": str(db.resolve())}
    os.execve(sys.executable, command, env)  # become the server: signals reach it directly


def main() -> None:
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Interrupted; run the same command again to continue.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ReviewError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("\nInterrupted; run the same command again to continue.", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
