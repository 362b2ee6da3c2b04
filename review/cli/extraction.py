"""`review protocol`, `review studies` and `review extraction`: thin commands over
``review.extraction``. Library errors (ReviewError) reach ``review.cli.main``, which prints
them."""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict
from pathlib import Path

import click

from review.cli.options import BY, DB, JSON, OUTPUT, echo_json
from review.extraction.columns import KINDS
from review.extraction.protocol import read_protocol_file, review_toml, save_protocol
from review.extraction.sheet_export import export_extraction, write_extraction_csv
from review.extraction.sheet_import import import_extraction
from review.extraction.studies import link_records, list_studies, sync_studies
from review.screening.reviewers import acting
from review.store import open_store


@click.command("protocol")
@DB
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@BY
@JSON
def protocol_command(db: Path, file: Path | None, by: str, as_json: bool) -> None:
    """Replace the review protocol (and the screening settings its [screening] table gives)
    with FILE.toml, or print the review's protocol and screening settings as TOML (or, with
    --json, the same settings as JSON)."""
    with open_store(db, create=False) as store:
        if file is None:
            text = review_toml(store)
            if as_json:
                echo_json(tomllib.loads(text))
            else:
                click.echo(text, nl=False)
            return
        new, screening = read_protocol_file(file)
        save_protocol(store, new, acting(store, by), screening=screening)
    if as_json:
        mode = screening.mode if screening is not None else None
        echo_json({"db": str(db), "file": str(file), "efficacy": len(new.efficacy),
                   "safety": len(new.safety), "screening": mode or None})  # fmt: skip
        return
    set_up = ""
    if screening is not None and screening.mode:
        set_up = f" Screening: {screening.mode}."
    click.echo(
        f"{db}: protocol from {file}: {len(new.efficacy)} efficacy and {len(new.safety)} "
        f"safety outcomes.{set_up}"
    )


@click.command("studies")
@DB
@click.option("--sync", is_flag=True, help="Give each record included at full text a study.")
@click.option("--link", "link_to", type=int, metavar="STUDY", help="Make the RECORDs report STUDY.")
@click.option("--main", "main_record", type=int, metavar="RECORD", help="With --link: the "
              "record cited for the study.")  # fmt: skip
@click.argument("records", nargs=-1, type=int)
@BY
@JSON
def studies_command(db, sync, link_to, main_record, records, by, as_json) -> None:
    """List the studies (id, label, role, records); --sync adds studies for newly included
    records; --link STUDY RECORD... puts a trial's follow-up papers into the trial's study."""
    if records and link_to is None:
        raise click.UsageError("RECORD numbers go with --link STUDY.")
    if link_to is not None and not records:
        raise click.UsageError("--link STUDY needs the numbers of the records to link.")
    with open_store(db, create=False) as store:
        added = 0
        if sync or link_to is not None:
            actor = acting(store, by)
            added = sync_studies(store, actor) if sync else 0
            if link_to is not None:
                link_records(store, link_to, list(records), actor, main=main_record)
        found = list_studies(store)
    if as_json:
        click.echo(json.dumps([asdict(s) for s in found], indent=2))
        return
    if sync:
        click.echo(f"{db}: {added} new {'study' if added == 1 else 'studies'}.")
    if link_to is not None:
        click.echo(f"Study {link_to}: records {', '.join(map(str, records))} linked.")
    for s in found:
        role = f"key {s.position}" if s.role == "key" and s.position is not None else s.role
        linked = ", ".join(f"{r.record_id}{' (main)' if r.main else ''}" for r in s.records)
        click.echo(f"{s.id:>4}  {s.label:<28} {role:<10} records {linked or '-'}")
    if not found:
        click.echo("No studies yet: include records at full text, then run with --sync.")


@click.group("extraction")
def extraction_group() -> None:
    """Extracted study details and findings, in and out as an Excel workbook (or CSV)."""


@extraction_group.command("export")
@DB
@OUTPUT
@click.option("--kind", type=click.Choice(KINDS), help="For CSV: the table to write.")
@JSON
def extraction_export(db: Path, output: Path, kind: str | None, as_json: bool) -> None:
    """Write the extraction workbook (.xlsx: the template and the current data), or one table
    as CSV (--kind efficacy, safety or studies)."""
    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise click.UsageError(f"{output}: name a .xlsx workbook or a .csv file.")
    if suffix == ".csv" and kind is None:
        raise click.UsageError(
            "A CSV file holds one table: add --kind efficacy, safety or studies."
        )
    if suffix == ".xlsx" and kind is not None:
        raise click.UsageError("The workbook holds every table; --kind is for CSV files.")
    with open_store(db, create=False) as store:
        if kind is not None:
            count = write_extraction_csv(store, output, kind)
            if as_json:
                echo_json({"path": str(output), "kind": kind, "rows": count})
            else:
                click.echo(f"{output}: {count} rows of {kind}.")
            return
        done = export_extraction(store, output)
    if as_json:
        echo_json({"path": str(output), "studies": done.studies, "efficacy": done.efficacy,
                   "safety": done.safety})  # fmt: skip
        return
    click.echo(
        f"{output}: {done.studies} studies, {done.efficacy} efficacy results, {done.safety} "
        "safety results."
    )


@extraction_group.command("import")
@DB
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@BY
@JSON
def extraction_import(db: Path, file: Path, by: str, as_json: bool) -> None:
    """Store an edited workbook: each study on its Studies sheet gets the file's details and
    findings; other studies are left alone. All of it, or nothing if any cell is wrong."""
    with open_store(db, create=False) as store:
        done = import_extraction(store, file, acting(store, by))
    if as_json:
        echo_json({"file": str(file), "studies": done.studies, "changed": done.changed,
                   "efficacy": done.efficacy, "safety": done.safety})  # fmt: skip
        return
    click.echo(
        f"{file}: {done.studies} studies ({done.changed} changed), {done.efficacy} efficacy "
        f"results, {done.safety} safety results."
    )
