"""Blinding under dual screening, in the library: what a reviewer may change and may see."""

from __future__ import annotations

import pytest

from review.errors import PermissionDenied
from review.prioritise.live import training_labels
from review.prioritise.progress import screening_progress, start_stopping_sample
from review.records import Record
from review.screening.decisions import (
    DecisionIsFinal,
    decide,
    next_record,
    progress,
    resolve,
    save_settings,
    stage_units,
    undo_last,
    vote_is_final,
)
from review.screening.model import Reviewer, Settings
from review.store import open_store

TA, FT = "title_abstract", "full_text"
ANN, BOB, CAT, LEE = Reviewer("ann"), Reviewer("bob"), Reviewer("cat"), Reviewer("lee", "lead")


def _review(path, *, dual: bool = True):
    store = open_store(path)
    store.add_records("t", [(str(i), Record(title=f"Study {i}", raw=str(i))) for i in range(1, 9)])
    save_settings(store, Settings(dual=dual), LEE)
    return store


@pytest.fixture
def store(tmp_path):
    with _review(tmp_path / "r.db") as store:
        yield store


def _events(store) -> list[tuple]:
    return [(r.record_id, r.reviewer, r.decision) for r in store.decision_rows()]


def test_a_vote_only_you_cast_can_be_changed_and_undone(store):
    decide(store, ANN, 1, TA, "include")
    decide(store, ANN, 1, TA, "exclude")  # a change: nobody else has decided record 1
    assert undo_last(store, ANN, TA) == 1
    assert undo_last(store, ANN, TA) == 1
    assert undo_last(store, ANN, TA) is None


def test_once_another_reviewer_voted_your_vote_is_final(store):
    decide(store, ANN, 1, TA, "include")
    assert not vote_is_final(store, ANN, 1, TA)
    decide(store, BOB, 1, TA, "exclude")
    assert vote_is_final(store, ANN, 1, TA) and vote_is_final(store, BOB, 1, TA)
    before = _events(store)
    with pytest.raises(DecisionIsFinal, match="record 1 is final.*changes it on the Conflicts"):
        undo_last(store, ANN, TA)
    with pytest.raises(DecisionIsFinal, match="record 1 is final"):
        decide(store, ANN, 1, TA, "exclude")  # voting again is a change too
    with pytest.raises(DecisionIsFinal):
        undo_last(store, BOB, TA)
    assert _events(store) == before  # nothing written
    # The lead changes it: a resolution.
    resolve(store, LEE, 1, TA, "exclude")
    assert progress(store, LEE, TA).excluded == 1
    # Undo takes the latest decision only: an earlier one only ann made is not reached past it.
    decide(store, ANN, 2, TA, "include")
    assert undo_last(store, ANN, TA) == 2


def test_a_lead_resolution_makes_your_vote_final_and_stage_counts_stay_apart(store):
    decide(store, ANN, 3, TA, "include")
    resolve(store, LEE, 3, TA, "exclude")
    with pytest.raises(DecisionIsFinal):
        undo_last(store, ANN, TA)
    decide(store, ANN, 3, FT, "include")  # another stage: a first vote there
    assert undo_last(store, ANN, FT) == 3


def test_a_vote_on_a_duplicate_is_final_for_its_group(store):
    from collections import namedtuple

    Match = namedtuple("Match", "a b score verdict reasons")
    store.save_matches([Match(4, 5, 0.99, "duplicate", ())], "review")
    primary = store.duplicate_of().get(5, 5)
    other = 4 if primary == 5 else 5
    decide(store, ANN, primary, TA, "include")
    decide(store, BOB, other, TA, "include")  # on the other member: the same record
    with pytest.raises(DecisionIsFinal):
        decide(store, ANN, other, TA, "exclude")


def test_single_screening_keeps_changes_and_undo(tmp_path):
    with _review(tmp_path / "s.db", dual=False) as store:
        decide(store, ANN, 1, TA, "include")
        decide(store, BOB, 1, TA, "exclude")
        assert not vote_is_final(store, ANN, 1, TA)
        decide(store, ANN, 1, TA, "maybe")
        assert undo_last(store, ANN, TA) == 1
        assert undo_last(store, ANN, TA) == 1


def test_the_library_refuses_what_a_role_may_not_do(store):
    with pytest.raises(PermissionDenied, match="only leads may edit the protocol"):
        save_settings(store, Settings(dual=False), ANN)
    decide(store, ANN, 1, TA, "include")
    decide(store, BOB, 1, TA, "exclude")
    with pytest.raises(PermissionDenied, match="only leads may resolve conflicts"):
        resolve(store, ANN, 1, TA, "include")
    with pytest.raises(PermissionDenied):
        start_stopping_sample(store, ANN)
    start_stopping_sample(store, LEE, seed=1)


