"""Exports: every record, duplicates marked, formulas neutralised, RIS that reads back."""

from __future__ import annotations

import csv
from collections import namedtuple

import pytest
from openpyxl import load_workbook

from review.exports import export, neutralise
from review.records import AbstractSection, Author, Record
from review.store import open_store

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
        assert export(store, tmp_path / "out.csv", "csv") == 3
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
