"""The bundled demo (issue 16): a small review part way through its life, built with the library
into the per-user data folder, once per version, the same every time; its sign-in page names the
demo's accounts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import review.demo as demo
from review.config import read_config
from review.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_version, ensure_demo
from review.extraction import current_protocol, list_studies
from review.report.export import export_report
from review.report.summary import summaries
from review.screening.decisions import conflicts, progress, settings
from review.screening.model import Reviewer
from review.screening.reviewers import active_reviewers, add_reviewer, sign_in
from review.store import open_store

LEAD = Reviewer("lena", "lead")
KEY = [
    "Preventive care reminders",
    "Bronchitis decision support",
    "Redundant test reminders",
    "Hypertension reminder",
    "VTE decision support",
    "DVT reminder",
    "Order set defaults",
]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    return ensure_demo(tmp_path_factory.mktemp("demo") / "demo-review.db")


def test_the_demo_is_a_review_part_way_through(demo_db, tmp_path):
    with open_store(demo_db) as store:
        assert store.count_records() == 302
        assert len(store.duplicate_of()) == 2  # two copies merged by dedupe
        assert [p.status for p in store.pairs("pending")] == ["pending"]  # one left to a lead
        assert settings(store).dual
        assert current_protocol(store).title.startswith("Nudges")
        assert {(r.name, r.role) for r in active_reviewers(store)} == set(DEMO_ACCOUNTS)
        for name, role in DEMO_ACCOUNTS:
            assert sign_in(store, name, DEMO_PASSWORD) == Reviewer(name, role)

        first = progress(store, None, "title_abstract")
        assert (first.total, first.decided, first.conflicts) == (300, 262, 2)
        assert first.total - first.decided - first.conflicts == 36  # left to screen
        assert len(conflicts(store, "title_abstract")) == 2
        events = store.decision_rows()
        resolved = [e for e in events if e.kind == "resolution"]
        assert {e.reviewer for e in resolved} == {"lena"}
        assert len([e for e in resolved if e.stage == "title_abstract"]) >= 10
        assert {e.reviewer for e in events if e.kind == "screening"} == {"ravi", "mia"}

        full = progress(store, None, "full_text")
        assert (full.total, full.decided, full.included, full.conflicts) == (64, 64, 19, 0)
        excluded = [e for e in events if e.stage == "full_text" and e.decision == "exclude"]
        assert excluded and all(e.reason for e in excluded)

        studies = list_studies(store)
        assert len(studies) == 19
        key = [s for s in studies if s.role == "key"]
        assert [s.label for s in key] == KEY  # in the order of studies.toml
        assert all(s.efficacy or s.safety for s in key)
        assert sum(len(s.efficacy) for s in key) == 19
        assert sum(len(s.safety) for s in key) == 3
        appendix = [s for s in studies if s.role == "appendix"]
        assert len(appendix) == 12
        assert all(s.appendix.direction and s.appendix.reason for s in appendix)

        ready = summaries(store)
        assert ready.edited  # saved: the Report page has a report ready
        assert [h for h, _ in ready.efficacy] == [o.name for o in current_protocol(store).efficacy]
        report = export_report(store, LEAD, tmp_path / "overview.md")
    text = report.read_text(encoding="utf-8")
    assert "based on at least 20,647 patients from 7 studies" in text
    assert "35.8% in the reminder group (p\\<0.001)" in text


def test_the_demo_is_built_once_and_again_for_a_new_version(tmp_path, monkeypatch):
    path = tmp_path / "data" / "demo-review.db"
    ensure_demo(path)
    built = path.stat()
    assert ensure_demo(path) == path
    assert path.stat().st_ino == built.st_ino and path.stat().st_mtime_ns == built.st_mtime_ns

    monkeypatch.setattr(demo, "DEMO_VERSION", demo.DEMO_VERSION + 1)
    ensure_demo(path)
    assert path.stat().st_ino != built.st_ino  # a new file moved into place whole
    assert demo_version(path) == demo.DEMO_VERSION
    assert sorted(p.name for p in path.parent.iterdir()) == ["demo-review.db"]  # nothing stray


def test_an_older_unmarked_demo_is_rebuilt(tmp_path):
    path = tmp_path / "demo-review.db"
    with open_store(path) as store:  # what the demo was before it had a version: records only
        store.add_records(demo.ORIGIN, demo.demo_records()[:5])
    assert demo_version(path) is None
    ensure_demo(path)
    assert demo_version(path) == demo.DEMO_VERSION
    with open_store(path) as store:
        assert store.count_records() == 302


def test_the_build_is_the_same_every_time(demo_db, tmp_path):
    again = ensure_demo(tmp_path / "again.db")

    def story(db: Path) -> tuple:
        with open_store(db) as store:
            events = [
                (e.record_id, e.reviewer, e.stage, e.kind, e.decision, e.reason)
                for e in store.decision_rows()
            ]
            studies = [(s.id, s.label, s.role, s.efficacy, s.safety) for s in list_studies(store)]
        return events, studies

    assert story(again) == story(demo_db)


def test_the_demo_goes_to_the_per_user_data_folder_not_the_current_one(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    env = {"HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "data")}
    made = ensure_demo(read_config(env).demo_db)
    assert made == tmp_path / "data" / "review" / "demo-review.db"
    assert made.exists() and list(work.iterdir()) == []
    assert os.stat(made.parent).st_mode & 0o077 == 0  # a folder made for it: the owner's only
    home_default = read_config({"HOME": str(tmp_path / "home")}).demo_db
    assert home_default == tmp_path / "home" / ".local" / "share" / "review" / "demo-review.db"


def test_the_sign_in_page_names_the_demos_accounts(demo_db, monkeypatch):
    monkeypatch.setenv("REVIEW_DB", str(demo_db))
    at = AppTest.from_file("../app.py").run(timeout=30)
    assert not at.exception
    assert at.title[0].value == "Sign in"
    (hint,) = [i.value for i in at.info]
    assert "lena (lead), ravi (reviewer), mia (reviewer)" in hint and DEMO_PASSWORD in hint


def test_another_reviews_sign_in_page_names_nobody(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    with open_store(path) as store:
        add_reviewer(store, "ann", "lead", "ann-password", by=Reviewer("owner", "lead"))
    monkeypatch.setenv("REVIEW_DB", str(path))
    at = AppTest.from_file("../app.py").run(timeout=30)
    assert not at.exception
    assert at.title[0].value == "Sign in" and not at.info
