"""What an export holds: the filters, and each record's screening and duplicate group, on a
real review screened by two reviewers and a lead."""

from __future__ import annotations

import pytest

from review.errors import ReviewError
from review.exports import COLUMNS, export_rows
from review.store import open_store
from tests.exports.review import ANN, FT, LEAD, TA, screened_review


@pytest.fixture
def db(tmp_path):
    return screened_review(tmp_path / "r.db")


def ids(db, **filters) -> list[int]:
    with open_store(db) as store:
        return [row.record_id for row in export_rows(store, **filters)]


@pytest.mark.parametrize(
    "stage,decision,expected",
    [
        (None, None, [1, 2, 3, 4, 5, 6, 7, 8]),
        (TA, None, [1, 2, 3, 4, 5, 6, 7, 8]),
        (TA, "include", [1, 2, 4]),  # the duplicate 2 goes with its group; 4 as resolved
        (TA, "exclude", [5]),
        (TA, "maybe", [6]),
        (TA, "conflict", [3]),
        (TA, "undecided", [7, 8]),  # dual screening: one vote is not a decision
        (FT, None, [1, 2, 4, 6]),  # the records going on from title/abstract
        (FT, "include", [1, 2]),
        (FT, "exclude", [4]),
        (FT, "undecided", [6]),
        (FT, "conflict", []),
    ],
)
def test_stage_and_decision_filters_follow_the_screening_status(db, stage, decision, expected):
    assert ids(db, stage=stage, decision=decision) == expected


def test_primary_only_drops_the_duplicates(db):
    assert ids(db, stage=FT, decision="include", primary_only=True) == [1]
    assert ids(db, primary_only=True) == [1, 3, 4, 5, 6, 7, 8]


def test_bad_filters_are_refused_with_what_to_use(db):
    with pytest.raises(ReviewError, match="needs a stage"):
        ids(db, decision="include")
    with pytest.raises(ReviewError, match="Unknown decision 'included'"):
        ids(db, stage=TA, decision="included")
    with pytest.raises(ReviewError, match="Unknown stage"):
        ids(db, stage="abstract")


def test_each_row_carries_its_group_and_its_screening_at_each_stage(db):
    with open_store(db) as store:
        rows = {row.record_id: row.values() for row in export_rows(store, LEAD)}
    assert set(rows[1]) == set(COLUMNS)
    assert (rows[1]["duplicate_of"], rows[1]["duplicate_group"]) == ("", "1")
    assert (rows[2]["duplicate_of"], rows[2]["duplicate_group"]) == ("1", "1")
    assert rows[3]["duplicate_group"] == "3"
    one = rows[2]  # a duplicate shows its group's screening
    assert one["title_abstract_decision"] == one["full_text_decision"] == "include"
    assert one["title_abstract_votes"] == "ann: include; bob: include"
    assert one["full_text_note"] == "bob: RCT"
    conflict = rows[3]
    assert conflict["title_abstract_decision"] == "conflict"
    assert conflict["title_abstract_reason"] == "Wrong population"
    assert conflict["title_abstract_votes"] == "ann: include; bob: exclude (Wrong population)"
    resolved = rows[4]
    assert resolved["title_abstract_decision"] == "include"
    assert resolved["title_abstract_reason"] == "Outcomes reported in full"
    assert resolved["title_abstract_resolved_by"] == "lena: include (Outcomes reported in full)"
    assert resolved["title_abstract_votes"] == "ann: exclude (Wrong outcomes); bob: include"
    assert (resolved["full_text_decision"], resolved["full_text_reason"]) == (
        "exclude",
        "Wrong outcomes",
    )
    excluded = rows[5]
    assert excluded["title_abstract_reason"] == "Wrong population; Wrong study design"
    assert excluded["title_abstract_note"] == "ann: animal study"
    assert excluded["full_text_decision"] == ""  # never on the full-text list
    assert rows[7]["title_abstract_decision"] == "undecided"
    assert rows[7]["title_abstract_votes"] == "ann: include"


def test_a_reviewer_under_dual_screening_sees_only_their_votes_and_resolutions(db):
    with open_store(db) as store:
        rows = {row.record_id: row.values() for row in export_rows(store, ANN)}
        blind = [r.record_id for r in export_rows(store, ANN, stage=TA, decision="include")]
    assert rows[3]["title_abstract_decision"] == "include"  # ann's own vote, not the conflict
    assert rows[3]["title_abstract_votes"] == "ann: include"
    assert "bob" not in " ".join(v for row in rows.values() for v in row.values())
    assert rows[4]["title_abstract_decision"] == "include"  # lena's resolution
    assert rows[5]["title_abstract_reason"] == "Wrong population"
    assert blind == [1, 2, 3, 4, 7]


def test_the_lead_and_the_review_as_a_whole_see_the_same(db):
    with open_store(db) as store:
        lead = [r.values() for r in export_rows(store, LEAD)]
        whole = [r.values() for r in export_rows(store, None)]
    assert lead == whole
