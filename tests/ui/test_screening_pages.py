"""Smoke tests of the screening pages with AppTest, on real review databases."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from review.extraction.protocol import current_protocol
from review.records import AbstractSection, Record
from review.screening.decisions import conflicts, decide, progress, save_settings, settings
from review.screening.model import Reviewer, Settings
from review.screening.reviewers import Session, add_reviewer
from review.screening.state import current_state
from review.store import open_store
from review.ui.state import SESSION

TA, FT = "title_abstract", "full_text"


@pytest.fixture
def review_db(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    with open_store(path) as store:
        store.add_records(
            "t",
            [
                (str(i), Record(title=f"Cryoablation study {i}",
                                abstract_sections=(AbstractSection("Pain fell."),), raw=str(i)))
                for i in range(1, 4)
            ],
        )  # fmt: skip
    monkeypatch.setenv("REVIEW_DB", str(path))
    return path


def _screen_page():
    from review.ui import screen

    screen.title_abstract_page()


def _full_text_page():
    from review.ui import screen

    screen.full_text_page()


def _conflicts_page():
    from review.ui import conflicts

    conflicts.page()


def _protocol_page():
    from review.ui import protocol

    protocol.page()


def test_screen_page_decides_and_undoes(review_db):
    at = AppTest.from_function(_screen_page).run(timeout=30)
    assert not at.exception
    assert at.session_state["screen_current_title_abstract"] == 1
    at.text_input(key="title_abstract_note").set_value("clear case").run(timeout=30)
    at.button(key="title_abstract_include").click().run(timeout=30)
    assert at.session_state["screen_current_title_abstract"] == 2
    at.button(key="title_abstract_undo").click().run(timeout=30)
    assert at.session_state["screen_current_title_abstract"] == 1
    with open_store(review_db) as store:
        rows = store.decision_rows(TA)
        assert [(r.decision, r.note) for r in rows] == [
            ("include", "clear case"),
            ("undo", ""),
        ]
        assert progress(store, Reviewer("reviewer"), TA).decided == 0


def test_full_text_exclusion_asks_for_a_reason(review_db):
    with open_store(review_db) as store:
        decide(store, Reviewer("reviewer"), 2, TA, "include")
    at = AppTest.from_function(_full_text_page).run(timeout=30)
    assert at.session_state["screen_current_full_text"] == 2
    at.button(key="full_text_exclude").click().run(timeout=30)
    assert "needs a reason" in at.error[0].value
    at.button(key="full_text_reason_3").click().run(timeout=30)  # Wrong outcomes, the third
    at.button(key="full_text_exclude").click().run(timeout=30)
    assert "Nothing left to screen at this stage." in [t.value for t in at.text]
    with open_store(review_db) as store:
        assert progress(store, Reviewer("reviewer"), FT).excluded == 1


def test_conflicts_page_lets_a_lead_resolve(review_db):
    with open_store(review_db) as store:
        save_settings(store, Settings(dual=True), Reviewer("lee", "lead"))
        decide(store, Reviewer("ann"), 1, TA, "include")
        decide(store, Reviewer("bob"), 1, TA, "exclude")
    at = AppTest.from_function(_conflicts_page).run(timeout=30)  # no accounts: the solo lead
    assert not at.exception
    assert "ann: include" in [t.value for t in at.text]
    at.button(key="resolve_title_abstract_1_include").click().run(timeout=30)
    with open_store(review_db) as store:
        assert conflicts(store, TA) == []


def test_the_protocol_page_saves_the_screening_settings(review_db):
    """The Settings page is gone: its question, reasons, keywords and mode are saved by the
    Protocol page's one form, with the protocol, as one change."""
    at = AppTest.from_function(_protocol_page).run(timeout=30)
    assert not at.exception
    at.checkbox(key="protocol_dual_0").check()
    at.text_area(key="protocol_question_0").set_value("Does cryoablation relieve neuroma pain?")
    at.text_area(key="protocol_include_terms_0").set_value("cryoablation\nneuroma")
    at.text_area(key="protocol_exclude_terms_0").set_value("rat")
    at.text_area(key="protocol_screening_criteria_0").set_value("Adults with Morton neuroma")
    at.text_area(key="protocol_exclusion_reasons_0").set_value("Wrong population\n\nAnimal study")
    at.text_input(key="protocol_title_0").set_value("Cryoablation for neuroma")
    at.button(key="protocol_save").click().run(timeout=30)
    assert not at.exception
    assert at.success[0].value == "Protocol saved."
    with open_store(review_db) as store:
        saved = settings(store)
        protocol = current_protocol(store)
        changes = store.query("SELECT actor FROM audit WHERE action = 'settings'")
    assert saved == Settings(
        question="Does cryoablation relieve neuroma pain?",
        criteria="Adults with Morton neuroma",
        exclusion_reasons=("Wrong population", "Animal study"),
        include_terms=("cryoablation", "neuroma"),
        exclude_terms=("rat",),
        dual=True,
    )
    assert protocol.title == "Cryoablation for neuroma"
    assert protocol.exclusion_reasons == saved.exclusion_reasons
    assert [c["actor"] for c in changes] == ["reviewer"]  # one change, by the signed-in lead
    # The form is drawn again from what was saved.
    assert at.checkbox(key="protocol_dual_1").value is True
    reasons = at.text_area(key="protocol_exclusion_reasons_1").value
    assert reasons == "Wrong population\nAnimal study"


