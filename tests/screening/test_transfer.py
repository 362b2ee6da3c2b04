"""Decisions to and from CSV: checked whole, stored whole, every problem named by line."""

import csv

import pytest

from review.errors import ImportFileError, PermissionDenied
from review.records import Record
from review.screening.decisions import DecisionIsFinal, decide, progress, save_settings
from review.screening.model import Reviewer, Settings
from review.screening.state import current_state
from review.screening.transfer import export_decisions, import_decisions
from review.store import open_store

LEAD = Reviewer("lee", "lead")


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        store.add_records(
            "t", [(str(i), Record(title=f"Study {i}", raw=str(i))) for i in range(1, 4)]
        )
        yield store


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_import_then_export_round_trip(store, tmp_path):
    source = write(
        tmp_path / "in.csv",
        "record_id,reviewer,stage,decision,reason\n1,ann,title_abstract,Included,\n"
        "2,ann,ta,exclude,Wrong population\n",
    )
    assert import_decisions(store, source, LEAD).added == 2
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
        import_decisions(store, write(tmp_path / "bad.csv", text), LEAD)
    assert store.decision_rows() == []


TWELVE = "record_id,reviewer,stage,decision,reason,note\n" + "".join(
    f"{r},{who},ta,{'include' if r == 1 else 'exclude'},{'' if r == 1 else 'Wrong population'},"
    f"{'see §2' if who == 'ann' else ''}\n"
    for r in (1, 2, 3)
    for who in ("ann", "bob", "cy", "dee")
)


def test_importing_the_same_file_twice_adds_nothing_the_second_time(store, tmp_path):
    source = write(tmp_path / "d.csv", TWELVE)
    first = import_decisions(store, source, LEAD)
    assert (first.added, first.skipped, first.already_imported) == (12, 0, False)
    again = import_decisions(store, source, LEAD)
    assert (again.added, again.skipped, again.already_imported) == (0, 12, True)
    assert again.summary() == (
        f"{source}: already imported: all 12 decisions are already in the review; none added."
    )
    assert len(store.decision_rows()) == 12
    # The same file with twelve more lines: only those are added, the rest counted.
    more = TWELVE + "".join(f"{r},{w},ft,include,,\n" for r in (1, 2, 3) for w in "abcd")
    grown = import_decisions(store, write(tmp_path / "more.csv", more), LEAD)
    assert (
        grown.summary()
        == f"{tmp_path / 'more.csv'}: 12 decisions added, 12 already present skipped."
    )
    assert len(store.decision_rows()) == 24


def test_identical_events_are_matched_one_for_one(store, tmp_path):
    """Decided, undone and decided again is three events, two of them alike: all are kept."""
    history = (
        "record_id,reviewer,stage,decision\n1,ann,ta,include\n1,ann,ta,undo\n1,ann,ta,include\n"
    )
    assert import_decisions(store, write(tmp_path / "h.csv", history), LEAD).added == 3
    assert [r.decision for r in store.decision_rows()] == ["include", "undo", "include"]
    # A note or a reason that differs makes it another event.
    other = "record_id,reviewer,stage,decision,note\n1,ann,ta,include,\n1,ann,ta,include,why\n"
    result = import_decisions(store, write(tmp_path / "o.csv", other), LEAD)
    assert (result.added, result.skipped) == (1, 1)


def test_an_export_of_the_whole_history_reads_back_adding_nothing(store, tmp_path):
    import_decisions(store, write(tmp_path / "d.csv", TWELVE), LEAD)
    store.add_decisions(
        [
            {"record_id": 1, "reviewer": "ann", "stage": "title_abstract", "decision": "undo"},
            {"record_id": 2, "reviewer": "lee", "stage": "title_abstract", "decision": "include",
             "kind": "resolution"},
        ]
    )  # fmt: skip
    export_decisions(store, tmp_path / "out.csv")
    back = import_decisions(store, tmp_path / "out.csv", LEAD)
    assert (back.added, back.skipped) == (0, 14)


