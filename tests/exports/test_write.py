"""Exports: every record, duplicates marked, formulas neutralised, RIS that reads back; the
result says what was written and what was flagged."""

from __future__ import annotations

import csv
from collections import namedtuple

import pytest
from openpyxl import load_workbook

from review.errors import ReviewError
from review.exports import ExportResult, export, export_bytes, neutralise
from review.exports.tables import CutCell
from review.records import AbstractSection, Author, Record
from review.store import open_store
from tests.exports.review import ANN, FT, screened_review

Match = namedtuple("Match", "a b score verdict reasons")
EVIL = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "r.db"
    with open_store(path) as store:
        store.add_records(
            "test",
            [
                (
                    "1",
                    Record(
                        title="Cryoablation of peripheral neuroma",
                        authors=(Author("Smith", "Jane", "J"), Author("Lee", "", "K")),
                        journal="Pain Medicine",
                        year=2021,
                        volume="22",
                        issue="3",
                        pages="101-108",
                        doi="10.1/abc",
                        pmid="111",
                        abstract_sections=(AbstractSection("Pain fell.", "RESULTS"),),
                        keywords=("neuroma",),
                        raw="1",
                    ),
                ),
                ("2", Record(title="Cryoablation of peripheral neuroma.", year=2021, raw="2")),
                ("3", Record(title=EVIL, abstract_sections=(AbstractSection("-1 + 2"),), raw="3")),
            ],
        )
        store.save_matches([Match(1, 2, 0.99, "duplicate", ("title",))], "review")
    return path


def test_csv_marks_duplicates_and_neutralises_formulas(db, tmp_path):
    with open_store(db) as store:
        assert export(store, tmp_path / "out.csv", "csv").records == 3
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [(r["record_id"], r["duplicate_of"]) for r in rows] == [("1", ""), ("2", "1"), ("3", "")]
    assert rows[0]["authors"] == "Smith, Jane; Lee, K"
    assert rows[0]["abstract"] == "RESULTS: Pain fell."
    assert rows[2]["title"] == "'" + EVIL and rows[2]["abstract"] == "'-1 + 2"


def test_a_primary_is_exported_with_its_gaps_filled_from_its_duplicates(db, tmp_path):
    with open_store(db) as store:
        store.decide_pair(1, 2, "undo", "ann")
        store.add_records(
            "more", [("4", Record(title="Cryoablation", journal="Pain Med", raw="4"))]
        )
        store.add_records("more", [("5", Record(title="Cryoablation", issue="7", raw="5"))])
        store.save_matches([Match(4, 5, 0.99, "duplicate", ())], "review")
        export(store, tmp_path / "out.csv", "csv")
    rows = {r["record_id"]: r for r in csv.DictReader((tmp_path / "out.csv").open())}
    primary = rows["4"] if rows["5"]["duplicate_of"] == "4" else rows["5"]
    assert (primary["journal"], primary["issue"]) == ("Pain Med", "7")
    assert rows["1"]["duplicate_of"] == rows["2"]["duplicate_of"] == ""  # the undone merge


def test_xlsx_cells_are_text_never_formulas(db, tmp_path):
    with open_store(db) as store:
        export(store, tmp_path / "out.xlsx", "xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:2] == ("record_id", "duplicate_of")
    title = rows[3][header.index("title")]
    assert title == "'" + EVIL
    assert all(not str(c).startswith("=") for row in rows for c in row if c is not None)


def test_ris_has_one_record_per_record(db, tmp_path):
    with open_store(db) as store:
        export(store, tmp_path / "out.ris", "ris")
    text = (tmp_path / "out.ris").read_text(encoding="utf-8")
    assert text.count("TY  - JOUR") == 3 and text.count("ER  - ") == 3
    assert "AU  - Smith, Jane\nAU  - Lee, K\n" in text
    assert "SP  - 101\nEP  - 108\n" in text
    assert "N1  - Duplicate of record 1" in text


def test_neutralise_leaves_ordinary_text_alone():
    assert neutralise("Cryoablation") == "Cryoablation"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("+1") == "'+1"


def test_an_unknown_format_is_refused(db, tmp_path):
    with open_store(db) as store, pytest.raises(ReviewError, match="use csv, xlsx, ris, bibtex"):
        export(store, tmp_path / "out.txt", "txt")


def test_a_folder_that_is_missing_is_named(db, tmp_path):
    with open_store(db) as store, pytest.raises(ReviewError, match="Cannot write .*out.ris"):
        export(store, tmp_path / "missing" / "out.ris", "ris")


def test_the_result_says_what_was_kept_and_what_was_cut(tmp_path):
    db = screened_review(tmp_path / "s.db")
    with open_store(db) as store:
        result = export(
            store, tmp_path / "in.ris", "ris", stage=FT, decision="include", primary_only=True
        )
        blind = export(store, tmp_path / "ann.csv", "csv", viewer=ANN)
    assert result.records == 1 and not result.blinded
    assert result.summary() == (
        f"{tmp_path / 'in.ris'}: 1 record (full-text include, primary records only)."
    )
    assert blind.blinded and "your own votes and leads' resolutions only" in blind.summary()
    cut = ExportResult("x.xlsx", "xlsx", 2, cut=(CutCell(4, "abstract", 40_000),))
    assert "1 cell(s) longer than Excel's 32,767 characters" in cut.summary()
    assert "record 4 abstract (40,000)" in cut.summary()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ris", "bibtex"])
def test_export_bytes_gives_each_format(db, fmt):
    with open_store(db) as store:
        data = export_bytes(store, fmt)
    starts = {"csv": b"record_id,", "xlsx": b"PK", "ris": b"TY  - ", "bibtex": b"% Encoding"}
    assert data.startswith(starts[fmt])
