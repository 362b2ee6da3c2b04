"""The Records page: each stage's decision, conflicts, sources and duplicate group as columns,
filters on each, and a click on a row opening the record; under dual screening, as the viewer
may see it (review.records_table)."""

from __future__ import annotations

from collections import namedtuple

import pytest
from streamlit.testing.v1 import AppTest

from review.dedupe.pairs import decide_pair
from review.imports.load import import_file
from review.records import Record
from review.records_table import RecordFilters, record_detail, record_table
from review.screening.decisions import decide, resolve, save_settings
from review.screening.model import Reviewer, Settings
from review.screening.reviewers import Session, add_reviewer
from review.store import open_store
from review.ui.state import SESSION
from tests.ui.test_pages import click_row

TA, FT = "title_abstract", "full_text"
Match = namedtuple("Match", "a b score verdict reasons")
LEE, ANN, BOB = Reviewer("lee", "lead"), Reviewer("ann"), Reviewer("bob")
RIS = """TY  - JOUR
TI  - Radiofrequency ablation of the genicular nerves
DB  - Embase
ER  -

TY  - JOUR
TI  - Cryoablation of Morton neuroma: a cohort study
DB  - Embase
ER  -
"""


def _build(path, tmp_path, *, dual: bool = False) -> None:
    """Records 1-2 from a PubMed search, 3-4 from an Embase file (4 a duplicate of 2), 5 from
    elsewhere. Single screening: 1 included at both stages, 2 (with 4) included then waiting at
    full text, 3 excluded. Dual: ann and bob disagree on 1 and agree on 3; 5 has ann's vote."""
    with open_store(path) as store:
        run = store.start_run(store.save_search("neuroma-cryo", "neuroma"), "search", {})
        store.store_pubmed_batch(
            run,
            [
                Record(pmid="101", title="Statins for cholesterol", year=2019, raw="1"),
                Record(pmid="102", title="Cryoablation of Morton neuroma", year=2021, raw="2"),
            ],
        )
        ris = tmp_path / "embase.ris"
        ris.write_text(RIS, encoding="utf-8")
        import_file(store, ris, source="Embase", actor="lee")
        store.add_records("demo", [("5", Record(title="Knee pain after surgery", raw="5"))])
        store.save_matches([Match(2, 4, 0.9, "possible", ("title 0.95",))], "review")
        decide_pair(store, LEE, 2, 4, "confirm")
        if not dual:
            decide(store, LEE, 1, TA, "include")
            decide(store, LEE, 1, FT, "include")
            decide(store, LEE, 4, TA, "include")  # on a duplicate: counts for its group (2)
            decide(store, LEE, 3, TA, "exclude", "Wrong population")
            return
        save_settings(store, Settings(dual=True), LEE)
        for who in ("ann", "bob"):
            add_reviewer(store, who, "reviewer", f"{who}-password", by=LEE)
        add_reviewer(store, "lee", "lead", "lee-password", by=LEE)
        decide(store, ANN, 1, TA, "include")
        decide(store, BOB, 1, TA, "exclude", "Wrong population")
        decide(store, ANN, 3, TA, "exclude", "Wrong population")
        decide(store, BOB, 3, TA, "exclude", "Wrong intervention")
        decide(store, ANN, 5, TA, "maybe")


