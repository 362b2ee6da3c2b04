"""Every write lands on the entity its page drew (issue 10, part 1), checked with AppTest.

Each test draws a page, lets "someone else" change the review through the library (as another
session would between the drawing and the click), then clicks: the write must go to what was
drawn, or be refused with a message, never land on whatever the page would show by then.
What was stored is read back with the library.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from review.errors import TargetChanged
from review.extraction.model import Protocol, SafetyFinding
from review.extraction.protocol import current_protocol, save_protocol
from review.extraction.studies import (
    link_records,
    list_studies,
    save_findings,
    set_key_order,
    set_role,
    study,
)
from review.records import AbstractSection, Record
from review.screening.decisions import conflicts, decide, resolve, save_settings, settings
from review.screening.model import Reviewer, Settings
from review.screening.state import current_state
from review.store import open_store
from tests.extraction.ipg747 import build_review

TIMEOUT = 30
TA, FT = "title_abstract", "full_text"
LEAD = Reviewer("lee", "lead")
KIM = Reviewer("kim", "lead")
Match = namedtuple("Match", "a b score verdict reasons")


def _app(name: str) -> AppTest:
    """An AppTest of one page function, e.g. "duplicates.page"."""
    module, function = name.split(".")
    return AppTest.from_string(
        f"from review.ui import {module}\n{module}.{function}()\n", default_timeout=TIMEOUT
    )


def _run(name: str, **state) -> AppTest:
    at = _app(name)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


# -- Possible duplicates ---------------------------------------------------------------------------


@pytest.fixture
def records_db(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    with open_store(path) as store:
        store.add_records(
            "t",
            [
                (str(i), Record(title=f"Cryoablation study {i}",
                                abstract_sections=(AbstractSection("Pain fell."),), raw=str(i)))
                for i in range(1, 5)
            ],
        )  # fmt: skip
    monkeypatch.setenv("REVIEW_DB", str(path))
    return path


def _status(db) -> dict[tuple[int, int], tuple[str, str | None]]:
    with open_store(db) as store:
        return {(p.a, p.b): (p.status, p.decided_by) for p in store.pairs()}


@pytest.mark.parametrize("button", ["dup_merge", "dup_apart"])
def test_a_duplicate_decision_is_for_the_pair_shown_not_the_next_one(records_db, button):
    with open_store(records_db) as store:
        store.save_matches(
            [Match(1, 2, 0.9, "possible", ("title",)), Match(3, 4, 0.8, "possible", ("title",))],
            "review",
        )
    at = _run("duplicates.page", reviewer_name="ann")
    assert at.subheader[0].value == "Record 1 and record 2"
    with open_store(records_db) as store:  # bob keeps the shown pair apart meanwhile
        store.decide_pair(1, 2, "reject", "bob")
    at.button(key=button).click().run(timeout=TIMEOUT)
    assert not at.exception
    assert _status(records_db) == {(1, 2): ("rejected", "bob"), (3, 4): ("pending", None)}
    [message] = _errors(at)
    assert "Records 1 and 2 are no longer pending: bob made them rejected" in message
    assert at.subheader[0].value == "Record 3 and record 4"  # the next pair, not decided


def test_undoing_a_merge_someone_already_undid_is_refused(records_db):
    with open_store(records_db) as store:
        store.save_matches([Match(1, 2, 0.99, "duplicate", ("doi",))], "review")
    at = _run("duplicates.page", reviewer_name="ann")
    with open_store(records_db) as store:
        store.decide_pair(1, 2, "undo", "bob")
        store.decide_pair(1, 2, "confirm", "bob")  # and merges it again: ann's undo is stale
    at.button(key="undo_1_2").click().run(timeout=TIMEOUT)
    assert _status(records_db) == {(1, 2): ("confirmed", "bob")}
    assert "no longer merged" in _errors(at)[0]


def test_the_store_refuses_a_pair_decision_made_on_a_stale_status(records_db):
    with open_store(records_db) as store:
        store.save_matches([Match(1, 2, 0.9, "possible", ())], "review")
        store.decide_pair(1, 2, "confirm", "bob", expect="pending")
        with pytest.raises(TargetChanged, match="bob made them confirmed"):
            store.decide_pair(2, 1, "reject", "ann", expect="pending")
        assert store.pairs()[0].status == "confirmed"


# -- Conflicts -------------------------------------------------------------------------------------


@pytest.fixture
def conflicted(records_db):
    with open_store(records_db) as store:
        reasons = ("Wrong population", "Wrong outcomes")
        save_settings(store, Settings(dual=True, exclusion_reasons=reasons), LEAD)
        for record_id in (1, 2):
            decide(store, Reviewer("ann"), record_id, TA, "include")
            decide(store, Reviewer("bob"), record_id, TA, "exclude", "Wrong outcomes")
    return records_db


def test_a_conflict_another_lead_resolved_meanwhile_is_not_resolved_again(conflicted):
    at = _run("conflicts.page")  # a review without accounts: its one person leads
    with open_store(conflicted) as store:
        resolve(store, Reviewer("kim", "lead"), 1, TA, "include")
    at.button(key="resolve_title_abstract_1_exclude").click().run(timeout=TIMEOUT)
    assert not at.exception
    assert "Record 1 (title/abstract) is not the conflict you saw" in _errors(at)[0]
    with open_store(conflicted) as store:
        assert current_state(store, TA).final(1, True) == "include"  # kim's stands
        assert [c.record_id for c in conflicts(store, TA)] == [2]


def test_a_conflict_whose_votes_changed_meanwhile_is_not_resolved(conflicted):
    at = _run("conflicts.page")
    with open_store(conflicted) as store:
        # Votes are final once both are in; an imported decisions file can still change one.
        store.add_decisions(
            [{"record_id": 1, "reviewer": "bob", "stage": TA, "decision": "maybe"}]
        )  # still a conflict, but not the one shown
    at.button(key="resolve_title_abstract_1_include").click().run(timeout=TIMEOUT)
    assert "a reviewer changed their vote" in _errors(at)[0]
    with open_store(conflicted) as store:
        assert {c.record_id for c in conflicts(store, TA)} == {1, 2}


def test_the_reason_of_a_resolution_is_that_records_own(conflicted):
    at = _run("conflicts.page")
    at.selectbox(key="resolve_reason_title_abstract_1").set_value("Wrong population")
    at.selectbox(key="resolve_reason_title_abstract_2").set_value("Wrong outcomes")
    at.button(key="resolve_title_abstract_2_exclude").click().run(timeout=TIMEOUT)
    assert not at.error
    with open_store(conflicted) as store:
        state = current_state(store, TA)
        assert state.final(2, True) == "exclude"
        assert [c.record_id for c in conflicts(store, TA)] == [1]
        assert (state.resolved[2].decision, state.resolved[2].reason) == (
            "exclude",
            "Wrong outcomes",
        )


# -- Extraction, Studies, Protocol -----------------------------------------------------------------


@pytest.fixture
def ipg(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    build_review(path)
    monkeypatch.setenv("REVIEW_DB", str(path))
    return path


def _safety(db) -> dict[int, list[str]]:
    with open_store(db) as store:
        return {s.id: [f.event for f in s.safety] for s in list_studies(store) if s.safety}


def _add_pain(at, study_id: int) -> None:
    at.selectbox(key=f"extraction_add_event_{study_id}").set_value("Pain")
    at.number_input(key=f"extraction_add_n_{study_id}").set_value(2)
    at.number_input(key=f"extraction_add_N_{study_id}").set_value(20)
    at.button(key=f"extraction_add_{study_id}").click().run(timeout=TIMEOUT)
    assert not at.exception, at.exception


def test_the_extraction_selector_follows_a_link_and_survives_a_rename(ipg):
    at = _app("extraction.page")
    at.query_params["study"] = "3"
    at.run(timeout=TIMEOUT)
    assert at.selectbox(key="extraction_study").value == 3
    at.text_input(key="extraction_3_label").set_value("Renamed 2022")
    at.button(key="extraction_save_details_3").click().run(timeout=TIMEOUT)
    assert at.selectbox(key="extraction_study").value == 3
    assert at.selectbox(key="extraction_study").options[2] == "Study 3: Renamed 2022 (undecided)"
    _add_pain(at, 3)
    assert at.selectbox(key="extraction_study").value == 3
    assert _safety(ipg) == {3: ["Pain"]}
    at.selectbox(key="extraction_study").set_value(5).run(timeout=TIMEOUT)  # a new choice
    assert at.query_params["study"] == ["5"] or at.query_params["study"] == "5"
    assert "Study 5 · undecided" in at.html[0].value


def test_a_safety_finding_for_a_study_merged_away_meanwhile_is_refused(ipg):
    at = _app("extraction.page")
    at.query_params["study"] = "2"
    at.run(timeout=TIMEOUT)
    with open_store(ipg) as store:  # study 2's record is linked into study 1: study 2 is gone
        link_records(store, 1, [2], KIM)
        assert 2 not in [s.id for s in list_studies(store)]
    _add_pain(at, 2)
    assert "There is no study 2" in _errors(at)[0]
    assert _safety(ipg) == {}  # nothing landed on study 1 (now shown) or anywhere
    assert at.selectbox(key="extraction_study").value == 1


def test_a_safety_finding_over_findings_changed_meanwhile_is_refused(ipg):
    at = _run("extraction.page")
    with open_store(ipg) as store:
        save_findings(store, 1, KIM, safety=[SafetyFinding("Bleeding", note="one case")])
    _add_pain(at, 1)  # "saved with the table above as it stands": kim's row is not in it
    assert "its safety findings were changed by someone else" in _errors(at)[0]
    assert _safety(ipg) == {1: ["Bleeding"]}
    _add_pain(at, 1)  # the table is drawn again on the current rows: now it saves
    assert _safety(ipg) == {1: ["Bleeding", "Pain"]}


def test_the_library_refuses_findings_edited_on_other_rows(ipg):
    with open_store(ipg) as store:
        save_findings(store, 1, KIM, safety=[SafetyFinding("Bleeding", note="x")])
        with pytest.raises(TargetChanged, match="Study 1 .*safety findings were changed"):
            save_findings(store, 1, Reviewer("ann", "reviewer"), safety=[], safety_was=())
        assert [f.event for f in study(store, 1).safety] == ["Bleeding"]


def test_linking_into_a_study_renamed_meanwhile_links_into_that_study(ipg):
    at = _run("studies.page")
    at.selectbox(key="studies_link_target").set_value(3).run(timeout=TIMEOUT)
    at.multiselect(key="studies_link_records").set_value([4]).run(timeout=TIMEOUT)
    with open_store(ipg) as store:
        from review.extraction.studies import save_details

        save_details(store, 3, study(store, 3).details, KIM, label="Renamed")
    at.run(timeout=TIMEOUT)  # any rerun: the picker keeps study 3 under its new label
    assert at.selectbox(key="studies_link_target").value == 3
    at.button(key="studies_link").click().run(timeout=TIMEOUT)
    assert not at.error
    with open_store(ipg) as store:
        assert [r.record_id for r in study(store, 3).records] == [3, 4]


def test_linking_records_moved_meanwhile_is_refused(ipg):
    at = _run("studies.page")
    at.selectbox(key="studies_link_target").set_value(1).run(timeout=TIMEOUT)
    at.multiselect(key="studies_link_records").set_value([3]).run(timeout=TIMEOUT)
    with open_store(ipg) as store:
        link_records(store, 2, [3], KIM)  # record 3 now reports study 2
    at.button(key="studies_link").click().run(timeout=TIMEOUT)
    assert "Record(s) 3 moved to another study" in _errors(at)[0]
    with open_store(ipg) as store:
        assert [r.record_id for r in study(store, 2).records] == [2, 3]
        assert [r.record_id for r in study(store, 1).records] == [1]


def test_splitting_a_record_moved_meanwhile_is_refused(ipg):
    with open_store(ipg) as store:
        link_records(store, 1, [2], LEAD)
    at = _run("studies.page")
    with open_store(ipg) as store:
        link_records(store, 3, [2], KIM)  # record 2 moves on to study 3
    at.button(key="studies_split_2").click().run(timeout=TIMEOUT)
    assert "Record 2 is no longer in study 1" in _errors(at)[0]
    with open_store(ipg) as store:
        assert [r.record_id for r in study(store, 3).records] == [3, 2]


def test_moving_a_key_study_in_an_order_changed_meanwhile_is_refused(ipg):
    with open_store(ipg) as store:
        for study_id in (1, 2, 3):
            set_role(store, study_id, "key", LEAD)
    at = _run("studies.page")
    with open_store(ipg) as store:
        set_key_order(store, [3, 1, 2], KIM)
    at.button(key="studies_down_1").click().run(timeout=TIMEOUT)
    assert "The key studies or their order changed" in _errors(at)[0]
    with open_store(ipg) as store:
        assert [s.id for s in list_studies(store) if s.role == "key"] == [3, 1, 2]


def test_an_appendix_entry_for_a_study_made_key_meanwhile_is_refused(ipg):
    with open_store(ipg) as store:
        set_role(store, 4, "appendix", LEAD)
    at = _run("studies.page")
    with open_store(ipg) as store:
        set_role(store, 4, "key", KIM)
    at.text_input(key="studies_direction_4").set_value("Favourable")
    at.button(key="studies_save_appendix_4").click().run(timeout=TIMEOUT)
    assert "Study 4 is no longer an appendix study" in _errors(at)[0]
    with open_store(ipg) as store:
        assert study(store, 4).role == "key"


def test_a_protocol_saved_by_another_lead_meanwhile_is_not_overwritten(ipg):
    at = _run("protocol.page")
    with open_store(ipg) as store:
        theirs = Protocol(
            title="Kim's protocol", appendix_reasons=current_protocol(store).appendix_reasons
        )
        save_protocol(store, theirs, Reviewer("kim", "lead"))
    at.text_input(key="protocol_title_0").set_value("My title")
    at.button(key="protocol_save").click().run(timeout=TIMEOUT)
    assert "changed by someone else since this form was drawn" in _errors(at)[0]
    with open_store(ipg) as store:
        assert current_protocol(store).title == "Kim's protocol"
    assert at.text_input(key="protocol_title_1").value == "Kim's protocol"  # drawn afresh
    at.text_input(key="protocol_title_1").set_value("My title")
    at.button(key="protocol_save").click().run(timeout=TIMEOUT)
    with open_store(ipg) as store:
        assert current_protocol(store).title == "My title"


def test_settings_saved_by_another_lead_meanwhile_are_not_overwritten(ipg):
    """The Protocol page saves the screening settings too: a form drawn before another lead
    turned on dual screening must not turn it off again with its stale checkbox."""
    at = _run("protocol.page")
    assert at.checkbox(key="protocol_dual_0").value is False
    with open_store(ipg) as store:
        save_settings(store, replace(settings(store), dual=True), KIM)
    at.text_input(key="protocol_title_0").set_value("My title")
    at.button(key="protocol_save").click().run(timeout=TIMEOUT)
    assert "changed by someone else since this form was drawn" in _errors(at)[0]
    with open_store(ipg) as store:
        assert settings(store).dual
    assert at.checkbox(key="protocol_dual_1").value is True  # drawn afresh


# -- Full text: the decision is for the record on screen -------------------------------------------


def test_a_full_text_decision_goes_to_the_record_shown(records_db):
    with open_store(records_db) as store:
        for record_id in (1, 2, 3):
            decide(store, Reviewer("reviewer"), record_id, TA, "include")
    at = _run("screen.full_text_page")
    shown = at.session_state["screen_current_full_text"]
    with open_store(records_db) as store:  # someone else decides the record shown meanwhile
        decide(store, KIM, shown, FT, "exclude", "Wrong outcomes")
    at.button(key="full_text_include").click().run(timeout=TIMEOUT)
    with open_store(records_db) as store:
        state = current_state(store, FT)
        assert state.of(shown, "reviewer").decision == "include"
        others = [r for r in (1, 2, 3) if r != shown]
        assert all(state.of(r, "reviewer") is None for r in others)
