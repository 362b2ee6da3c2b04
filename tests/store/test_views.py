"""The views for SQLite's own tools (db/009_views.sql), read the way their users read them
(sqlite-utils), held to the library's own fold of the decision events."""

from __future__ import annotations

import json
from collections import namedtuple

import pytest
import sqlite_utils
from click.testing import CliRunner

from review.cli import cli
from review.imports.load import import_file
from review.records import Record
from review.screening.decisions import (
    conflicts,
    decide,
    resolve,
    save_settings,
    settings,
    stage_units,
    undo_last,
)
from review.screening.model import Reviewer, Settings
from review.screening.state import current_state
from review.store import open_store
from review.store.views import describe_views

Match = namedtuple("Match", "a b score verdict reasons")
TA, FT = "title_abstract", "full_text"
VIEWS = {"primary_records", "current_decisions", "screening_status"}
ANN, BOB, CARL = Reviewer("ann"), Reviewer("bob"), Reviewer("carl")
LEAD, LIZ = Reviewer("lee", "lead"), Reviewer("liz", "lead")


@pytest.fixture
def review(tmp_path):
    """A dual-screened review: an agreement across a duplicate pair, a conflict, a resolved
    conflict, a resolution undone, changed and undone votes, an undo with nothing to undo."""
    path = tmp_path / "review.db"
    with open_store(path) as store:
        store.add_records(
            "t", [(str(i), Record(title=f"Study {i}", raw=str(i))) for i in range(1, 8)]
        )
        store.save_matches([Match(1, 2, 0.99, "duplicate", ())], "review")
        save_settings(store, Settings(dual=True), LEAD)
        decide(store, ANN, 1, TA, "include")
        decide(store, BOB, 2, TA, "include")  # on the duplicate: counts for the primary
        decide(store, ANN, 3, TA, "include")
        decide(store, BOB, 3, TA, "exclude", "Wrong population")
        decide(store, ANN, 4, TA, "include")
        decide(store, BOB, 4, TA, "exclude", "Wrong outcomes")
        resolve(store, LEAD, 4, TA, "include")
        resolve(store, LEAD, 3, TA, "exclude", "Wrong population")
        store.add_decisions(
            [{"record_id": 3, "reviewer": "lee", "stage": TA, "kind": "resolution",
              "decision": "undo"}]
        )  # fmt: skip
        decide(store, ANN, 5, TA, "include")
        decide(store, ANN, 5, TA, "exclude", "Wrong outcomes")
        assert undo_last(store, ANN, TA) == 5  # back to include
        decide(store, ANN, 6, TA, "include")
        assert undo_last(store, ANN, TA) == 6  # nothing left
        store.add_decisions([{"record_id": 7, "reviewer": "carl", "stage": TA, "decision": "undo"}])
        decide(store, CARL, 7, TA, "maybe")  # the earlier undo had nothing to take back
        resolve(store, LEAD, 7, TA, "include")
        resolve(store, LIZ, 7, TA, "exclude", "Wrong population")
        store.add_decisions(
            [{"record_id": 7, "reviewer": "liz", "stage": TA, "kind": "resolution",
              "decision": "undo"}]
        )  # fmt: skip
        decide(store, ANN, 1, FT, "include")
        decide(store, BOB, 1, FT, "exclude", "Wrong outcomes")
        yield store, path


def _rows(path, view, stage=None):
    rows = list(sqlite_utils.Database(path)[view].rows)
    return [r for r in rows if stage is None or r["stage"] == stage]


def _assert_view_agrees(store, path):
    dual = settings(store).dual
    for stage in (TA, FT):
        state = current_state(store, stage)
        rows = {r["record_id"]: r for r in _rows(path, "screening_status", stage)}
        assert set(state.mine) | set(state.resolved) <= set(rows)
        for unit, row in rows.items():
            mine = state.mine.get(unit, {})
            assert json.loads(row["votes"]) == {who: d.decision for who, d in mine.items()}
            assert row["voters"] == len(mine)
            assert row["final"] == state.final(unit, dual), (stage, unit)
            resolved = state.resolved.get(unit)
            assert row["resolution"] == (resolved.decision if resolved else None)
            assert row["resolved_by"] == (resolved.reviewer if resolved else None)
        assert {u for u, r in rows.items() if r["to_screen"]} == set(stage_units(store, stage))
        assert {u for u, r in rows.items() if r["conflict"] and r["to_screen"]} == {
            c.record_id for c in conflicts(store, stage)
        }
        standing = {
            (r["record_id"], r["reviewer"], r["decision"], r["reason"])
            for r in _rows(path, "current_decisions", stage)
            if r["kind"] == "screening"
        }
        assert standing == {
            (unit, who, d.decision, d.reason)
            for unit, decided in state.mine.items()
            for who, d in decided.items()
        }


