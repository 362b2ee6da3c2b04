"""Screening decisions on a real review database: events, undo, dual screening, agreement."""

from __future__ import annotations

from collections import namedtuple

import pytest

from review.errors import ReviewError
from review.records import Record
from review.screening.decisions import (
    agreement,
    conflicts,
    decide,
    next_record,
    progress,
    resolve,
    save_settings,
    settings,
    stage_units,
    undo_last,
)
from review.screening.model import Reviewer, Settings
from review.store import open_store

Match = namedtuple("Match", "a b score verdict reasons")
TA, FT = "title_abstract", "full_text"


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        store.add_records(
            "t", [(str(i), Record(title=f"Study {i}", raw=str(i))) for i in range(1, 7)]
        )
        yield store


def test_single_screening_goes_through_the_records_in_order(store):
    assert next_record(store, Reviewer("ann"), TA) == 1
    decide(store, Reviewer("ann"), 1, TA, "include")
    decide(store, Reviewer("bob"), 2, TA, "exclude", "Wrong population")
    assert next_record(store, Reviewer("ann"), TA) == 3  # single: what bob decided is done
    assert progress(store, Reviewer("ann"), TA).decided == 2
    assert stage_units(store, FT) == [1]


def test_a_changed_decision_keeps_the_history_and_undo_takes_it_back(store):
    decide(store, Reviewer("ann"), 1, TA, "include")
    decide(store, Reviewer("ann"), 1, TA, "exclude", "Wrong outcomes")
    assert progress(store, Reviewer("ann"), TA).excluded == 1
    assert undo_last(store, Reviewer("ann"), TA) == 1
    assert progress(store, Reviewer("ann"), TA).included == 1
    assert undo_last(store, Reviewer("ann"), TA) == 1
    assert progress(store, Reviewer("ann"), TA).decided == 0
    assert undo_last(store, Reviewer("ann"), TA) is None
    events = [r.decision for r in store.decision_rows(TA)]
    assert events == ["include", "exclude", "undo", "undo"]  # nothing overwritten


def test_dual_screening_blinds_counts_agreement_and_raises_conflicts(store):
    save_settings(store, Settings(dual=True), Reviewer("lead", "lead"))
    assert settings(store).dual
    decide(store, Reviewer("ann"), 1, TA, "include")
    assert next_record(store, Reviewer("bob"), TA) == 1  # ann's decision does not take it from bob
    decide(store, Reviewer("bob"), 1, TA, "include")
    decide(store, Reviewer("ann"), 2, TA, "include")
    decide(store, Reviewer("bob"), 2, TA, "exclude", "Wrong population")
    decide(store, Reviewer("ann"), 3, TA, "exclude")
    decide(store, Reviewer("bob"), 3, TA, "exclude")
    assert next_record(store, Reviewer("cat"), TA) == 4  # 1-3 have their two decisions
    found = conflicts(store, TA)
    assert [c.record_id for c in found] == [2]
    assert [d.reviewer for d in found[0].decisions] == ["ann", "bob"]
    a = agreement(store, TA)
    assert (a.records, a.agreed) == (3, 2)
    # observed 2/3; expected from the margins (ann 2 inc 1 exc, bob 1 inc 2 exc) = 4/9
    assert a.kappa == pytest.approx((2 / 3 - 4 / 9) / (1 - 4 / 9))
    with pytest.raises(ReviewError, match="only leads"):
        resolve(store, Reviewer("bob"), 2, TA, "include")
    resolve(store, Reviewer("lee", "lead"), 2, TA, "include")
    assert conflicts(store, TA) == []
    assert stage_units(store, FT) == [1, 2]


def test_full_text_exclusion_needs_a_reason(store):
    decide(store, Reviewer("ann"), 1, TA, "include")
    with pytest.raises(ReviewError, match="needs a reason"):
        decide(store, Reviewer("ann"), 1, FT, "exclude")
    decide(store, Reviewer("ann"), 1, FT, "exclude", "Full text not available")
    assert progress(store, Reviewer("ann"), FT).excluded == 1


def test_a_decision_on_any_duplicate_stands_for_the_group(store):
    decide(store, Reviewer("ann"), 2, TA, "include")  # decided before the merge
    store.save_matches([Match(1, 2, 0.99, "duplicate", ())], "review")
    units = stage_units(store, TA)
    assert len(units) == 5 and not {1, 2} <= set(units)  # the pair is screened once
    primary = store.duplicate_of().get(2, 2)
    assert stage_units(store, FT) == [primary]
    assert next_record(store, Reviewer("bob"), TA) not in (1, 2)


def test_unknown_stage_or_decision_is_refused(store):
    with pytest.raises(ReviewError, match="Unknown stage"):
        decide(store, Reviewer("ann"), 1, "abstract", "include")
    with pytest.raises(ReviewError, match="Unknown decision"):
        decide(store, Reviewer("ann"), 1, TA, "yes")
