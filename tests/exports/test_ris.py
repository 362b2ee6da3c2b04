"""RIS carries the screening in N1 and the text as written: our RIS reader reads it back."""

from __future__ import annotations

import pytest

from review.exports import export, export_rows
from review.exports.ris import ris_record
from review.imports import read_file
from review.records import AbstractSection, Record
from review.store import open_store
from tests.exports.review import FT, TA, screened_review

ABSTRACT = (
    "BACKGROUND: Pain  after amputation.\n\nMETHODS: 12 patients;\n"
    "TY  - not a tag\nER  - nor this\nnon\u00a0breaking\u2028kept\n\nRESULTS: 5 < 6 & 7 > 2."
)


@pytest.fixture
def db(tmp_path):
    return screened_review(tmp_path / "r.db")


def test_n1_holds_each_stage_decision_and_reason(db, tmp_path):
    with open_store(db) as store:
        rows = {r.record_id: r for r in export_rows(store)}
    four = ris_record(rows[4])
    assert (
        "N1  - Screening, title/abstract: include (Outcomes reported in full), resolved by "
        "lena\n" in four
    )
    assert "N1  - Screening, full-text: exclude (Wrong outcomes)\n" in four
    assert "N1  - Screening, title/abstract: conflict (Wrong population)\n" in ris_record(rows[3])
    two = ris_record(rows[2])
    assert "N1  - Duplicate of record 1\n" in two and "full-text: include\n" in two
    five = ris_record(rows[5])
    assert "Wrong population; Wrong study design" in five and "full-text" not in five


def test_the_included_set_reads_back_as_the_records_with_their_text(db, tmp_path):
    with open_store(db) as store:
        store.add_records("more", [("9", Record(title="Kept", abstract_sections=()))])
        result = export(store, tmp_path / "in.ris", "ris", stage=FT, decision="include")
    back = read_file(tmp_path / "in.ris")
    assert result.records == len(back.records) == 2
    assert [r.original_id for r in back.records] == ["1", "2"]
    assert back.records[0].record.abstract == "Pain fell.\nA second line."


def test_text_is_kept_as_written_and_tag_like_lines_stay_text(tmp_path):
    path = tmp_path / "r.db"
    title = "Cryoablation  of neuroma: 2 × 3 = 6?"
    with open_store(path) as store:
        store.add_records(
            "t",
            [("1", Record(title=title, abstract_sections=(AbstractSection(ABSTRACT),), raw="1"))],
        )
        export(store, tmp_path / "out.ris", "ris")
    text = (tmp_path / "out.ris").read_text(encoding="utf-8")
    assert "AB  - BACKGROUND: Pain  after amputation.\n\nMETHODS: 12 patients;\n" in text
    assert "\n TY  - not a tag\n ER  - nor this\n" in text  # a space keeps them text
    assert f"TI  - {title}\n" in text  # not collapsed
    back = read_file(tmp_path / "out.ris").records
    assert len(back) == 1
    assert back[0].record.abstract == ABSTRACT
    assert back[0].record.title == " ".join(title.split())  # the RIS reader folds titles


def test_a_record_with_no_decisions_says_undecided_at_title_abstract(tmp_path):
    path = tmp_path / "r.db"
    with open_store(path) as store:
        store.add_records("t", [("1", Record(title="One", raw="1"))])
        row = next(export_rows(store))
    assert "N1  - Screening, title/abstract: undecided\n" in ris_record(row)
    assert row.stage(TA).decision == "undecided" and row.stage(FT).decision == ""