def _two_reviews(tmp_path, bob_votes: dict[str, list[str]]):
    """The same review twice; bob's votes on records 1-4 differ, ann's are the same."""
    stores = {}
    for name, votes in bob_votes.items():
        store = _review(tmp_path / f"{name}.db")
        for record_id, decision in enumerate(votes, start=1):
            decide(store, BOB, record_id, TA, decision)
        for record_id, decision in ((1, "include"), (2, "include"), (3, "exclude")):
            decide(store, ANN, record_id, TA, decision)
        if name == "x":  # bob's full-text vote on record 1 differs too
            decide(store, BOB, 1, FT, "include")
        else:
            decide(store, BOB, 1, FT, "exclude", "Wrong outcomes")
        stores[name] = store
    return stores


def test_what_a_reviewer_sees_does_not_depend_on_the_other_votes(tmp_path):
    stores = _two_reviews(
        tmp_path,
        {
            "x": ["include", "include", "exclude", "exclude"],
            "y": ["exclude", "exclude", "include", "include"],
        },
    )
    x, y = stores["x"], stores["y"]
    for stage in (TA, FT):
        assert progress(x, ANN, stage) == progress(y, ANN, stage)
        assert progress(x, ANN, stage).blinded
        assert next_record(x, ANN, stage) == next_record(y, ANN, stage)
        assert stage_units(x, stage, viewer=ANN) == stage_units(y, stage, viewer=ANN)
    assert stage_units(x, FT, viewer=ANN) == [1, 2]  # ann's own includes go on to full text
    assert training_labels(x, ANN) == training_labels(y, ANN) == {1: 1, 2: 1, 3: 0}
    assert screening_progress(x, ANN) == screening_progress(y, ANN)
    # A lead sees the consensus: there the reviews differ.
    assert progress(x, LEE, TA).conflicts == 0 and progress(y, LEE, TA).conflicts == 3
    assert stage_units(x, FT, viewer=LEE) == [1, 2] and stage_units(y, FT, viewer=LEE) == []
    for store in stores.values():
        store.close()


def test_records_offered_depend_on_how_many_voted_not_what(store):
    decide(store, BOB, 1, TA, "include")
    decide(store, CAT, 1, TA, "exclude")  # two others decided record 1: no third vote needed
    decide(store, BOB, 2, TA, "include")  # one other: ann still decides record 2
    assert next_record(store, ANN, TA) == 2
    progress_before = progress(store, ANN, TA)
    resolve(store, LEE, 1, TA, "include")  # a lead's resolution is for everyone to see
    assert progress(store, ANN, TA).included == progress_before.included + 1


def test_training_labels_per_viewer(store):
    decide(store, ANN, 1, TA, "include")
    decide(store, BOB, 1, TA, "exclude")  # a conflict
    decide(store, ANN, 2, TA, "exclude")
    decide(store, BOB, 2, TA, "exclude")  # agreed
    decide(store, ANN, 3, TA, "maybe")  # bob has not voted yet
    decide(store, BOB, 4, TA, "include")
    resolve(store, LEE, 5, TA, "exclude")  # a lead's decision, no reviewer votes
    # each reviewer: their own votes and the resolutions; never the other's
    assert training_labels(store, ANN) == {1: 1, 2: 0, 3: 1, 5: 0}
    assert training_labels(store, BOB) == {1: 0, 2: 0, 4: 1, 5: 0}
    # a lead (and the review as a whole): final decisions only, conflicts and single votes wait
    assert training_labels(store, LEE) == training_labels(store, None) == {2: 0, 5: 0}
    resolve(store, LEE, 1, TA, "exclude")  # the resolution stands over ann's own include
    assert training_labels(store, ANN)[1] == 0 and training_labels(store, LEE)[1] == 0


def test_training_labels_under_single_screening_are_everyones(tmp_path):
    with _review(tmp_path / "s.db", dual=False) as store:
        decide(store, ANN, 1, TA, "include")
        decide(store, BOB, 2, TA, "exclude")
        assert training_labels(store, ANN) == training_labels(store, BOB) == {1: 1, 2: 0}


def test_the_stopping_sample_pool_leaves_out_conflicts(store):
    decide(store, ANN, 1, TA, "include")
    decide(store, BOB, 1, TA, "exclude")  # a conflict: screened, waiting for a lead
    decide(store, ANN, 2, TA, "include")  # one vote of two: still to screen
    sample = start_stopping_sample(store, LEE, seed=3)
    assert sorted(sample.records) == [2, 3, 4, 5, 6, 7, 8]
    assert screening_progress(store, LEE).arrived_since_sample == 0
