"""The Sources page: a lead records an imported file's search details on that file's form, and a
form drawn before someone else's edit is refused rather than overwriting it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from review.imports.load import import_file
from review.imports.sources import edit_source
from review.screening.model import Reviewer
from review.store import open_store

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
TIMEOUT = 30
KIM = Reviewer("kim", "lead")


@pytest.fixture
def review_db(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    with open_store(path) as store:
        import_file(store, DATA / "embase.ris")
        import_file(store, DATA / "scopus.ris")
    monkeypatch.setenv("REVIEW_DB", str(path))
    return path


def _ids(path: Path) -> dict[str, int]:
    with open_store(path) as store:
        return {f.file_name: f.id for f in store.imports()}


def _page() -> AppTest:
    at = AppTest.from_string(
        "from review.ui import sources\nsources.page()\n", default_timeout=TIMEOUT
    )
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_page_lists_every_source_with_what_is_not_recorded(review_db):
    at = _page()
    table = at.dataframe[0].value
    assert list(table["name"]) == ["embase.ris", "scopus.ris"]
    assert list(table["database"]) == ["Embase", "Scopus"]  # read from the files' DB tags
    assert list(table["date searched"]) == ["not recorded", "not recorded"]


def test_a_save_lands_on_the_file_whose_form_it_was(review_db):
    ids = _ids(review_db)
    scopus = ids["scopus.ris"]
    at = _page()
    at.text_input(key=f"sources_{scopus}_searched_on_0").set_value("2022-02-24")
    at.text_input(key=f"sources_{scopus}_limits_0").set_value("English; 2000 to 2022")
    at.text_area(key=f"sources_{scopus}_strategy_0").set_value("#1 cryo*\n#2 neuroma\n#3 #1 AND #2")
    at.button(key=f"sources_save_{scopus}").click().run(timeout=TIMEOUT)
    assert not at.error, [e.value for e in at.error]
    with open_store(review_db) as store:
        by_name = {f.file_name: f for f in store.imports()}
        events = store.import_source_events(scopus)
    saved = by_name["scopus.ris"]
    assert (saved.searched_on, saved.limits) == ("2022-02-24", "English; 2000 to 2022")
    assert saved.strategy.splitlines() == ["#1 cryo*", "#2 neuroma", "#3 #1 AND #2"]
    assert by_name["embase.ris"].searched_on is None  # the other file is untouched
    assert events[-1].action == "edited" and "searched_on" in events[-1].changes
    assert at.dataframe[0].value["date searched"].tolist() == ["not recorded", "2022-02-24"]


def test_a_form_drawn_before_another_leads_edit_is_refused(review_db):
    embase = _ids(review_db)["embase.ris"]
    at = _page()
    with open_store(review_db) as store:
        edit_source(store, embase, KIM, platform="Ovid")
    at.text_input(key=f"sources_{embase}_searched_on_0").set_value("2022-02-24")
    at.button(key=f"sources_save_{embase}").click().run(timeout=TIMEOUT)
    assert "changed by someone else since your form was drawn" in at.error[0].value
    with open_store(review_db) as store:
        stored = next(f for f in store.imports() if f.id == embase)
    assert (stored.platform, stored.searched_on) == ("Ovid", None)  # theirs kept, mine not applied
    assert at.text_input(key=f"sources_{embase}_platform_1").value == "Ovid"  # drawn afresh


def test_a_date_that_is_not_a_date_is_named_and_nothing_is_stored(review_db):
    embase = _ids(review_db)["embase.ris"]
    at = _page()
    at.text_input(key=f"sources_{embase}_searched_on_0").set_value("24.02.2022")
    at.text_input(key=f"sources_{embase}_platform_0").set_value("Embase.com (checked)")
    at.button(key=f"sources_save_{embase}").click().run(timeout=TIMEOUT)
    assert "'24.02.2022' is not a date" in at.error[0].value
    with open_store(review_db) as store:
        stored = next(f for f in store.imports() if f.id == embase)
        assert store.import_source_events(embase)[-1].action == "recorded"
    assert stored.searched_on is None and stored.platform != "Embase.com (checked)"
