"""The `review` command: a thin layer that calls the library and turns its errors into messages."""

from __future__ import annotations

import ipaddress
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

import click

from review.dedupe.pairs import decide_pair
from review.dedupe.run import DedupeResult, dedupe
from review.errors import ReviewError
from review.exports import export
from review.imports import FORMATS
from review.imports.load import import_file
from review.pubmed.eutils import EutilsClient, EutilsConfig
from review.pubmed.harvest import RunResult, SearchSpec, run_search
from review.pubmed.update import update_review
from review.screening.decisions import agreement, progress
from review.screening.model import STAGE_LABELS, STAGES
from review.screening.reviewers import acting, reviewers
from review.screening.transfer import export_decisions, import_decisions
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


def _print_duplicates(result: DedupeResult | None) -> None:
    if result is not None and (result.merged or result.possible):
        click.echo(
            f"  Duplicates: {result.merged} merged automatically, {result.possible} possible "
            "duplicates to check (review duplicates DB)."
        )


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
        checked = dedupe(store) if result.new else None
    if as_json:
        click.echo(json.dumps(asdict(result), indent=2))
    elif not quiet:
        _print_run(result)
        _print_duplicates(checked)
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
        if any(isinstance(r, RunResult) and r.new for _, r in outcomes):
            dedupe(store)  # the new records against the whole review
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
    """Summarise the review: records, duplicates, screening, saved searches and their runs."""
    with open_store(db, create=False) as store:
        summary = store.review_summary()
        runs = store.runs()
        duplicates = store.duplicate_summary()
        stages = {s: (progress(store, None, s), agreement(store, s)) for s in STAGES}
    if as_json:
        screening = {s: {**asdict(p), "agreement": asdict(a)} for s, (p, a) in stages.items()}
        data = {**summary, "duplicates": duplicates, "screening": screening, "runs": runs}
        click.echo(json.dumps(data, indent=2, default=str))
        return
    click.echo(f"{db}")
    click.echo(f"  records: {summary['records']:,} ({summary['queued_for_screening']:,} queued)")
    click.echo(
        f"  duplicates: {duplicates['removed']:,} marked, {duplicates.get('pending', 0):,} "
        "possible ones waiting"
    )
    for stage, (p, a) in stages.items():
        line = (
            f"  {STAGE_LABELS[stage]} screening: {p.decided:,} of {p.total:,} decided, "
            f"{p.included:,} included, {p.excluded:,} excluded, {p.conflicts:,} conflicts"
        )
        if a.records:
            kappa = "undefined" if a.kappa is None else f"{a.kappa:.2f}"
            line += f"; agreement {a.percent:.0f}% over {a.records:,}, Cohen's kappa {kappa}"
        click.echo(line)
    click.echo(f"  saved searches: {summary['searches']}, search runs: {summary['search_runs']}")
    for run in runs:
        click.echo(
            f"  run {run['id']} {run['search_name']!r} ({run['kind']}) {run['started_at']}: "
            f"{run['status']}, PubMed count {_count(run['ncbi_count'])}, {run['message'] or ''}"
        )


@cli.command("import")
@DB
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--source", default="", help="The database the files came from (Embase, ...).")
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
def import_(db, files, source, fmt, no_dedupe, quiet, as_json) -> None:
    """Import exports of other databases: RIS, PubMed MEDLINE (.nbib), PubMed XML, CSV, WoS.

    Each file is stored whole or not at all; the same file imported twice is skipped.
    """
    results = []
    with open_store(db) as store:
        for path in files:
            results.append(import_file(store, path, source=source, format=fmt))
            if not (quiet or as_json):
                r = results[-1]
                state = f"{r.new} records added"
                if r.already_imported_at:
                    state = f"already imported {r.already_imported_at}, skipped"
                click.echo(f"{r.path}: {r.format} ({r.encoding}), {r.records} records, {state}")
                for warning in r.warnings:
                    click.echo(f"  Warning: {warning}")
        checked = None if no_dedupe or not any(r.new for r in results) else dedupe(store)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in results], indent=2))
    elif not quiet:
        _print_duplicates(checked)


@cli.command("dedupe")
@DB
@click.option("--all", "everything", is_flag=True, help="Compare all records again, not only new.")
@click.option("--reviewer", default="review", help="Whose name the automatic merges carry.")
@QUIET
@JSON
def dedupe_command(db, everything, reviewer, quiet, as_json) -> None:
    """Find duplicate records: merge the sure ones, queue the uncertain ones for a reviewer."""
    with open_store(db, create=False) as store:
        result = dedupe(store, actor=reviewer, everything=everything)
    if as_json:
        click.echo(json.dumps(asdict(result), indent=2))
    elif not quiet:
        click.echo(
            f"{db}: compared {result.compared} of {result.records:,} records in "
            f"{result.seconds:.1f} s: {result.merged} pairs merged automatically, "
            f"{result.possible} new possible duplicates; {result.pending} waiting for a "
            f"reviewer; {result.removed} records are duplicates of another."
        )