def test_the_protocol_page_clears_the_exclusion_reasons(review_db):
    at = AppTest.from_function(_protocol_page).run(timeout=30)
    assert at.text_area(key="protocol_exclusion_reasons_0").value  # the defaults
    at.text_area(key="protocol_exclusion_reasons_0").set_value("")
    at.button(key="protocol_save").click().run(timeout=30)
    with open_store(review_db) as store:
        assert settings(store).exclusion_reasons == ()


def test_the_protocol_page_lists_the_reviewers(review_db):
    at = AppTest.from_function(_protocol_page).run(timeout=30)
    assert "No accounts: this review has one reviewer" in at.text[0].value
    with open_store(review_db) as store:
        add_reviewer(store, "lee", "lead", "lee-password", by=Reviewer("owner", "lead"))
        add_reviewer(store, "ann", "reviewer", "ann-password", by=Reviewer("lee", "lead"))
    at = AppTest.from_function(_protocol_page)
    at.session_state[SESSION] = Session("lee", 0)
    at.run(timeout=30)
    assert not at.exception
    table = at.dataframe[-1].value
    assert sorted(zip(table["name"], table["role"], strict=True)) == [
        ("ann", "reviewer"),
        ("lee", "lead"),
    ]


def test_a_review_with_accounts_asks_who_you_are(review_db):
    with open_store(review_db) as store:
        add_reviewer(store, "ann", "reviewer", "ann-password", by=Reviewer("owner", "lead"))
    at = AppTest.from_file("../../app.py").run(timeout=30)
    assert at.title[0].value == "Sign in"
    at.text_input(key="signin_name").set_value("ann")
    at.text_input(key="signin_password").set_value("wrong-password")
    at.button(key="signin_button").click().run(timeout=30)
    assert "do not match" in at.error[0].value
    at.text_input(key="signin_password").set_value("ann-password")
    at.button(key="signin_button").click().run(timeout=30)
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert "Signed in as ann (reviewer)" in [t.value for t in at.sidebar.text]


def test_screen_page_finds_a_record_to_look_at_again(review_db):
    at = AppTest.from_function(_screen_page).run(timeout=30)
    at.text_input(key="title_abstract_find").set_value("study 3").run(timeout=30)
    at.button(key="title_abstract_goto_button").click().run(timeout=30)
    assert at.session_state["screen_current_title_abstract"] == 3


def test_reasons_are_buttons_with_number_keys_and_a_second_press_puts_one_back(review_db):
    at = AppTest.from_function(_screen_page).run(timeout=30)
    reasons = [b for b in at.button if (b.key or "").startswith("title_abstract_reason_")]
    assert [b.label for b in reasons][:3] == ["Wrong population", "Wrong intervention",
                                               "Wrong outcomes"]  # fmt: skip
    assert [b.proto.shortcut for b in reasons][:9] == [str(n) for n in range(1, 10)][: len(reasons)]
    at.button(key="title_abstract_reason_2").click().run(timeout=30)
    assert at.button(key="title_abstract_reason_2").proto.type == "primary"  # shown as chosen
    at.button(key="title_abstract_reason_1").click().run(timeout=30)  # another replaces it
    at.button(key="title_abstract_reason_1").click().run(timeout=30)  # pressed again: none
    at.button(key="title_abstract_reason_3").click().run(timeout=30)
    at.button(key="title_abstract_exclude").click().run(timeout=30)
    assert at.session_state["screen_current_title_abstract"] == 2
    at.button(key="title_abstract_reason_1").click().run(timeout=30)
    at.button(key="title_abstract_reason_1").click().run(timeout=30)
    at.button(key="title_abstract_exclude").click().run(timeout=30)
    with open_store(review_db) as store:
        rows = store.decision_rows(TA)
    assert [(r.record_id, r.decision, r.reason) for r in rows] == [
        (1, "exclude", "Wrong outcomes"),
        (2, "exclude", ""),
    ]
    # the chosen reason does not carry over to the next record
    assert all(b.proto.type != "primary" for b in at.button if "_reason_" in (b.key or ""))


