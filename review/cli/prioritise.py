"""`review progress` and `review simulate`: prioritised screening from the command line."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from pathlib import Path

import click

from review.cli.bars import drawn
from review.cli.options import DB, JSON, OUTPUT, by_option
from review.screening.reviewers import acting
from review.store import open_store


@click.command("progress")
@DB
@click.option("--recall", default=0.95, show_default=True, help="The recall target.")
@click.option("--confidence", default=0.95, show_default=True)
@click.option(
    "--start-sample", is_flag=True,
    help="End prioritised screening: fix a random order of every unscreened record to screen.",
)  # fmt: skip
@click.option("--end-sample", is_flag=True, help="Go back to prioritised screening.")
@by_option("Who starts or ends the stopping sample (default: REVIEW_USER, else your login name).")
@JSON
def progress_command(db, recall, confidence, start_sample, end_sample, by, as_json) -> None:
    """How far title/abstract screening has gone, and whether it is safe to stop."""
    # the ranking's libraries (scikit-learn) load when the command runs, not for `review --help`
    from review.prioritise.certificate import stopping_certificate
    from review.prioritise.progress import (
        end_stopping_sample,
        screening_progress,
        start_stopping_sample,
    )

    with open_store(db, create=False) as store:
        if start_sample:
            sample = start_stopping_sample(store, acting(store, by))
            if not as_json:  # the JSON below holds the sample
                click.echo(f"Stopping sample started: {sample.pool:,} records in a random order.")
        if end_sample:
            end_stopping_sample(store, acting(store, by))
            if not as_json:
                click.echo("Stopping sample ended; back to prioritised screening.")
        found = screening_progress(store, None, recall_target=recall, confidence=confidence)
        certificate = stopping_certificate(store, recall_target=recall, confidence=confidence)
    if as_json:
        click.echo(json.dumps({**asdict(found), "certificate": asdict(certificate)}, indent=2))
        return
    a = found.advice
    click.echo(
        f"{db}: {found.screened:,} of {found.total:,} records screened, "
        f"{found.relevant_found:,} relevant found."
    )
    if found.sample is not None:
        click.echo(
            f"  Stopping sample: {found.sample_screened:,} of {found.sample.pool:,} screened, "
            f"{found.sample_relevant:,} relevant."
        )
    click.echo(f"  {a.message}")
    click.echo(f"  Method: {a.method}")
    for assumption in a.assumptions:
        click.echo(f"  Assumes: {assumption}")
    click.echo(f"Stopping certificate ({certificate.status}, as the report words it):")
    for line in certificate.text:
        click.echo(f"  {line}")


@click.command()
@click.argument("labelled", type=click.Path(dir_okay=False, path_type=Path))
@OUTPUT
@click.option("--label-column", default="included", show_default=True)
@click.option("--seed", default=0, show_default=True)
@click.option("--prior-included", default=1, show_default=True)
@click.option("--prior-excluded", default=1, show_default=True)
@JSON
def simulate(labelled, output, label_column, seed, prior_included, prior_excluded, as_json):
    """Replay a screening with known labels; write the order shown and print work saved."""
    from review.prioritise.simulation import simulate_file

    with drawn(as_json) as progress:
        shown, scores = simulate_file(
            labelled,
            label_column=label_column,
            seed=seed,
            prior_included=prior_included,
            prior_excluded=prior_excluded,
            progress=progress,
        )
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "rank", "label"])
        writer.writerows(shown)
    if as_json:
        click.echo(json.dumps(scores, indent=2))
        return
    click.echo(
        f"{labelled}: {len(shown):,} records, {sum(label for *_, label in shown):,} relevant. "
        f"WSS@95 {scores['wss@95']:.3f}, WSS@100 {scores['wss@100']:.3f}, recall after 10% "
        f"{scores['recall@10%']:.3f}, after 25% {scores['recall@25%']:.3f}; "
        f"{scores['screened_to_95']:,} records screened to reach 95% recall."
    )