@cli.command()
@DB
@click.option("--merge", nargs=2, type=int, metavar="A B", help="These two are the same study.")
@click.option("--keep-apart", nargs=2, type=int, metavar="A B", help="These two are different.")
@click.option("--undo", nargs=2, type=int, metavar="A B", help="Take back a merge of A and B.")
@click.option("--all", "show_all", is_flag=True, help="List every pair, decided or not.")
@click.option(
    "--by", "--reviewer", "by", default=lambda: os.environ.get("USER", "owner"),
    help="Who decides (an account's name, or the file's owner acting as a lead).",
)  # fmt: skip
@JSON
def duplicates(db, merge, keep_apart, undo, show_all, by, as_json) -> None:
    """List possible duplicates, or decide one: --merge, --keep-apart or --undo A B."""
    with open_store(db, create=False) as store:
        for pair, action, done in (
            (merge, "confirm", "merged"),
            (keep_apart, "reject", "kept apart"),
            (undo, "undo", "merge undone"),
        ):
            if pair:
                actor = acting(store, by)
                decide_pair(store, actor, *pair, action)
                click.echo(f"Records {pair[0]} and {pair[1]}: {done} by {actor.name}.")
                return
        pairs = [vars(p) for p in store.pairs(None if show_all else "pending")]
        records = dict(store.records_for_matching({p[k] for p in pairs for k in ("a", "b")}))
    if as_json:
        click.echo(json.dumps(pairs, indent=2))
        return
    if not pairs:
        click.echo("No possible duplicates are waiting." if not show_all else "No pairs found.")
    for p in pairs:
        click.echo(f"\n{p['a']} ~ {p['b']}  score {p['score']:.2f}  {p['status']}: "
                   f"{'; '.join(p['reasons'])}")  # fmt: skip
        for key in ("a", "b"):
            r = records[p[key]]
            click.echo(f"  {p[key]:>6}  {r.title[:90]}")
            click.echo(f"          {', '.join(a.display for a in r.authors[:3])} | {r.journal} "
                       f"{r.year or ''};{r.volume}:{r.pages} | doi {r.doi or '-'} | PMID "
                       f"{r.pmid or '-'}")  # fmt: skip


@cli.command("export")
@DB
@click.option("--format", "fmt", type=click.Choice(["csv", "ris", "xlsx"]), required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_command(db, fmt, output) -> None:
    """Export every record, duplicates marked with duplicate_of, to CSV, RIS or XLSX."""
    with open_store(db, create=False) as store:
        count = export(store, output, fmt)
    click.echo(f"{output}: {count:,} records.")


@cli.group()
def decisions() -> None:
    """Screening decisions in and out as CSV (record_id, reviewer, stage, decision, reason)."""


@decisions.command("import")
@DB
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--by",
    default=lambda: os.environ.get("USER", "cli"),
    help="Who imports: a reviewer imports only their own decisions; a lead (or the review's "
    "owner, a name without an account) also others' and resolutions.",
)
def decisions_import(db: Path, file: Path, by: str) -> None:
    """Add decisions from a CSV file: all of them, or none if any line is wrong. Decisions the
    review already holds (the same file imported before) are skipped and counted."""
    with open_store(db, create=False) as store:
        result = import_decisions(store, file, acting(store, by))
    click.echo(result.summary())
    for warning in result.warnings:
        click.echo(f"  Warning: {warning}")


@decisions.command("export")
@DB
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def decisions_export(db: Path, output: Path) -> None:
    """Write every decision ever made (the whole history, undos included) to CSV."""
    with open_store(db, create=False) as store:
        count = export_decisions(store, output)
    click.echo(f"{output}: {count} decisions.")


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8501, show_default=True)
def app(db: Path | None, host: str, port: int) -> None:
    """Open the review in the browser app (the bundled demo review when DB is not given)."""
    from review.demo import ensure_demo

    db = db or ensure_demo()
    with open_store(db) as store:  # create or migrate before the app's threads start
        shared = bool(reviewers(store))
    if not shared and not is_loopback(host):
        raise ReviewError(
            f"{db} has no reviewer accounts, so the app would let anyone who reaches "
            f"{host}:{port} act as the review's lead. It listens on loopback only (leave out "
            f"--host) until accounts exist: add a lead first with "
            f"'review reviewer add {db} NAME --role lead', then reviewers."
        )
    entry = Path(__file__).resolve().parents[1] / "app.py"
    command = [
        sys.executable, "-m", "streamlit", "run", str(entry),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.address", host, "--server.port", str(port), "--client.toolbarMode", "minimal",
    ]  # fmt: skip
    click.echo(f"Serving {db} on http://{host}:{port}/", err=True)
    env = {**os.environ, "REVIEW_DB": str(db.resolve())}
    os.execve(sys.executable, command, env)  # become the server: signals reach it directly


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this computer only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


from review.cli_prioritise import progress_command, simulate  # noqa: E402
from review.cli_report import prisma, report  # noqa: E402

cli.add_command(progress_command)
cli.add_command(simulate)

cli.add_command(report)
cli.add_command(prisma)

from review.cli_extraction import extraction, protocol_command, studies_command  # noqa: E402
from review.cli_reviewers import reviewer  # noqa: E402

cli.add_command(reviewer)
cli.add_command(protocol_command)
cli.add_command(studies_command)
cli.add_command(extraction)


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
