"""A real review file screened by two reviewers and a lead: agreements, conflicts, a lead's
resolution, single votes, and a duplicate group, at both stages."""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path

from review.records import AbstractSection, Author, Record
from review.screening.decisions import decide, resolve, save_settings
from review.screening.model import Reviewer, Settings
from review.store import open_store

Match = namedtuple("Match", "a b score verdict reasons")
TA, FT = "title_abstract", "full_text"
LEAD, ANN, BOB = Reviewer("lena", "lead"), Reviewer("ann"), Reviewer("bob")


def record(n: int, **fields) -> Record:
    base = dict(
        title=f"Cryoablation study {n}",
        authors=(Author("Smith", "Jane", "J"),),
        journal="Pain Medicine",
        year=2010 + n,
        volume=str(n),
        pages=f"{n}01-{n}09",
        raw=str(n),
    )
    return Record(**(base | fields))


def screened_review(path: Path) -> Path:
    """Records 1-8 (2 a duplicate of 1), dual screening:

    title/abstract: 1 include (both; ann voted on the duplicate 2), 3 conflict, 4 conflict
    resolved include by lena, 5 exclude (two reasons, a note), 6 maybe, 7 one vote, 8 none.
    full text (1, 4, 6 go on): 1 include, 4 exclude, 6 no votes.
    """
    with open_store(path) as store:
        store.add_records(
            "test",
            [
                (
                    "1",
                    record(
                        1,
                        abstract_sections=(AbstractSection("Pain fell.\nA second line."),),
                        doi="10.1/one",
                        pmid="111",
                    ),
                ),
                ("2", record(1, raw="2", journal="", issue="4")),
                *((str(n), record(n)) for n in range(3, 9)),
            ],
        )
        store.save_matches([Match(1, 2, 0.99, "duplicate", ("title",))], "review")
        save_settings(store, Settings(dual=True), LEAD)
        decide(store, ANN, 2, TA, "include")
        decide(store, BOB, 1, TA, "include")
        decide(store, ANN, 3, TA, "include")
        decide(store, BOB, 3, TA, "exclude", "Wrong population")
        decide(store, ANN, 4, TA, "exclude", "Wrong outcomes")
        decide(store, BOB, 4, TA, "include")
        resolve(store, LEAD, 4, TA, "include", "Outcomes reported in full")
        decide(store, ANN, 5, TA, "exclude", "Wrong population", "animal study")
        decide(store, BOB, 5, TA, "exclude", "Wrong study design")
        decide(store, ANN, 6, TA, "maybe")
        decide(store, BOB, 6, TA, "maybe")
        decide(store, ANN, 7, TA, "include")
        decide(store, ANN, 1, FT, "include")
        decide(store, BOB, 1, FT, "include", note="RCT")
        decide(store, ANN, 4, FT, "exclude", "Wrong outcomes")
        decide(store, BOB, 4, FT, "exclude", "Wrong outcomes")
    return path
