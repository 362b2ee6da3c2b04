"""The records domain: authors as the store keeps them, and as a reference list names them."""

from __future__ import annotations

import pytest

from review.errors import ReviewError
from review.records import Author, Record, author_list, authors_from_json
from review.store import open_store

AUTHORS = (
    Author("Cazzato", "Roberto Luigi", "RL"),
    Author(collective="The XYZ Trial Group"),
    Author("Garnon", "Julien", "J"),
    Author("Ramamurthy", "Nitin", "N"),
)


def test_authors_read_back_from_the_store_column_as_the_record_has_them(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        store.add_records("t", [("1", Record(title="Cryoablation", authors=AUTHORS, raw="1"))])
        (row,) = store.record_rows()
        assert row.authors == AUTHORS == store.record(row.id).authors


def test_author_list_names_three_then_et_al():
    assert author_list(AUTHORS) == "Cazzato RL, The XYZ Trial Group, Garnon J et al."
    assert author_list(AUTHORS[:3]) == "Cazzato RL, The XYZ Trial Group, Garnon J"
    assert author_list(()) == ""
    assert author_list((Author(), Author("Solo"))) == "Solo"  # an empty name is not listed


@pytest.mark.parametrize("text", ["not json", '[{"surname": "Smith"}]', "[1]"])
def test_unreadable_authors_say_what_was_expected(text):
    with pytest.raises(ReviewError, match="JSON list of authors"):
        authors_from_json(text)


def test_no_authors():
    assert authors_from_json("[]") == authors_from_json("") == ()
