"""The Studies, Extraction, Report and Protocol pages with AppTest, on a real IPG747 review file.

What a page stores is read back with the library, never from the page.
"""

from __future__ import annotations

from dataclasses import fields, replace

import pytest
from streamlit.testing.v1 import AppTest

from review.extraction.model import ANALYSIS_PARTS, DETAIL_ROWS, StudyDetails
from review.extraction.protocol import current_protocol, protocol_toml
from review.extraction.studies import list_studies, save_findings, set_role, study
from review.records import Record
from review.report.summary import summaries
from review.screening.decisions import decide
from review.screening.model import Reviewer
from review.screening.reviewers import Session, add_reviewer
from review.store import open_store
from review.ui.router import _pages
from review.ui.state import SESSION
from tests.extraction.ipg747 import STUDY1, STUDY1_SAFETY, STUDY2_PAIN, build_review

LEAD = Reviewer("lead", "lead")

HOSTILE = '<script>alert("x")</script> **bold** [link](http://example.org)'
TIMEOUT = 30


@pytest.fixture
def review_db(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    build_review(path)
    monkeypatch.setenv("REVIEW_DB", str(path))
    return path


def _studies_page():
    from review.ui import studies

    studies.page()


def _extraction_page():
    from review.ui import extraction

    extraction.page()


def _report_page():
    from review.ui import report

    report.page()


def _protocol_page():
    from review.ui import protocol

    protocol.page()


def _run(page, reviewer: Reviewer | None = None) -> AppTest:
    at = AppTest.from_function(page)
    if reviewer is not None:
        at.session_state[SESSION] = Session(reviewer.name, 0)  # a new account's version
    at.run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    return at


def _label(db, study_id: int) -> str:
    with open_store(db) as store:
        return study(store, study_id).label


@pytest.mark.parametrize(
    ("page", "title"),
    [
        (_studies_page, "Studies"),
        (_extraction_page, "Extraction"),
        (_report_page, "Report"),
        (_protocol_page, "Protocol"),
    ],
)
def test_every_new_page_runs_on_a_real_review(review_db, page, title):
    at = _run(page)
    assert at.title[0].value == title
    assert not at.error


def test_the_pages_are_registered_in_order_and_protocol_is_for_leads():
    titles = [title for _, title, _ in _pages(Reviewer("lee", "lead"))]
    assert titles[titles.index("Records") :] == [
        "Records",
        "Studies",
        "Extraction",
        "Report",
        "Sources",
        "Protocol",
    ]  # fmt: skip (no Settings page: the Protocol page holds the settings)
    paths = [path for _, _, path in _pages(Reviewer("ann", "reviewer"))]
    assert {"studies", "extraction"} <= set(paths)
    assert not {"conflicts", "duplicates", "report", "sources", "protocol"} & set(paths)
    assert "settings" not in [path for _, _, path in _pages(Reviewer("lee", "lead"))]


def test_the_app_opens_with_the_new_pages(review_db):
    at = AppTest.from_file("../../app.py").run(timeout=TIMEOUT)
    assert not at.exception
    assert at.title[0].value == "Overview"


def test_saving_study_details_through_the_form_stores_them(review_db):
    at = _run(_extraction_page)
    assert at.selectbox(key="extraction_study").value == 1
    for name, _ in (*DETAIL_ROWS, *ANALYSIS_PARTS):
        if name != "analysis":
            at.text_area(key=f"extraction_1_{name}").set_value(getattr(STUDY1, name))
    at.selectbox(key="extraction_1_design").set_value(STUDY1.design)
    at.selectbox(key="extraction_1_retrospective").set_value("Retrospective")
    for name in ("patients", "analysed", "follow_up_months"):
        at.number_input(key=f"extraction_1_{name}").set_value(getattr(STUDY1, name))
    at.text_input(key="extraction_1_population_label").set_value(STUDY1.population_label)
    at.button(key="extraction_save_details_1").click().run(timeout=TIMEOUT)
    assert not at.exception
    assert [s.value for s in at.success] == ["Study details saved."]
    with open_store(review_db) as store:
        saved = study(store, 1).details
    for f in fields(StudyDetails):
        assert getattr(saved, f.name) == getattr(STUDY1, f.name), f.name
    assert at.text_area(key="extraction_1_country").value == "France"  # shown again after save


def test_an_invalid_efficacy_value_is_named_and_nothing_is_stored(review_db):
    at = _run(_extraction_page)
    at.session_state["extraction_efficacy_1_0"] = {
        "edited_rows": {},
        "added_rows": [
            {"outcome": "Reduction in pain", "measure": "Mean pain score", "timepoint": "Baseline",
             "value": "6.20", "spread_kind": "95% CI", "spread": "5.2 to 7.3"},
            {"outcome": "Reduction in pain", "measure": "Mean pain score", "timepoint": "45 days",
             "value": "about two", "p_value": "<0.0001"},
        ],
        "deleted_rows": [],
    }  # fmt: skip
    at.button(key="extraction_save_efficacy_1").click().run(timeout=TIMEOUT)
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "efficacy row 2" in error and "'about two' is not a number" in error
    with open_store(review_db) as store:
        assert study(store, 1).efficacy == ()

    # Fixed, the same table saves, and "6.20" stays "6.20".
    at.session_state["extraction_efficacy_1_0"] = {
        "edited_rows": {},
        "added_rows": [
            {"outcome": "Reduction in pain", "measure": "Mean pain score", "timepoint": "Baseline",
             "value": "6.20", "spread_kind": "95% CI", "spread": "5.2 to 7.3", "analysed": 20},
        ],
        "deleted_rows": [],
    }  # fmt: skip
    at.button(key="extraction_save_efficacy_1").click().run(timeout=TIMEOUT)
    assert not at.error
    with open_store(review_db) as store:
        [finding] = study(store, 1).efficacy
    assert (finding.value, finding.spread, finding.analysed) == ("6.20", "5.2 to 7.3", 20)


def test_findings_are_edited_as_a_table_and_previewed_as_nice_tables(review_db):
    with open_store(review_db) as store:
        save_findings(store, 2, LEAD, efficacy=STUDY2_PAIN, safety=STUDY1_SAFETY)
    at = AppTest.from_function(_extraction_page)
    at.query_params["study"] = "2"  # a link from the Studies page
    at.run(timeout=TIMEOUT)
    assert at.selectbox(key="extraction_study").value == 2
    preview = [d.value for d in at.dataframe if d.editing_mode == "read_only"]
    pain = next(t for t in preview if "45 days" in t.columns)
    assert list(pain.columns) == ["Measure", "Baseline", "7 days", "45 days", "Last follow-up"]
    assert pain.iloc[0].tolist()[1:] == [
        "6.2 (95% CI 5.2 to 7.3)", "5.4 (NS)", "2.3 (p<0.0001)", "2.0",
    ]  # fmt: skip
    at.session_state["extraction_safety_2_0"] = {
        "edited_rows": {1: {"n": 3}},
        "added_rows": [],
        "deleted_rows": [0],
    }
    at.button(key="extraction_save_safety_2").click().run(timeout=TIMEOUT)
    assert not at.error
    with open_store(review_db) as store:
        [pain_event] = study(store, 2).safety
    assert (pain_event.event, pain_event.n, pain_event.total) == ("Pain", 3, 20)


def test_adding_a_safety_finding_with_the_form(review_db):
    at = _run(_extraction_page)
    at.selectbox(key="extraction_add_event_1").set_value("Pain")
    at.number_input(key="extraction_add_n_1").set_value(2)
    at.number_input(key="extraction_add_N_1").set_value(20)
    at.text_input(key="extraction_add_severity_1").set_value("minor")
    at.text_input(key="extraction_add_timepoint_1").set_value("1 week")
    at.button(key="extraction_add_1").click().run(timeout=TIMEOUT)
    assert not at.exception and not at.error
    with open_store(review_db) as store:
        assert list(study(store, 1).safety) == [STUDY1_SAFETY[1]]


def test_linking_two_records_into_one_study(review_db):
    second = _label(review_db, 2)
    at = _run(_studies_page)
    at.selectbox(key="studies_link_target").set_value(1).run(timeout=TIMEOUT)
    at.multiselect(key="studies_link_records").set_value([2]).run(timeout=TIMEOUT)
    at.button(key="studies_link").click().run(timeout=TIMEOUT)
    assert not at.exception and not at.error
    with open_store(review_db) as store:
        assert [r.record_id for r in study(store, 1).records] == [1, 2]
        assert second not in [s.label for s in list_studies(store)]
    # ... and split out again
    at.button(key="studies_split_2").click().run(timeout=TIMEOUT)
    with open_store(review_db) as store:
        assert [r.record_id for r in study(store, 1).records] == [1]
        assert second in [s.label for s in list_studies(store)]


def test_roles_key_order_and_appendix_reasons(review_db):
    at = _run(_studies_page)
    for study_id in (1, 2):
        at.selectbox(key=f"studies_role_{study_id}").set_value("key").run(timeout=TIMEOUT)
    at.selectbox(key="studies_role_4").set_value("appendix").run(timeout=TIMEOUT)
    at.text_input(key="studies_direction_4").set_value("Pain improved in most patients.")
    at.selectbox(key="studies_reason_4").set_value("Case report")
    at.button(key="studies_save_appendix_4").click().run(timeout=TIMEOUT)
    assert not at.exception and not at.error
    with open_store(review_db) as store:
        found = {s.id: s for s in list_studies(store)}
        assert [s.id for s in list_studies(store) if s.role == "key"] == [1, 2]  # as marked
    assert found[4].role == "appendix"
    assert (found[4].appendix.direction, found[4].appendix.reason) == (
        "Pain improved in most patients.",
        "Case report",
    )
    # Nothing extracted yet: the suggestion falls back on recency, Prologo 2017 first.
    at.button(key="studies_apply_order").click().run(timeout=TIMEOUT)
    with open_store(review_db) as store:
        assert [s.id for s in list_studies(store) if s.role == "key"] == [2, 1]
    at.button(key="studies_up_1").click().run(timeout=TIMEOUT)
    with open_store(review_db) as store:
        assert [s.id for s in list_studies(store) if s.role == "key"] == [1, 2]


def test_a_reviewer_who_is_not_a_lead_sees_studies_read_only(review_db):
    with open_store(review_db) as store:
        add_reviewer(store, "ann", "reviewer", "ann-password", by=LEAD)
    ann = Reviewer("ann", "reviewer")
    at = _run(_studies_page, ann)
    assert not [s for s in at.selectbox if (s.key or "").startswith("studies_role_")]
    assert not [b for b in at.button if b.key == "studies_link"]
    at = _run(_protocol_page, ann)
    assert all(t.disabled for t in at.text_area)
    at = _run(_extraction_page, ann)  # a reviewer extracts
    assert at.button(key="extraction_save_efficacy_1").disabled is False


def test_record_text_in_citations_is_escaped(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    with open_store(path) as store:
        store.add_records("t", [("1", Record(title=HOSTILE, raw="1"))])
        decide(store, Reviewer("reviewer"), 1, "title_abstract", "include")
        decide(store, Reviewer("reviewer"), 1, "full_text", "include")
    monkeypatch.setenv("REVIEW_DB", str(path))
    at = _run(_studies_page)
    at.button(key="studies_sync").click().run(timeout=TIMEOUT)
    shown = " ".join(h.proto.body for h in at.html)
    assert "&lt;script&gt;" in shown and "<script>" not in shown
    at = _run(_extraction_page)
    shown = " ".join(h.proto.body for h in at.html)
    assert "&lt;script&gt;" in shown and "<script>" not in shown


def test_the_protocol_page_saves_outcomes_from_the_table(review_db):
    at = _run(_protocol_page)
    at.text_input(key="protocol_title_0").set_value("Cryoablation of neuroma")
    at.session_state["protocol_safety_0"] = {
        "edited_rows": {0: {"name": "Pain at the site"}},
        "added_rows": [{"name": "Bleeding"}],
        "deleted_rows": [1],
    }
    at.button(key="protocol_save").click().run(timeout=TIMEOUT)
    assert not at.error
    with open_store(review_db) as store:
        saved = current_protocol(store)
    assert saved.title == "Cryoablation of neuroma"
    assert [o.name for o in saved.safety] == [
        "Pain at the site", "Infection", "Damage to adjacent structures",
        "Need for further interventions", "Bleeding",
    ]  # fmt: skip
    assert saved.safety[-1].kind == "event"
    at.session_state["protocol_efficacy_1"] = {"edited_rows": {0: {"name": "Reduction in pain"}}}
    at.button(key="protocol_save").click().run(timeout=TIMEOUT)
    assert "named twice" in at.error[0].value
    with open_store(review_db) as store:
        assert current_protocol(store) == saved


def test_the_protocol_page_saves_a_section_of_the_overview(review_db):
    with open_store(review_db) as store:
        before = current_protocol(store).sections
    at = _run(_protocol_page)
    box = at.text_area(key="protocol_section_existing_assessments_0")
    assert box.label == "Existing assessments of this procedure" and box.value == ""
    assert at.text_area(key="protocol_section_ongoing_trials_0").value == before.ongoing_trials
    written = f"A 2021 review found 9 studies.\n{HOSTILE}"
    box.set_value(written)
    at.button(key="protocol_save").click().run(timeout=TIMEOUT)
    assert not at.error
    with open_store(review_db) as store:
        saved = current_protocol(store).sections
    assert saved == replace(before, existing_assessments=written)  # the others kept as they were
    # drawn again from what was saved, the text exactly as typed
    assert at.text_area(key="protocol_section_existing_assessments_1").value == written


def test_the_report_page_saves_summaries_and_prepares_files(review_db):
    with open_store(review_db) as store:
        save_findings(store, 2, LEAD, efficacy=STUDY2_PAIN)
        set_role(store, 2, "key", LEAD)
        [(heading, draft)] = summaries(store).efficacy
    at = _run(_report_page)
    [box] = [t for t in at.text_area if t.value == draft]
    box.set_value("Pain fell in one case series (Prologo 2017).")
    at.button(key="report_save").click().run(timeout=TIMEOUT)
    assert not at.error
    with open_store(review_db) as store:
        saved = summaries(store)
    assert saved.edited
    assert saved.efficacy == ((heading, "Pain fell in one case series (Prologo 2017)."),)
    at.checkbox(key="report_confirm_redraft").check().run(timeout=TIMEOUT)
    at.button(key="report_redraft").click().run(timeout=TIMEOUT)
    with open_store(review_db) as store:
        assert summaries(store).efficacy == ((heading, draft),)
    at.button(key="report_prepare").click().run(timeout=TIMEOUT)
    assert not at.exception and not at.error
    labels = [b.label for b in at.get("download_button")]
    assert {"Download Word", "Download HTML", "Download Markdown"} <= set(labels)


def test_uploading_a_protocol_file(review_db):
    with open_store(review_db) as store:
        current = current_protocol(store)
    at = _run(_protocol_page)
    bad = b'title = "x"\ncolour = "red"\n'
    at.file_uploader(key="protocol_upload_0").upload("team.toml", bad, "application/toml")
    at.button(key="protocol_use_upload").click().run(timeout=TIMEOUT)
    [error] = [e.value for e in at.error]
    assert error.startswith("team.toml: unknown setting 'colour'") and "/tmp" not in error
    with open_store(review_db) as store:
        assert current_protocol(store) == current

    good = protocol_toml(replace(current, title="Agreed title")).encode()
    at.file_uploader(key="protocol_upload_0").upload("team.toml", good, "application/toml")
    at.button(key="protocol_use_upload").click().run(timeout=TIMEOUT)
    assert not at.error
    with open_store(review_db) as store:
        assert current_protocol(store) == replace(current, title="Agreed title")
    assert at.text_input(key="protocol_title_1").value == "Agreed title"
