"""`review export` as a user runs it: the included set of a stage for a reference manager, its
message and JSON, BibTeX read back by `review import`, cut workbook cells named."""

from __future__ import annotations

import csv
import json

from review.imports import read_file
from review.records import AbstractSection, Record
from review.store import open_store
from tests.exports.review import screened_review
from tests.test_cli import review


def test_export_the_included_set_for_a_reference_manager(tmp_path):
    db = screened_review(tmp_path / "r.db")
    out = tmp_path / "included.ris"
    args = ("export", db, "--format", "ris", "--stage", "full_text", "--decision", "include")
    done = review(*args, "--primary-only", "-o", out, "--by", "lena")
    assert done.stdout == f"{out}: 1 record (full-text include, primary records only).\n"
    assert [r.original_id for r in read_file(out).records] == ["1"]
    assert "N1  - Screening, full-text: include\n" in out.read_text(encoding="utf-8")
    as_json = json.loads(review(*args, "-o", out, "--json").stdout)
    assert as_json == {
        "path": str(out), "format": "ris", "records": 2, "stage": "full_text",
        "decision": "include", "primary_only": False, "blinded": False, "cut": [],
    }  # fmt: skip
    bib = tmp_path / "included.bib"
    review(*args, "--format", "bibtex", "-o", bib)
    fresh = review("import", tmp_path / "fresh.db", bib, "--no-dedupe").stdout
    assert f"{bib}: bibtex (utf-8), 2 records, 2 records added" in fresh
    refused = review("export", db, "--format", "csv", "--decision", "conflict", "-o",
                     tmp_path / "x.csv", check=False)  # fmt: skip
    assert refused.returncode == 2
    assert "--decision conflict needs a stage: add --stage title_abstract" in refused.stderr


def test_export_names_the_cells_cut_in_a_workbook(tmp_path):
    db = tmp_path / "r.db"
    with open_store(db) as store:
        store.add_records(
            "t", [("1", Record(title="Long", abstract_sections=(AbstractSection("x" * 40_000),)))]
        )
    done = review("export", db, "--format", "xlsx", "-o", tmp_path / "out.xlsx")
    assert done.stdout.startswith(f"{tmp_path / 'out.xlsx'}: 1 record.\n  Warning: 1 cell(s)")
    assert "record 1 abstract (40,000)" in done.stdout and "CSV export keeps them" in done.stdout
    quiet = review("export", db, "--format", "xlsx", "-o", tmp_path / "out.xlsx", "-q")
    assert quiet.stdout == "" and "record 1 abstract (40,000)" in quiet.stderr
    review("export", db, "--format", "csv", "-o", tmp_path / "out.csv")
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert rows[0]["abstract"] == "x" * 40_000