def test_the_decision_bar_comes_before_the_record(review_db):
    at = AppTest.from_function(_screen_page).run(timeout=30)
    nodes = list(_flat(at._tree))
    card = next(
        i for i, n in enumerate(nodes)
        if getattr(n, "type", "") == "html" and "record-title" in n.proto.body
    )  # fmt: skip
    keys = [getattr(n, "key", None) for n in nodes[:card]]
    bar = ("include", "exclude", "maybe", "undo", "reason_1", "note")
    assert all(f"title_abstract_{k}" in keys for k in bar), keys


def _flat(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _flat(child)


def test_find_and_revisit_stay_after_the_last_record(review_db):
    at = AppTest.from_function(_screen_page).run(timeout=30)
    for key in ("include", "exclude", "maybe"):
        at.button(key=f"title_abstract_{key}").click().run(timeout=30)
    assert "Nothing left to screen at this stage." in [t.value for t in at.text]
    assert not at.exception
    recent = at.selectbox(key="title_abstract_recent")
    assert recent.options[0].startswith("3: maybe")  # the latest first, with what was decided
    recent.set_value(2).run(timeout=30)
    at.button(key="title_abstract_recent_button").click().run(timeout=30)
    assert at.session_state["screen_current_title_abstract"] == 2
    assert any("Your decision: exclude" in c.value for c in at.caption)
    at.button(key="title_abstract_include").click().run(timeout=30)  # changed
    assert "Nothing left to screen at this stage." in [t.value for t in at.text]
    with open_store(review_db) as store:
        assert current_state(store, TA).of(2, "reviewer").decision == "include"
    at.text_input(key="title_abstract_find").set_value("study 1").run(timeout=30)
    at.button(key="title_abstract_goto_button").click().run(timeout=30)
    assert at.session_state["screen_current_title_abstract"] == 1
    at.session_state["screen_current_title_abstract"] = None  # back to "nothing left"
    at.run(timeout=30)
    at.button(key="title_abstract_undo").click().run(timeout=30)  # Undo is there too
    assert at.session_state["screen_current_title_abstract"] == 2  # the change taken back
    with open_store(review_db) as store:
        assert current_state(store, TA).of(2, "reviewer").decision == "exclude"


def test_the_card_shows_what_screening_turns_on(tmp_path, monkeypatch):
    from review.records import Author

    path = tmp_path / "review.db"
    record = Record(
        title="Cryoablation in rats", pmid="12345678", doi="10.1000/x<y>",
        abstract_sections=(AbstractSection("The rate of rat pain fell."),),
        authors=(Author("Müller", "Hans", "H"), Author("Gómez", "Ana", "A")),
        journal="Pain Medicine", year=2019, volume="20", issue="3", pages="1-9",
        languages=("ger", "xyz"), publication_types=("Randomized Controlled Trial", "Review"),
        raw="r",
    )  # fmt: skip
    with open_store(path) as store:
        store.add_records("Embase export", [("1", record)])
        save_settings(store, Settings(exclude_terms=("rat",)), Reviewer("lee", "lead"))
    monkeypatch.setenv("REVIEW_DB", str(path))
    at = AppTest.from_function(_screen_page).run(timeout=30)
    card = next(h.proto.body for h in at.get("html") if "record-title" in h.proto.body)
    for shown in ("Müller H, Gómez A", "2019 · Pain Medicine · 20(3): 1-9",
                  "Randomized Controlled Trial; Review", "German, xyz",
                  "Other records (Embase export)"):  # fmt: skip
        assert shown in card, shown
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/12345678/"' in card
    assert '<a href="https://doi.org/10.1000/x%3Cy%3E"' in card and "DOI 10.1000/x&lt;y&gt;" in card
    # keyword "rat" marks "rat" and "rats", never "rate"
    assert card.count('<mark class="exclude">') == 2 and "rat</mark>e" not in card


def test_the_latest_decisions_are_listed_when_asked_while_records_remain(review_db):
    at = AppTest.from_function(_screen_page).run(timeout=30)
    at.button(key="title_abstract_exclude").click().run(timeout=30)
    assert not [s for s in at.selectbox if s.key == "title_abstract_recent"]
    at.toggle(key="title_abstract_list_recent").set_value(True).run(timeout=30)
    assert at.selectbox(key="title_abstract_recent").options == [
        "1: exclude · Cryoablation study 1"
    ]
