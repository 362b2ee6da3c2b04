"""Duplicate pairs in the store: marked not deleted, decisions as events, groups derived."""

from collections import namedtuple

import pytest

from review.errors import ReviewError
from review.records import AbstractSection, Record
from review.store import open_store

Match = namedtuple("Match", "a b score verdict reasons")


def records(store, *specs):
    """Add records given as (key, has_abstract, pmid); returns their ids in order."""
    pairs = [
        (
            key,
            Record(
                title=f"Study {key}",
                pmid=pmid,
                abstract_sections=(AbstractSection("Text."),) if abstract else (),
                raw=key,
            ),
        )
        for key, abstract, pmid in specs
    ]
    store.add_records("test", pairs)
    return [r["id"] for r in store.query("SELECT id FROM records ORDER BY id")]


def test_merges_make_groups_whose_primary_is_the_most_complete(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        a, b, c, d = records(
            store, ("a", False, ""), ("b", True, ""), ("c", True, "123"), ("d", 0, "")
        )
        merged, possible = store.save_matches(
            [
                Match(a, b, 0.99, "duplicate", ("same DOI",)),
                Match(b, c, 0.97, "duplicate", ("title 0.99",)),
                Match(c, d, 0.80, "possible", ("title 0.90",)),
            ],
            "review",
        )
        assert (merged, possible) == (2, 1)
        assert store.duplicate_of() == {a: c, b: c}  # c has an abstract and a PMID
        assert store.group_members(a) == [a, b, c]
        assert store.count_records() == 4  # marked, never deleted
        assert [p.status for p in store.pairs()] == ["merged", "merged", "pending"]


def test_decisions_are_events_and_can_be_undone(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        a, b, c = records(store, ("a", True, ""), ("b", False, ""), ("c", False, ""))
        store.save_matches(
            [Match(a, b, 0.99, "duplicate", ()), Match(a, c, 0.8, "possible", ())], "review"
        )
        store.decide_pair(c, a, "confirm", "ann")  # order of the ids does not matter
        assert store.duplicate_of() == {b: a, c: a}
        store.decide_pair(a, b, "undo", "bob")
        assert store.duplicate_of() == {c: a}
        assert store.pairs("undone")[0].decided_by == "bob"
        events = store.query("SELECT actor, action FROM duplicate_events ORDER BY id")
        assert [(e["actor"], e["action"]) for e in events] == [
            ("review", "merged"),
            ("review", "found"),
            ("ann", "confirmed"),
            ("bob", "undone"),
        ]
        with pytest.raises(ReviewError, match="not merged"):
            store.decide_pair(a, b, "undo", "bob")
        with pytest.raises(ReviewError, match="not a pair"):
            store.decide_pair(b, c, "reject", "bob")


def test_a_decided_pair_is_not_reopened_by_another_run(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        a, b = records(store, ("a", True, ""), ("b", True, ""))
        store.save_matches([Match(a, b, 0.8, "possible", ())], "review")
        store.decide_pair(a, b, "reject", "ann")
        assert store.save_matches([Match(a, b, 0.99, "duplicate", ())], "review") == (0, 0)
        assert store.pairs()[0].status == "rejected"
        assert store.duplicate_of() == {}
