"""Studies: made from included records, linked, ordered, filled in, and their history kept."""

from __future__ import annotations

from dataclasses import replace

import pytest

from review.errors import ExtractionError
from review.extraction.model import (
    AppendixEntry,
    EfficacyFinding,
    SafetyFinding,
    Study,
    StudyDetails,
)
from review.extraction.protocol import current_protocol, read_protocol
from review.extraction.studies import (
    check_details,
    check_efficacy,
    check_safety,
    link_records,
    list_studies,
    save_details,
    save_findings,
    set_key_order,
    set_role,
    split_record,
    study,
    suggest_order,
    sync_studies,
)
from review.imports.load import import_file
from review.screening.decisions import decide, stage_units
from review.screening.model import Reviewer
from review.store import open_store
from tests.extraction.ipg747 import (
    PROTOCOL,
    RIS,
    STUDY1,
    STUDY1_SAFETY,
    STUDY2_PAIN,
    build_review,
)

ASSISTANT = Reviewer("assistant", "reviewer")
LEAD = Reviewer("lead", "lead")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "review.db"
    build_review(path)
    return path


def records(s: Study) -> list[int]:
    return [r.record_id for r in s.records]


def test_sync_gives_each_included_record_a_study_once(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        import_file(store, RIS, source="MEDLINE", actor="lead")
        units = stage_units(store, "title_abstract")
        for record_id in units:
            decide(store, Reviewer("lead"), record_id, "title_abstract", "include")
        for record_id in units[:3]:
            decide(store, Reviewer("lead"), record_id, "full_text", "include")
        decide(store, Reviewer("lead"), units[3], "full_text", "exclude", "Wrong population")
        assert sync_studies(store, LEAD) == 3
        assert sync_studies(store, LEAD) == 0  # nothing new
        decide(store, Reviewer("lead"), units[4], "full_text", "include")
        assert sync_studies(store, LEAD) == 1
        found = list_studies(store)
    assert sorted(r for s in found for r in records(s)) == sorted([*units[:3], units[4]])
    first = next(s for s in found if records(s) == [units[0]])
    assert first.label == "Cazzato 2016" and first.first_author == "Cazzato RL"
    assert first.heading_name == "Cazzato RL (2016)" and first.year == 2016
    assert first.records[0].citation.startswith("Cazzato RL, Garnon J, Ramamurthy N et al. (2016)")


def test_link_merges_a_follow_up_paper_into_the_trials_study(db):
    with open_store(db) as store:
        link_records(store, 1, [6], LEAD)
        by_id = {s.id: s for s in list_studies(store)}
        assert records(by_id[1]) == [1, 6] and 6 not in by_id  # the emptied study went
        assert by_id[1].main_record.record_id == 1
        link_records(store, 1, [7], LEAD, main=7)
        one = study(store, 1)
        assert records(one) == [7, 1, 6] and one.main_record.record_id == 7  # main first
        assert one.year == 2019  # the cited record's
        actions = [(e.study_id, e.action) for e in store.extraction_event_rows()]
    assert (6, "delete") in actions and (1, "link") in actions


def test_link_refuses_to_orphan_a_study_with_extracted_data(db):
    with open_store(db) as store:
        save_findings(store, 6, LEAD, safety=STUDY1_SAFETY)
        save_details(store, 7, StudyDetails(country="Germany"), LEAD)
        before = list_studies(store)
        with pytest.raises(ExtractionError, match=r"Study 6 \(Example 2021\) has extracted"):
            link_records(store, 1, [6], LEAD)
        with pytest.raises(ExtractionError, match=r"Study 7 \(Example 2019\) has extracted"):
            link_records(store, 1, [7], LEAD)
        assert list_studies(store) == before
        with pytest.raises(ExtractionError, match="no study 99"):
            link_records(store, 99, [1], LEAD)


def test_a_study_keeping_other_records_may_give_one_away(db):
    with open_store(db) as store:
        link_records(store, 2, [6], LEAD)
        save_findings(store, 2, LEAD, efficacy=STUDY2_PAIN)
        link_records(store, 1, [6], LEAD)  # study 2 keeps record 2 and its findings
        by_id = {s.id: s for s in list_studies(store)}
    assert records(by_id[1]) == [1, 6] and records(by_id[2]) == [2]
    assert len(by_id[2].efficacy) == len(STUDY2_PAIN)


def test_split_takes_a_record_into_a_study_of_its_own(db):
    with open_store(db) as store:
        link_records(store, 1, [6, 7], LEAD)
        new = split_record(store, 6, LEAD)
        by_id = {s.id: s for s in list_studies(store)}
        assert records(by_id[1]) == [1, 7] and records(by_id[new]) == [6]
        assert by_id[new].label == "Example 2021"
        before = list_studies(store)
        with pytest.raises(ExtractionError, match="only record of study"):
            split_record(store, 6, LEAD)  # it would leave an empty study behind
        with pytest.raises(ExtractionError, match="no record 999"):
            split_record(store, 999, LEAD)
        assert list_studies(store) == before


def test_roles_and_the_order_of_key_studies(db):
    with open_store(db) as store:
        for study_id in (3, 1, 2):
            set_role(store, study_id, "key", LEAD)
        assert [(s.id, s.position) for s in list_studies(store)][:3] == [(3, 1), (1, 2), (2, 3)]
        set_role(store, 1, "key", LEAD)  # saying it again keeps its place
        assert study(store, 1).position == 2
        entry = AppendixEntry("n=12, 6 months", "Favourable", "Case report")
        set_role(store, 6, "appendix", LEAD, entry)
        six = study(store, 6)
        assert (six.role, six.position, six.appendix) == ("appendix", None, entry)
        set_key_order(store, [2, 3, 1], LEAD)
        order = [s.id for s in list_studies(store)]
        assert order[:3] == [2, 3, 1] and order[-1] == 6  # key, undecided, then appendix
        with pytest.raises(ExtractionError, match="every key study exactly once"):
            set_key_order(store, [2, 3], LEAD)
        with pytest.raises(ExtractionError, match="Unknown study role 'main'"):
            set_role(store, 4, "main", LEAD)
        with pytest.raises(ExtractionError, match="no study 99"):
            set_role(store, 99, "key", LEAD)
        set_role(store, 3, "undecided", LEAD)
        assert study(store, 3).position is None


def test_suggest_order_follows_nice_design_size_follow_up_recency():
    def s(id_, design="", patients=None, months=None, year=None):
        details = StudyDetails(design=design, patients=patients, follow_up_months=months)
        return Study(id_, f"S{id_}", details=details, year=year)

    candidates = [
        s(1, "case series", 20, 12, 2016),
        s(2, "case report", 1, 60, 2023),
        s(3, "case series", 20, 24, 2010),
        s(4, "randomised controlled trial", 10, 6, 2001),
        s(5, "case series", 22, 1, 2000),
        s(6, "", 500, 60, 2024),  # unknown design goes last
        s(7, "case series", 20, 12, 2020),
        s(8, "non-randomised comparative study", None, None, None),
    ]
    assert [x.id for x in suggest_order(candidates)] == [4, 8, 5, 3, 7, 1, 2, 6]


def test_details_are_checked_and_saved(db):
    assert check_details(STUDY1) == []
    bad = replace(STUDY1, design="cohort", analysed=25, follow_up_months=-1.0, patients=20)
    problems = check_details(bad)
    assert any(p.startswith("design 'cohort' is not one of") for p in problems)
    assert "25 analysed is more than the 20 patients enrolled" in problems
    assert "follow_up_months cannot be negative" in problems
    assert check_details(StudyDetails(lost_to_follow_up=-2)) == [
        "lost_to_follow_up must be a whole number of patients, not -2"
    ]
    with open_store(db) as store:
        with pytest.raises(ExtractionError, match="Study 1: design 'cohort'.*Nothing was saved"):
            save_details(store, 1, bad, LEAD)
        with pytest.raises(ExtractionError, match="no study 99"):
            save_details(store, 99, STUDY1, LEAD)
        assert study(store, 1).details == StudyDetails()
        save_details(store, 1, STUDY1, LEAD, label="Cazzato 2016 (Morton)")
        one = study(store, 1)
    assert one.details == STUDY1 and one.label == "Cazzato 2016 (Morton)"
    assert one.details.analysis.splitlines()[0] == (
        "Follow-up issues: Follow-up was by telephone for some patients."
    )


def test_efficacy_checks_name_the_field():
    p = read_protocol(PROTOCOL)
    assert [check_efficacy(f, p) for f in STUDY2_PAIN] == [[]] * len(STUDY2_PAIN)
    cases = {
        EfficacyFinding("", "", "", value="1"): ["outcome is empty", "measure is empty",
                                                  "timepoint is empty"],
        EfficacyFinding("Happiness", "m", "t", value="1"): ["outcome 'Happiness' is not a key "
            "efficacy outcome (Improved quality of life, Improved mobility, Reduction in pain)"],
        EfficacyFinding("Pain", "m", "t", value="1"): ["outcome 'Pain' is not a key efficacy "
            "outcome (Improved quality of life, Improved mobility, Reduction in pain)"],
        EfficacyFinding("Reduction in pain", "m", "t", value="abc"): [
            "value 'abc' is not a number (write 6.2, 75%, <1 or not reported)"],
        EfficacyFinding("Reduction in pain", "m", "t", value="1", spread="5 to 7"): [
            "spread_kind is empty: say whether the spread is an SD, CI, range ..."],
        EfficacyFinding("Reduction in pain", "m", "t", value="1", spread_kind="SD",
                        spread="wide"): [
            "spread 'wide' is not a number or a range (write 1.4 or 5.2 to 7.3)"],
        EfficacyFinding("Reduction in pain", "m", "t", value="1", p_value="p<.05"): [
            "p_value 'p<.05' is not a p-value (write 0.03, <0.0001 or NS)"],
        EfficacyFinding("Reduction in pain", "m", "t", n=5, total=3): ["n (5) is more than N (3)"],
        EfficacyFinding("Reduction in pain", "m", "t"): ["there is no value, n/N or note"],
    }  # fmt: skip
    for finding, expected in cases.items():
        assert check_efficacy(finding, p) == expected, finding


def test_safety_checks_name_the_field():
    assert [check_safety(f) for f in STUDY1_SAFETY] == [[], []]
    assert check_safety(SafetyFinding("", n=1, total=2, unit="eye")) == [
        "event is empty",
        "unit 'eye' is not one of patient, lesion, procedure",
    ]
    assert check_safety(SafetyFinding("Pain", n=3, total=2)) == ["n (3) is more than N (2)"]
    assert check_safety(SafetyFinding("Pain")) == [
        "give n (with N) or a note such as 'no major complications'"
    ]


def test_findings_are_saved_whole_or_not_at_all(db):
    with open_store(db) as store:
        lower = [replace(STUDY2_PAIN[0], outcome="reduction in PAIN "), *STUDY2_PAIN[1:]]
        save_findings(store, 2, LEAD, efficacy=lower)
        two = study(store, 2)
        assert two.efficacy == tuple(STUDY2_PAIN)  # the protocol's spelling
        bad = [*STUDY2_PAIN, replace(STUDY2_PAIN[0], value="six"), STUDY2_PAIN[1]]
        with pytest.raises(ExtractionError) as caught:
            save_findings(store, 2, LEAD, efficacy=bad, safety=STUDY1_SAFETY)
        message = str(caught.value)
        assert "efficacy row 5: value 'six' is not a number" in message
        assert (
            "efficacy row 6: Reduction in pain / Mean pain score (VAS 0 to 10) / 7 days twice"
            in (message)
        )
        assert message.endswith("Nothing was saved.")
        assert study(store, 2) == two
        with pytest.raises(ExtractionError, match="no study 99"):
            save_findings(store, 99, LEAD, safety=STUDY1_SAFETY)
        assert current_protocol(store).outcome("reduction in pain").name == "Reduction in pain"


def test_the_history_keeps_every_save(db):
    first = replace(STUDY1, country="Frnace")
    with open_store(db) as store:
        save_details(store, 1, first, ASSISTANT)
        save_details(store, 1, STUDY1, LEAD)
        save_findings(store, 1, LEAD, safety=STUDY1_SAFETY, source="cli")
        save_findings(store, 1, LEAD, safety=[])
        events = store.extraction_event_rows(1)
    saves = [e for e in events if e.action == "save"]
    assert [e.actor for e in saves] == ["assistant", "lead", "lead", "lead"]
    assert saves[0].detail["fields"]["details"]["country"] == "Frnace"
    assert saves[1].detail["fields"]["details"]["country"] == "France"
    assert [e.source for e in saves] == ["app", "app", "cli", "app"]
    assert [s["event"] for s in saves[2].detail["safety"]] == [f.event for f in STUDY1_SAFETY]
    assert saves[3].detail["safety"] == []
    assert events[0].action == "create"  # from sync_studies, with its record
    assert events[0].detail["record_ids"] == [1]


def test_not_reported_is_a_value_distinct_from_blank(tmp_path):
    """A paper that gives no number at a time point: "not reported" (or NR) is saved as that
    answer, while a blank row is still refused as having no value."""
    from review.extraction.model import NOT_REPORTED, EfficacyFinding
    from review.extraction.studies import save_findings, study

    db = tmp_path / "review.db"
    build_review(db)
    lead = Reviewer("lead", "lead")
    pain = "Reduction in pain"
    with open_store(db) as store:
        save_findings(store, 1, lead, efficacy=[
            EfficacyFinding(pain, "Mean VAS", "Baseline", value="NR"),
            EfficacyFinding(pain, "Mean VAS", "45 days", value="2.3", p_value="Not reported"),
        ])  # fmt: skip
        saved = study(store, 1).efficacy
        assert [(f.value, f.p_value) for f in saved] == [(NOT_REPORTED, ""), ("2.3", NOT_REPORTED)]
        assert saved[0].cell == NOT_REPORTED
        with pytest.raises(ExtractionError, match="there is no value"):
            save_findings(store, 1, lead, efficacy=[EfficacyFinding(pain, "Mean VAS", "Baseline")])
