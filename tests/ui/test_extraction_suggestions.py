"""The Extraction page beside the abstract: suggestions, the add forms, drafts (AppTest).

What the page stores is read back with the library, never from the page.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from review.extraction.drafts import draft, keep_table
from review.extraction.model import NOT_REPORTED, EfficacyFinding, SafetyFinding
from review.extraction.studies import study
from review.screening.full_text import keep_full_text
from review.store import open_store
from review.ui.render import plain
from review.ui.state import SOLO
from tests.extraction.ipg747 import PROLOGO_ABSTRACT, STUDY2_PAIN, build_review, with_abstracts

TIMEOUT = 30
PAIN = "Reduction in pain"
PROLOGO = 2  # the study (and record) of Prologo 2017


@pytest.fixture
def review_db(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    build_review(
        path, ris=with_abstracts(tmp_path, {"Percutaneous image-guided": PROLOGO_ABSTRACT})
    )
    monkeypatch.setenv("REVIEW_DB", str(path))
    return path


def _extraction_page():
    from review.ui import extraction

    extraction.page()


def _open(study_id: int = PROLOGO) -> AppTest:
    at = AppTest.from_function(_extraction_page)
    at.query_params["study"] = str(study_id)
    at.run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    return at


def _stored(db, study_id: int = PROLOGO):
    with open_store(db) as store:
        return study(store, study_id)


def _draft(db, study_id: int = PROLOGO):
    with open_store(db) as store:
        return draft(store, SOLO, study_id)


def _form(at: AppTest, field: str):
    return at.session_state[f"extraction_eff_{field}_{PROLOGO}"]


def test_the_abstract_and_its_suggestions_are_beside_the_form(review_db):
    at = _open()
    shown = " ".join(h.proto.body for h in at.html)
    assert 'data-record-id="2"' in shown and "VAS 6.2 → 2.3 at 45 days, p&lt;0.0001" in shown
    offered = [m.value for m in at.markdown if m.value.startswith(("Efficacy ·", "Safety ·"))]
    assert offered == [
        plain(f"Efficacy · VAS ({PAIN}) · Baseline: 6.2"),
        plain(f"Efficacy · VAS ({PAIN}) · 45 days: 2.3 (p<0.0001)"),
        plain("Safety · Complications: 2/21 (9.5%) per patient"),
    ]
    assert [b.key for b in at.button if (b.key or "").startswith("extraction_use_")] == [
        "extraction_use_2_0", "extraction_use_2_1", "extraction_use_2_2",
    ]  # fmt: skip
    s = _stored(review_db)
    assert (s.efficacy, s.safety) == ((), ())  # offered, not stored


def test_accepting_a_suggestion_fills_the_form_and_only_add_stores_it(review_db):
    at = _open()
    at.button(key="extraction_use_2_1").click().run(timeout=TIMEOUT)
    assert not at.exception
    assert at.selectbox(key="extraction_eff_outcome_2").value == PAIN
    assert at.text_input(key="extraction_eff_value_2").value == "2.3"
    assert at.text_input(key="extraction_eff_timepoint_2").value == "45 days"
    assert at.text_input(key="extraction_eff_p_value_2").value == "<0.0001"
    assert _stored(review_db).efficacy == ()  # accepted into the form: still nothing stored
    assert _draft(review_db).parts["efficacy_form"]["value"] == "2.3"

    at.text_input(key="extraction_eff_measure_2").set_value("Mean pain score (VAS 0 to 10)")
    at.number_input(key="extraction_eff_analysed_2").set_value(21)
    at.button(key="extraction_eff_add_2").click().run(timeout=TIMEOUT)
    assert not at.exception and not at.error
    assert _stored(review_db).efficacy == (STUDY2_PAIN[2],)  # as the overview has it
    assert _draft(review_db) is None  # saved: the draft goes
    assert at.text_input(key="extraction_eff_measure_2").value == ""  # the form is cleared

    # A safety suggestion fills the safety form the same way.
    at.button(key="extraction_use_2_2").click().run(timeout=TIMEOUT)
    assert at.selectbox(key="extraction_add_event_2").value == "Complications"
    assert _stored(review_db).safety == ()
    at.text_input(key="extraction_add_severity_2").set_value("minor")
    at.button(key="extraction_add_2").click().run(timeout=TIMEOUT)
    assert not at.error
    assert _stored(review_db).safety == (
        SafetyFinding("Complications", n=2, total=21, unit="patient", severity="minor"),
    )


def test_not_reported_is_a_choice_saved_as_such(review_db):
    at = _open()
    at.selectbox(key="extraction_eff_outcome_2").set_value(PAIN).run(timeout=TIMEOUT)
    at.text_input(key="extraction_eff_measure_2").set_value("Mean pain score").run(timeout=TIMEOUT)
    at.text_input(key="extraction_eff_timepoint_2").set_value("12 months").run(timeout=TIMEOUT)
    at.button(key="extraction_eff_add_2").click().run(timeout=TIMEOUT)
    [error] = [e.value for e in at.error]  # a blank value is not "not reported"
    assert "there is no value" in error
    assert _stored(review_db).efficacy == ()
    at.checkbox(key="extraction_eff_not_reported_2").check().run(timeout=TIMEOUT)
    assert at.text_input(key="extraction_eff_value_2").disabled
    at.button(key="extraction_eff_add_2").click().run(timeout=TIMEOUT)
    assert not at.error
    assert _stored(review_db).efficacy == (
        EfficacyFinding(PAIN, "Mean pain score", "12 months", value=NOT_REPORTED),
    )


def test_a_half_filled_form_comes_back_in_a_new_session_until_cleared(review_db):
    at = _open()
    at.button(key="extraction_use_2_1").click().run(timeout=TIMEOUT)
    at.text_input(key="extraction_eff_value_2").set_value("2.4").run(timeout=TIMEOUT)
    assert _draft(review_db).parts["efficacy_form"]["value"] == "2.4"

    again = _open()  # another page and back, a refresh or a new tab: a new session
    assert again.text_input(key="extraction_eff_value_2").value == "2.4"
    assert again.text_input(key="extraction_eff_measure_2").value == "VAS"
    assert any("kept as your draft" in c.value for c in again.caption)
    other = _open(1)  # another study's form is its own
    assert other.text_input(key="extraction_eff_value_1").value == ""

    again.button(key="extraction_eff_clear_2").click().run(timeout=TIMEOUT)
    assert _draft(review_db) is None
    assert _open().text_input(key="extraction_eff_value_2").value == ""
    assert _stored(review_db).efficacy == ()


def test_a_half_filled_safety_form_comes_back_in_a_new_session_until_added(review_db):
    at = _open()
    at.selectbox(key="extraction_add_event_2").set_value("Pain")
    at.number_input(key="extraction_add_N_2").set_value(21)
    at.text_input(key="extraction_add_severity_2").set_value("minor").run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    assert _draft(review_db).parts["safety_form"] == {"event": "Pain", "N": 21, "severity": "minor"}

    again = _open()  # another page and back, a refresh or a new tab: a new session
    assert again.selectbox(key="extraction_add_event_2").value == "Pain"
    assert again.number_input(key="extraction_add_N_2").value == 21
    assert again.text_input(key="extraction_add_severity_2").value == "minor"
    assert again.selectbox(key="extraction_add_unit_2").value == "patient"
    assert any("kept as your draft" in c.value for c in again.caption)
    assert _open(1).text_input(key="extraction_add_severity_1").value == ""  # its own form

    again.number_input(key="extraction_add_n_2").set_value(2)
    again.button(key="extraction_add_2").click().run(timeout=TIMEOUT)
    assert not again.exception and not again.error
    assert _stored(review_db).safety == (
        SafetyFinding("Pain", n=2, total=21, unit="patient", severity="minor"),
    )
    assert _draft(review_db) is None  # added: the draft goes, and the form is empty again
    assert again.text_input(key="extraction_add_severity_2").value == ""
    fresh = _open()
    assert fresh.selectbox(key="extraction_add_event_2").value is None
    assert fresh.number_input(key="extraction_add_N_2").value is None


def test_clearing_the_safety_form_drops_its_draft_and_stores_nothing(review_db):
    at = _open()
    at.button(key="extraction_use_2_2").click().run(timeout=TIMEOUT)  # a suggestion fills it
    assert _draft(review_db).parts["safety_form"]["event"] == "Complications"
    again = _open()
    assert again.number_input(key="extraction_add_N_2").value == 21
    again.button(key="extraction_add_clear_2").click().run(timeout=TIMEOUT)
    assert _draft(review_db) is None
    assert again.number_input(key="extraction_add_N_2").value is None
    assert _open().selectbox(key="extraction_add_event_2").value is None
    assert _stored(review_db).safety == ()


def test_a_kept_table_draft_is_drawn_then_saved_or_discarded(review_db):
    rows = [{"outcome": PAIN, "measure": "VAS", "timepoint": "Baseline", "value": "6.2"}]
    with open_store(review_db) as store:
        keep_table(store, SOLO, PROLOGO, "efficacy", (), rows)
    at = _open()
    assert any("edits are not saved yet" in i.value for i in at.info)
    [table] = [
        d.value for d in at.dataframe if d.editing_mode == "dynamic" and "outcome" in d.value
    ]
    assert table["value"].tolist() == ["6.2"]
    at.button(key="extraction_save_efficacy_2").click().run(timeout=TIMEOUT)
    assert not at.error
    assert _stored(review_db).efficacy == (EfficacyFinding(PAIN, "VAS", "Baseline", value="6.2"),)
    assert _draft(review_db) is None

    with open_store(review_db) as store:
        keep_table(store, SOLO, PROLOGO, "efficacy", _stored(review_db).efficacy, [])
    at = _open()
    at.button(key="extraction_discard_efficacy_2").click().run(timeout=TIMEOUT)
    assert _draft(review_db) is None
    assert len(_stored(review_db).efficacy) == 1  # discarding stores nothing


def test_a_kept_full_text_is_shown_with_the_study(review_db):
    pdf = b"%PDF-1.4\n% a stand-in: the page passes the bytes on, it does not read them\n"
    with open_store(review_db) as store:
        keep_full_text(store, SOLO, PROLOGO, "prologo.pdf", pdf)
    at = _open()
    assert any("prologo.pdf" in c.value for c in at.caption)
    labels = [b.label for b in at.get("download_button")]
    assert "Download the PDF" in labels


def _places(at: AppTest) -> dict:
    """Where each field and table of the page is drawn: its path in the page's element tree."""
    places: dict = {}
    tables = iter(range(100))

    def walk(node, path: tuple) -> None:
        for index, child in getattr(node, "children", {}).items():
            where = (*path, index)
            name = getattr(child, "key", None) or (
                f"table {next(tables)}" if type(child).__name__ == "Dataframe" else None
            )
            if name and not str(name).startswith("$$"):
                places[name] = where
            walk(child, where)

    walk(at.main, ())
    return places


def test_the_fields_and_tables_keep_their_places_when_a_draft_begins(review_db):
    """Typing into a form or a table starts a draft, and the page shows that it is kept; that
    note must not move what is below it, or the browser redraws the fields in mid-typing and a
    number typed then is lost (seen in Chromium: n typed just after the event was chosen)."""
    at = _open()
    before = _places(at)
    assert "extraction_add_n_2" in before and "extraction_eff_value_2" in before
    at.selectbox(key="extraction_add_event_2").set_value("Pain").run(timeout=TIMEOUT)
    at.text_input(key="extraction_eff_measure_2").set_value("VAS").run(timeout=TIMEOUT)
    assert _draft(review_db).parts.keys() >= {"safety_form", "efficacy_form"}
    assert _places(at) == before

    rows = [{"outcome": PAIN, "measure": "VAS", "timepoint": "Baseline", "value": "6.2"}]
    with open_store(review_db) as store:
        keep_table(store, SOLO, PROLOGO, "efficacy", (), rows)
    at = _open()
    assert any("edits are not saved yet" in i.value for i in at.info)
    after = _places(at)  # a Discard button is added beside Save, moving nothing
    assert {name: after.get(name) for name in before} == before
