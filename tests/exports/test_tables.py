"""CSV keeps every cell whole; XLSX has typed cells, a frozen header, filters, and cells over
Excel's 32,767 characters cut and flagged. Both neutralise formulas."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from review.exports import COLUMNS, export
from review.exports.cells import XLSX_CELL_LIMIT
from review.exports.tables import CUT_MARK, XLSX_COLUMNS
from review.records import AbstractSection, Record
from review.store import open_store
from tests.exports.review import screened_review

LONG = "=" + "Pain fell. " * 4_000  # 44,001 characters, starting like a formula


@pytest.fixture
def db(tmp_path):
    path = screened_review(tmp_path / "r.db")
    with open_store(path) as store:
        store.add_records(
            "long", [("9", Record(title="Long", abstract_sections=(AbstractSection(LONG),)))]
        )
    return path


def test_xlsx_cells_are_typed_with_a_frozen_header_and_filters(db, tmp_path):
    with open_store(db) as store:
        result = export(store, tmp_path / "out.xlsx", "xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header == list(XLSX_COLUMNS) and header[-1] == "truncated"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:AG{len(rows)}" and len(header) == 33
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    two = by_id[2]
    assert isinstance(two["record_id"], int) and two["record_id"] == 2
    assert (two["duplicate_of"], two["duplicate_group"], two["year"]) == (1, 1, 2011)
    assert isinstance(two["year"], int)
    assert two["volume"] == "1" and two["pmid"] is None  # identifiers stay text; empty is empty
    assert by_id[1]["duplicate_of"] is None and by_id[1]["duplicate_group"] == 1
    assert by_id[3]["title_abstract_decision"] == "conflict"
    assert by_id[1]["abstract"] == "Pain fell.\nA second line."
    assert [c.record_id for c in result.cut] == [9]


def test_a_cell_over_excels_limit_is_cut_flagged_and_named_in_the_result(db, tmp_path):
    with open_store(db) as store:
        result = export(store, tmp_path / "out.xlsx", "xlsx")
    assert [(c.record_id, c.column, c.length) for c in result.cut] == [
        (9, "abstract", len(LONG) + 1)  # neutralised: "'" in front
    ]
    assert "record 9 abstract (44,002)" in result.summary()
    sheet = load_workbook(tmp_path / "out.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    long_row = next(r for r in rows if r[0] == 9)
    cell = long_row[header.index("abstract")]
    assert len(cell) == XLSX_CELL_LIMIT and cell.endswith(CUT_MARK)
    assert cell.startswith("'=Pain fell.")  # neutralised before it is cut
    assert long_row[header.index("truncated")] == "abstract"
    assert all(r[header.index("truncated")] is None for r in rows[1:] if r[0] != 9)


def test_csv_keeps_the_long_cell_whole_and_flags_nothing(db, tmp_path):
    with open_store(db) as store:
        result = export(store, tmp_path / "out.csv", "csv")
    assert result.cut == ()
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(COLUMNS)
    long_row = next(r for r in rows if r["record_id"] == "9")
    assert long_row["abstract"] == "'" + LONG
    one = next(r for r in rows if r["record_id"] == "1")
    assert one["abstract"] == "Pain fell.\nA second line."  # line breaks kept
    assert one["full_text_decision"] == "include"
