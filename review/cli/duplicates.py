"""`review dedupe` (find duplicates) and `review duplicates` (list or decide possible ones)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from review.cli.bars import drawn
from review.cli.options import DB, JSON, QUIET, by_option, echo_json
from review.screening.reviewers import acting
from review.store import open_store

if TYPE_CHECKING:
    from review.dedupe.run import DedupeResult


def print_duplicates(result: DedupeResult | None) -> None:
    """The one line `search` and `import` print after checking new records."""
    if result is not None and (result.merged or result.possible):
        click.echo(
            f"  Duplicates: {result.merged} merged automatically, {result.possible} possible "
            "duplicates to check (review duplicates DB)."
        )


@click.command("dedupe")
@DB
@click.option("--all", "everything", is_flag=True, help="Compare all records again, not only new.")
@by_option("Who runs the check: the automatic merges carry this name.", old_name=True)
@QUIET
@JSON
def dedupe_command(db, everything, by, quiet, as_json) -> None:
    """Find duplicate records: merge the sure ones, queue the uncertain ones for a reviewer."""
    from review.dedupe.run import dedupe  # numpy and rapidfuzz load when a command needs them

    with open_store(db, create=False) as store, drawn(quiet or as_json) as progress:
        actor = acting(store, by).name
        result = dedupe(store, actor=actor, everything=everything, progress=progress)
    if as_json:
        click.echo(json.dumps(asdict(result), indent=2))
    elif not quiet:
        click.echo(
            f"{db}: compared {result.compared} of {result.records:,} records in "
            f"{result.seconds:.1f} s: {result.merged} pairs merged automatically, "
            f"{result.possible} new possible duplicates; {result.pending} waiting for a "
            f"reviewer; {result.removed} records are duplicates of another."
        )


@click.command("duplicates")
@DB
@click.option("--merge", nargs=2, type=int, metavar="A B", help="These two are the same study.")
@click.option("--keep-apart", nargs=2, type=int, metavar="A B", help="These two are different.")
@click.option("--undo", nargs=2, type=int, metavar="A B", help="Take back a merge of A and B.")
@click.option("--all", "show_all", is_flag=True, help="List every pair, decided or not.")
@by_option(old_name=True)
@JSON
def duplicates_command(db, merge, keep_apart, undo, show_all, by, as_json) -> None:
    """List possible duplicates, or decide one: --merge, --keep-apart or --undo A B."""
    from review.dedupe.pairs import decide_pair

    with open_store(db, create=False) as store:
        for pair, action, done in (
            (merge, "confirm", "merged"),
            (keep_apart, "reject", "kept apart"),
            (undo, "undo", "merge undone"),
        ):
            if pair:
                actor = acting(store, by)
                a, b = pair
                decide_pair(store, actor, a, b, action)
                if as_json:
                    echo_json({"a": a, "b": b, "action": action, "by": actor.name})
                else:
                    click.echo(f"Records {a} and {b}: {done} by {actor.name}.")
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