def test_a_reviewer_imports_only_their_own_decisions(store, tmp_path):
    ann = Reviewer("ann", "reviewer")
    own = write(tmp_path / "own.csv", "record_id,reviewer,stage,decision\n1,ann,ta,include\n")
    assert import_decisions(store, own, ann).added == 1
    others = write(
        tmp_path / "others.csv",
        "record_id,reviewer,stage,decision\n2,ann,ta,include\n2,bob,ta,exclude\n",
    )
    with pytest.raises(
        PermissionDenied, match=r"others.csv, line 3: bob's decision\. ann is a reviewer"
    ):
        import_decisions(store, others, ann)
    resolution = write(
        tmp_path / "res.csv",
        "record_id,reviewer,stage,decision,kind\n2,ann,ta,include,resolution\n",
    )
    with pytest.raises(PermissionDenied, match="line 2: a resolution"):
        import_decisions(store, resolution, ann)
    assert len(store.decision_rows()) == 1  # nothing of the refused files
    assert import_decisions(store, resolution, LEAD).added == 1
    assert store.decision_rows()[-1].kind == "resolution"


def test_a_reviewers_file_cannot_change_a_final_vote_under_dual_screening(store, tmp_path):
    save_settings(store, Settings(dual=True), LEAD)
    ann, bob = Reviewer("ann", "reviewer"), Reviewer("bob", "reviewer")
    decide(store, ann, 1, "title_abstract", "include")
    decide(store, bob, 1, "title_abstract", "exclude", "Wrong population")  # ann's vote is final
    header = "record_id,reviewer,stage,decision\n"
    change = write(tmp_path / "change.csv", header + "1,ann,ta,exclude\n")
    undo = write(tmp_path / "undo.csv", header + "1,ann,ta,undo\n")
    for path in (change, undo):
        with pytest.raises(DecisionIsFinal, match=r"line 2: record 1: ann's title_abstract vote"):
            import_decisions(store, path, ann)
    before = len(store.decision_rows())
    same = write(tmp_path / "same.csv", header + "1,ann,ta,include\n")
    import_decisions(store, same, ann)  # the same vote again changes nothing
    assert current_state(store, "title_abstract").of(1, "ann").decision == "include"
    assert len(store.decision_rows()) <= before + 1
    assert import_decisions(store, change, LEAD).added == 1  # a lead's file may


def test_a_windows_1252_decisions_file_keeps_its_dashes(store, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        b"record_id,reviewer,stage,decision,reason\r\n1,ann,ft,exclude,Wrong population \x96 "
        b"\x93adults\x94 only\r\n"
    )
    result = import_decisions(store, path, LEAD)
    assert result.encoding == "cp1252" and "Windows-1252" in result.warnings[0]
    assert store.decision_rows()[0].reason == "Wrong population \u2013 \u201cadults\u201d only"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'record_id,reviewer,stage,decision,note\n1,ann,ta,include,"unclosed\n2,ann,ta,include,\n',
            "line 2: a quote opens a cell that is not closed",
        ),
        (
            "record_id,reviewer,stage,decision,note\n1,ann,ta,include," + "x" * 5_000_000 + "\n",
            "line 2: a cell is longer than 1,048,576 characters",
        ),
        (
            'record_id,reviewer,stage,decision,note\n1,ann,ta,include,"two\nlines"\n9,ann,ta,maybe,\n',
            "line 4, column record_id: no record 9",  # line numbers count the lines of the file
        ),
    ],
    ids=["unclosed quote", "5 MB line", "multi-line cell"],
)
def test_decisions_csv_is_read_strictly(store, tmp_path, text, message):
    with pytest.raises(ImportFileError, match=message):
        import_decisions(store, write(tmp_path / "d.csv", text), LEAD)
    assert store.decision_rows() == []


def test_a_long_file_refused_at_its_last_line_leaves_the_database_as_it_was(store, tmp_path):
    """2,000 good lines and one that is not this reviewer's: nothing of the file is stored, and
    the database is the same to the last row (its SQL dump compared whole)."""
    from tests.screening.conftest import dump

    store.add_records(
        "t", [(str(i), Record(title=f"More {i}", raw=str(i))) for i in range(4, 2004)]
    )
    import_decisions(store, write(tmp_path / "first.csv", TWELVE), LEAD)
    before = dump(store)
    lines = "".join(f"{i},ann,ta,{'include' if i % 3 else 'exclude'}\n" for i in range(1, 2001))
    path = write(
        tmp_path / "long.csv", "record_id,reviewer,stage,decision\n" + lines + "5,bob,ta,maybe\n"
    )
    with pytest.raises(PermissionDenied, match=r"long.csv, line 2002: bob's decision"):
        import_decisions(store, path, Reviewer("ann", "reviewer"))
    assert dump(store) == before
    assert import_decisions(store, path, LEAD).added == 2001  # a lead may import it all