@pytest.fixture
def single(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    _build(path, tmp_path)
    monkeypatch.setenv("REVIEW_DB", str(path))
    return path


@pytest.fixture
def dual(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    _build(path, tmp_path, dual=True)
    monkeypatch.setenv("REVIEW_DB", str(path))
    return path


def _records_page():
    from review.ui import records

    records.page()


def _run(name: str | None = None) -> AppTest:
    at = AppTest.from_function(_records_page)
    if name:
        at.session_state[SESSION] = Session(name, 0)
    at.run(timeout=30)
    assert not at.exception, at.exception
    return at


def _table(at: AppTest) -> dict[int, dict]:
    frame = at.dataframe[0].value
    return {row["id"]: row for row in frame.to_dict("records")}


def test_the_columns_show_decisions_conflicts_sources_and_duplicate_groups(single):
    at = _run()
    rows = _table(at)
    assert list(rows) == [5, 4, 3, 2, 1]  # newest first
    assert [c for c in at.dataframe[0].value.columns] == [
        "id", "title", "title/abstract", "full text", "conflict", "duplicate group", "sources",
        "year", "authors", "journal", "PMID", "DOI",
    ]  # fmt: skip
    assert (rows[1]["title/abstract"], rows[1]["full text"]) == ("include", "include")
    assert (rows[2]["title/abstract"], rows[2]["full text"]) == ("include", "")  # waiting
    assert (rows[4]["title/abstract"], rows[4]["duplicate group"]) == ("include", "2")
    assert (rows[3]["title/abstract"], rows[3]["full text"]) == ("exclude", "")
    assert rows[5]["title/abstract"] == ""
    assert rows[2]["duplicate group"] == "2" and rows[1]["duplicate group"] == ""
    assert rows[1]["sources"] == "PubMed: neuroma-cryo"
    assert rows[3]["sources"] == "Embase: embase.ris"
    assert rows[5]["sources"] == "demo"
    assert (rows[1]["year"], rows[1]["PMID"], rows[3]["PMID"]) == ("2019", "101", "")
    # No "None" (nor NaN) anywhere: an empty cell is empty.
    for row in rows.values():
        for value in row.values():
            assert value is not None and str(value) not in ("None", "nan"), row


@pytest.mark.parametrize(
    ("box", "value", "expected"),
    [
        ("records_title_abstract", "include", [4, 2, 1]),
        ("records_title_abstract", "exclude", [3]),
        ("records_title_abstract", "undecided", [5]),
        ("records_full_text", "include", [1]),
        ("records_full_text", "undecided", [4, 2]),
        ("records_source", "search:1", [2, 1]),
        ("records_source", "import:1", [4, 3]),
        ("records_source", "origin:demo", [5]),
        ("records_duplicates", "grouped", [4, 2]),
        ("records_duplicates", "duplicate", [4]),
        ("records_duplicates", "primary", [5, 3, 2, 1]),
    ],
)
def test_each_filter_selects_its_records(single, box, value, expected):
    at = _run()
    at.selectbox(key=box).set_value(value).run(timeout=30)
    assert not at.exception
    assert list(_table(at)) == expected
    assert at.caption[0].value.startswith(f"{len(expected)} records")


def test_the_source_filter_names_each_source(single):
    at = _run()
    box = at.selectbox(key="records_source")
    assert box.options == ["All sources", "PubMed: neuroma-cryo", "Embase: embase.ris", "demo"]


def test_filters_combine_with_the_search(single):
    at = _run()
    at.text_input(key="records_search").set_value("cryoablation").run(timeout=30)
    assert set(_table(at)) == {2, 4}
    at.selectbox(key="records_duplicates").set_value("primary").run(timeout=30)
    assert list(_table(at)) == [2]


def test_a_click_on_a_row_opens_the_record(single):
    at = _run()
    assert not at.subheader  # nothing opened yet
    click_row(at, 1)  # record 4, a duplicate of record 2
    assert at.subheader[0].value == "Record 4"
    shown = [t.value for t in at.text]
    assert "Cryoablation of Morton neuroma: a cohort study" in shown
    assert "Sources: Embase: embase.ris" in shown
    assert "Duplicate group: record 2: Cryoablation of Morton neuroma" in shown
    assert any(t.startswith("Title/abstract: include\n  lee: include") for t in shown)
    assert "A duplicate of record 2" in at.caption[1].value
    # Another page of the table keeps the record open until another row is clicked.
    at.selectbox(key="records_title_abstract").set_value("exclude").run(timeout=30)
    assert at.subheader[0].value == "Record 4"
    click_row(at, 0)
    assert at.subheader[0].value == "Record 3"


def test_a_new_filter_starts_at_the_first_page(single, monkeypatch):
    from review.ui import records

    monkeypatch.setattr(records, "PAGE", 2)
    at = _run()
    assert at.caption[0].value.startswith("5 records, newest first; page 1 of 3")
    at.number_input(key="records_page").set_value(3).run(timeout=30)
    assert list(_table(at)) == [1]
    at.selectbox(key="records_source").set_value("import:1").run(timeout=30)
    assert at.caption[0].value.startswith("2 records, newest first; page 1 of 1")
    assert list(_table(at)) == [4, 3]


def test_a_lead_sees_conflicts_and_every_vote(dual):
    at = _run("lee")
    rows = _table(at)
    assert (rows[1]["title/abstract"], rows[1]["conflict"]) == ("conflict", "title/abstract")
    assert (rows[3]["title/abstract"], rows[3]["conflict"]) == ("exclude", "")
    assert rows[5]["title/abstract"] == ""  # one vote of two
    at.checkbox(key="records_conflict").check().run(timeout=30)
    assert list(_table(at)) == [1]
    click_row(at, 0)
    shown = "\n".join(t.value for t in at.text)
    assert "ann: include" in shown and "bob: exclude (Wrong population)" in shown
    with open_store(dual) as store:
        resolve(store, LEE, 1, TA, "include")
    at.run(timeout=30)
    assert list(_table(at)) == []  # resolved: no conflict left


def test_a_reviewer_under_dual_screening_sees_only_their_own_votes(dual):
    at = _run("bob")
    assert "conflict" not in at.dataframe[0].value.columns
    assert "conflict" not in at.selectbox(key="records_title_abstract").options
    assert not [c for c in at.checkbox if c.key == "records_conflict"]
    rows = _table(at)
    assert rows[1]["title/abstract"] == "exclude"  # bob's own, not the conflict
    assert rows[5]["title/abstract"] == ""  # ann's maybe is not bob's to see
    at.selectbox(key="records_title_abstract").set_value("undecided").run(timeout=30)
    assert list(_table(at)) == [5, 4, 2]  # 4 counts with 2, its group's primary
    click_row(at, 2)  # record 2
    at.selectbox(key="records_title_abstract").set_value("").run(timeout=30)
    click_row(at, 4)  # record 1
    shown = "\n".join(t.value for t in at.text)
    assert "you: exclude (Wrong population)" in shown
    assert "ann" not in shown and "include" not in shown


def test_the_library_gives_a_page_and_the_total(single):
    with open_store(single) as store:
        table = record_table(store, None, RecordFilters(), limit=2, offset=2)
        assert [r.id for r in table.rows] == [3, 2] and table.total == 5
        table = record_table(store, None, RecordFilters(title_abstract="include"), limit=2)
        assert [r.id for r in table.rows] == [4, 2] and table.total == 3
        assert record_detail(store, None, 99) is None
        detail = record_detail(store, None, 2)
        assert detail is not None and detail.group == (
            (4, "Cryoablation of Morton neuroma: a cohort study"),
        )
