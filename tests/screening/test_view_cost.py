"""What a Screen page view reads grows with the decisions made, not with the review: counts and
the next record look at decided records only, and one state snapshot serves every question of a
view until the next decision (benchmarks/screening.py measures the time)."""

from __future__ import annotations

import pytest

from review.records import Record
from review.screening import state as state_module
from review.screening.decisions import (
    decide,
    next_record,
    progress,
    save_settings,
    stage_units,
)
from review.screening.model import Reviewer, Settings
from review.screening.state import current_state
from review.store import open_store

TA, FT = "title_abstract", "full_text"
LEAD = Reviewer("lee", "lead")
ANN = Reviewer("ann", "reviewer")


@pytest.fixture
def big(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        store.add_records("t", [(str(i), Record(title=f"Study {i}", raw=str(i)))
                                for i in range(1, 3001)])  # fmt: skip
        for record, decision in ((5, "include"), (2900, "maybe"), (7, "exclude")):
            decide(store, LEAD, record, TA, decision)
        yield store


def counting_finals(monkeypatch) -> list[int]:
    asked: list[int] = []
    final = state_module.StageState.final

    def counted(self, unit, dual):
        asked.append(unit)
        return final(self, unit, dual)

    monkeypatch.setattr(state_module.StageState, "final", counted)
    return asked


def test_counts_and_the_next_record_read_the_decided_records_only(big, monkeypatch):
    asked = counting_finals(monkeypatch)
    done = progress(big, LEAD, TA)
    assert (done.total, done.decided, done.included, done.excluded, done.mine) == (
        3000, 3, 1, 1, 3,
    )  # fmt: skip
    assert len(asked) <= 3
    from review.prioritise.live import training_labels

    assert training_labels(big, LEAD) == {5: 1, 2900: 1, 7: 0}
    assert progress(big, LEAD, TA) == done
    assert len(asked) <= 3  # the finals worked out once for the snapshot
    asked.clear()
    assert stage_units(big, FT) == [5, 2900]  # include and maybe go on, in arrival order
    assert progress(big, LEAD, FT).total == 2
    assert len(asked) <= 9
    asked.clear()
    assert next_record(big, LEAD, TA, order=[2900, 7, 2999, 1]) == 2999
    assert next_record(big, LEAD, TA, order=[123456, 5]) == 1  # unknown and decided: arrival
    assert asked == []


def test_one_snapshot_serves_a_view_until_the_next_decision(big):
    first = current_state(big, TA)
    assert current_state(big, TA) is first
    decide(big, LEAD, 8, TA, "include")
    second = current_state(big, TA)
    assert second is not first and second.of(8, "lee") is not None
    assert first.of(8, "lee") is None  # a reader's snapshot never changes under it


def test_a_blinded_view_is_made_once_per_snapshot(big):
    save_settings(big, Settings(dual=True), LEAD)
    decide(big, ANN, 9, TA, "exclude")
    snapshot = current_state(big, TA)
    mine = snapshot.seen_by("ann")
    assert snapshot.seen_by("ann") is mine
    assert set(mine.mine) == {9} and set(snapshot.seen_by("lee").mine) == {5, 2900, 7}
    done = progress(big, ANN, TA)
    assert (done.blinded, done.mine, done.decided) == (True, 1, 1)


def test_a_vote_is_checked_by_its_own_group_not_every_group(big, monkeypatch):
    from review.screening.decisions import vote_is_final

    big.write("INSERT INTO duplicate_groups (record_id, primary_id) VALUES (11, 11), (12, 11)")
    assert (big.primary_of(12), big.primary_of(11), big.primary_of(13)) == (11, 11, 13)
    save_settings(big, Settings(dual=True), LEAD)
    decide(big, ANN, 12, TA, "include")  # stands for its primary, 11
    decide(big, Reviewer("bob", "reviewer"), 11, TA, "include")

    def every_group():
        raise AssertionError("read every duplicate group for one record")

    monkeypatch.setattr(big, "duplicate_of", every_group)
    assert vote_is_final(big, ANN, 12, TA)
    assert not vote_is_final(big, ANN, 13, TA)