def test_screening_status_agrees_with_the_library_under_dual_screening(review):
    store, path = review
    _assert_view_agrees(store, path)
    status = {r["record_id"]: r for r in _rows(path, "screening_status", TA)}
    assert 2 not in status  # a duplicate: its vote counts for record 1
    assert status[1]["final"] == "include" and status[1]["voters"] == 2
    assert status[3]["final"] == "conflict" and status[3]["conflict"] == 1  # resolution undone
    assert status[4]["final"] == "include" and status[4]["resolved_by"] == "lee"
    assert status[4]["conflict"] == 0
    assert json.loads(status[5]["votes"]) == {"ann": "include"} and status[5]["final"] is None
    assert json.loads(status[6]["votes"]) == {}
    assert json.loads(status[7]["votes"]) == {"carl": "maybe"}
    # The library settles a record's resolution from the last lead to act on it: liz undid
    # hers, so none stands, though lee's was never withdrawn.
    assert status[7]["resolution"] is None and status[7]["final"] is None
    full_text = {r["record_id"]: r for r in _rows(path, "screening_status", FT)}
    assert full_text[1]["to_screen"] == 1 and full_text[1]["final"] == "conflict"
    assert full_text[3]["to_screen"] == 0  # in conflict at title/abstract


def test_screening_status_agrees_with_the_library_under_single_screening(review):
    store, path = review
    save_settings(store, Settings(dual=False), LEAD)
    decide(store, CARL, 3, TA, "maybe")
    _assert_view_agrees(store, path)
    status = {r["record_id"]: r for r in _rows(path, "screening_status", TA)}
    assert status[3]["final"] == "maybe"  # the latest standing vote, whoever made it
    assert status[7]["final"] == "maybe"


def test_current_decisions_leave_out_undone_ones_and_keep_resolutions(review):
    _, path = review
    rows = _rows(path, "current_decisions", TA)
    assert not [r for r in rows if r["record_id"] == 6]
    assert [r["decision"] for r in rows if r["record_id"] == 5] == ["include"]
    resolutions = [(r["record_id"], r["decision"]) for r in rows if r["kind"] == "resolution"]
    assert sorted(resolutions) == [(4, "include"), (7, "include")]  # lee's, on 7 too
    assert {r["decided_on"] for r in rows if r["record_id"] == 1} == {1, 2}


def test_primary_records_name_their_origin_and_group(review):
    store, path = review
    rows = {r["id"]: r for r in _rows(path, "primary_records")}
    assert set(rows) == {1, 3, 4, 5, 6, 7}
    assert rows[1]["group_size"] == 2 and rows[3]["group_size"] == 1
    assert rows[1]["origin_name"] == "t" and rows[1]["queued"] == 1


def test_an_imported_record_shows_its_file_name(tmp_path):
    ris = tmp_path / "embase_export.ris"
    ris.write_text(
        "TY  - JOUR\nTI  - Cryoablation of renal tumours\nAU  - Smith, John\nPY  - 2019\nER  - \n",
        encoding="utf-8",
    )
    with open_store(tmp_path / "review.db") as store:
        import_file(store, ris, actor="ann")
    (row,) = _rows(tmp_path / "review.db", "primary_records")
    assert row["origin_name"] == "embase_export.ris"
    assert row["files"] == "embase_export.ris"
    assert row["origin"].startswith("import:")


def test_views_exist_and_are_empty_on_an_empty_review(tmp_path):
    path = tmp_path / "review.db"
    open_store(path).close()
    db = sqlite_utils.Database(path)
    assert set(db.view_names()) >= VIEWS
    for view in VIEWS:
        assert list(db[view].rows) == []
    assert {"record_id", "stage", "votes", "final", "conflict"} <= set(
        db["screening_status"].columns_dict
    )


def test_the_views_are_described_for_the_command_line(tmp_path):
    path = tmp_path / "review.db"
    open_store(path).close()
    described = {v.name: v for v in describe_views(path)}
    assert set(described) == VIEWS
    assert described["screening_status"].columns[:2] == ("record_id", "stage")
    assert all(v.about for v in described.values())
    result = CliRunner().invoke(cli, ["views", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert {v["name"] for v in json.loads(result.output)} == VIEWS
