"""Decisions to and from CSV: checked whole, stored whole, every problem named by line."""

import csv

import pytest

from review.errors import ImportFileError
from review.records import Record
from review.screening.decisions import decide, progress
from review.screening.model import Reviewer
from review.screening.transfer import export_decisions, import_decisions
from review.store import open_store


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "r.db") as db:
        db.add_records("t", [(str(i), Record(title=f"Study {i}", raw=str(i))) for i in range(1, 4)])
        yield db


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_import_then_export_round_trip(store, tmp_path):
    source = write(
        tmp_path / "in.csv",
        "record_id,reviewer,stage,decision,reason\n1,ann,title_abstract,Included,\n"
        "2,ann,ta,exclude,Wrong population\n",
    )
    assert import_decisions(store, source) == 2
    decide(store, Reviewer("bob"), 3, "title_abstract", "maybe")
    assert export_decisions(store, tmp_path / "out.csv") == 3
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [(r["record_id"], r["decision"], r["source"]) for r in rows] == [
        ("1", "include", "import:in.csv"),
        ("2", "exclude", "import:in.csv"),
        ("3", "maybe", "app"),
    ]
    assert progress(store, Reviewer("ann"), "title_abstract").decided == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("record_id,reviewer\n1,ann\n", "line 1: the columns stage, decision are missing"),
        (
            "record_id,reviewer,stage,decision\n1,ann,ta,include\nx,ann,ta,include\n",
            "line 3, column record_id",
        ),  # fmt: skip
        ("record_id,reviewer,stage,decision\n1,ann,ta,perhaps\n", "line 2, column decision"),
        ("record_id,reviewer,stage,decision\n1,ann,ft,exclude\n", "line 2, column reason"),
        (
            "record_id,reviewer,stage,decision\n1,ann,ta,include\n99,ann,ta,include\n",
            "line 3, column record_id: no record 99",
        ),  # fmt: skip
    ],
)
def test_a_bad_file_is_refused_whole_with_its_line_named(store, tmp_path, text, message):
    with pytest.raises(ImportFileError, match=message):
        import_decisions(store, write(tmp_path / "bad.csv", text))
    assert store.decision_rows() == []
