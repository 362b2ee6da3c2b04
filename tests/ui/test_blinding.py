"""Blinding under dual screening: what a reviewer is shown never depends on another's votes.

The same scripted session of one reviewer (ann) runs against two reviews that differ only in what
the other reviewer (bob) voted on the same records; every page ann can open must show the same
text at every step. The ranking is waited for before each step (the page never waits for it), so
both reviews show the ranking of ann's own decisions, not whichever retrain happened to finish.
"""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from review.prioritise.live import forget, latest_ranking
from review.records import AbstractSection, Record
from review.screening.decisions import save_settings
from review.screening.model import Reviewer, Settings
from review.screening.reviewers import add_reviewer
from review.store import open_store

TA, FT = "title_abstract", "full_text"
ANN, BOB, LEE = Reviewer("ann"), Reviewer("bob"), Reviewer("lee", "lead")
PASSWORDS = {"ann": "ann-password", "bob": "bob-password", "lee": "lee-password"}
TOPICS = ["cryoablation of Morton neuroma pain", "statin trial for cholesterol in adults"]
# bob's title/abstract votes on records 1-6: the two reviews differ only in these
BOB_VOTES = {
    "x": ["include", "include", "exclude", "exclude", "include", "exclude"],
    "y": ["exclude", "exclude", "include", "include", "exclude", "include"],
}


def _build(path, votes: list[str]) -> None:
    with open_store(path) as store:
        store.add_records(
            "t",
            [
                (str(i), Record(title=f"{TOPICS[i % 2]} study {i}",
                                abstract_sections=(AbstractSection(TOPICS[i % 2]),), raw=str(i)))
                for i in range(1, 13)
            ],
        )  # fmt: skip
        for name, password in PASSWORDS.items():
            add_reviewer(store, name, "lead" if name == "lee" else "reviewer", password, by=LEE)
        save_settings(store, Settings(dual=True, include_terms=("statin",)), LEE)
        # bob's votes, as events in the review (the app writes the same rows)
        store.add_decisions(
            [
                {"record_id": i, "reviewer": "bob", "stage": TA, "decision": d,
                 "reason": "Wrong population" if d == "exclude" else ""}
                for i, d in enumerate(votes, start=1)
            ]
            + [{"record_id": 1, "reviewer": "bob", "stage": FT, "decision": votes[0],
                "reason": "Wrong outcomes" if votes[0] == "exclude" else ""}]
        )  # fmt: skip


_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?")


def _shown(node) -> list[str]:
    """Every text a page element shows (and whether a button is disabled), depth first."""
    out = []
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for key in sorted(children):
            out += _shown(children[key])
        return out
    kind = type(node).__name__
    parts = []
    for attribute in ("label", "value", "options", "disabled", "help", "placeholder", "delta"):
        try:
            value = getattr(node, attribute)
        except Exception:  # noqa: BLE001 - not every element has every attribute
            continue
        if hasattr(value, "to_csv"):  # a dataframe
            value = value.to_csv()
        parts.append(f"{attribute}={value!r}")
    if kind == "UnknownElement":  # st.html, st.progress, charts: their protobuf says it all
        parts.append(str(node.proto))
    out.append(f"{kind}: " + " ".join(parts))
    return out


class Session:
    """ann's browser session on one review, driven through the real app (app.py, sign-in)."""

    def __init__(self, path, monkeypatch):
        self.path = path
        monkeypatch.setenv("REVIEW_DB", str(path))
        self.at = AppTest.from_file("../../app.py", default_timeout=60)
        self.monkeypatch = monkeypatch
        self.seen: list[str] = []

    def _env(self):
        self.monkeypatch.setenv("REVIEW_DB", str(self.path))

    def _settle(self):
        """Wait until the ranking of the current decisions is ready (the page itself never
        waits), so both reviews show the ranking of the same decisions."""
        with open_store(self.path) as store:
            latest_ranking(store, ANN, wait=120)

    def run(self, step: str):
        self._env()
        self._settle()
        self.at.run()
        assert not self.at.exception, (step, self.at.exception)
        self.record(step)

    def record(self, step: str):
        text = "\n".join(_shown(self.at._tree)).replace(str(self.path), "<review>")
        text = re.sub(r"Review database: [^']*", "Review database: <review>", text)  # escaped
        text = re.sub(r"review_session_\w+=[\w-]+", "<sign-in cookie>", text)  # random token
        self.seen.append(f"## {step}\n" + _TIME.sub("<time>", text))

    def sign_in(self):
        self.run("sign-in form")
        self.at.text_input(key="signin_name").set_value("ann")
        self.at.text_input(key="signin_password").set_value(PASSWORDS["ann"])
        self.at.button(key="signin_button").click()
        self.run("signed in")

    def pages(self) -> list[str]:
        return [p["url_pathname"] for p in self.at._registered_pages.values()]

    def open(self, url_path: str):
        """Go to a page of the navigation (AppTest's switch_page knows only file pages)."""
        (page_hash,) = [
            h for h, p in self.at._registered_pages.items() if p["url_pathname"] == url_path
        ]
        self.at._page_hash = page_hash
        self.run(f"page {url_path}")

    def click(self, key: str, step: str):
        self._env()
        self._settle()
        if key not in [b.key for b in self.at.button]:  # the page differs: say so, go on
            self.seen.append(f"## {step}: no {key} button")
            return
        self.at.button(key=key).click().run()
        assert not self.at.exception, (step, self.at.exception)
        self.record(step)
        self.run(step + " (ranking ready)")

    def choose(self, key: str, value: str, step: str):
        if key not in [s.key for s in self.at.selectbox]:
            self.seen.append(f"## {step}: no {key} box")
            return
        self.at.selectbox(key=key).set_value(value)
        self.run(step)

    def click_row(self, position: int, step: str):
        """A click on the Records table's row at ``position``: opens that record."""
        table = self.at.dataframe[0]
        self.at.session_state[table.key] = {
            "selection": {"rows": [position], "columns": [], "cells": []}
        }
        self.run(step)

    def visit_all(self, step: str):
        for url_path in self.pages():
            self.open(url_path)
            self.seen[-1] = self.seen[-1].replace("## ", f"## {step}: ", 1)


def _script(session: Session) -> list[str]:
    session.sign_in()
    session.visit_all("before")
    session.open("screen")
    # Record 1 first (it matches the include term, ahead of the cryoablation records, and ties
    # with the other statin records in import order): bob voted on it.
    session.click("title_abstract_include", "include the first record")
    session.click("title_abstract_undo", "undo it (bob voted on it too)")
    session.click("title_abstract_exclude", "exclude the next")
    session.click("title_abstract_include", "include the next")
    for n in range(4):  # ranked now: ann's own decisions train it
        session.click(
            "title_abstract_include" if n % 2 else "title_abstract_exclude", f"ranked vote {n}"
        )
    session.click("title_abstract_undo", "undo the last")
    session.at.toggle(key="stopping_shown").set_value(True)
    session.run("stopping panel")
    session.open("full-text")  # ann's own includes: records 1, 3 ...; bob voted on record 1
    session.click("full_text_include", "include record 1 at full text")
    session.click("full_text_undo", "undo it (bob voted on it too)")
    session.click("full_text_include", "include the next at full text")
    session.click("full_text_undo", "undo it (only ann voted)")
    session.click("full_text_exclude", "exclude it without a reason")
    session.click("full_text_reason_3", "choose a reason (Wrong outcomes, key 3)")
    session.click("full_text_exclude", "exclude it with a reason")
    session.visit_all("after")
    # The Records page: each stage's decision, its filters and an opened record (record 1, the
    # last of twelve, newest first, which bob decided at both stages).
    session.open("records")
    session.click_row(11, "open record 1")
    session.choose("records_title_abstract", "include", "records included at title/abstract")
    session.choose("records_full_text", "undecided", "records waiting at full text")
    session.choose("records_title_abstract", "", "every record")
    session.choose("records_full_text", "exclude", "records excluded at full text")
    return session.seen


def test_a_reviewer_sees_the_same_whatever_the_other_voted(tmp_path, monkeypatch):
    shown = {}
    for name, votes in BOB_VOTES.items():
        path = tmp_path / name / "review.db"
        path.parent.mkdir()
        _build(path, votes)
        shown[name] = _script(Session(path, monkeypatch))
        with open_store(path) as store:
            forget(store)
    x, y = shown["x"], shown["y"]
    assert len(x) == len(y)
    for a, b in zip(x, y, strict=True):
        assert a == b, f"ann's pages differ with bob's votes:\n{a}\n---\n{b}"
    pages = {line for line in x if line.startswith("## after: page")}
    assert len(pages) >= 6  # every page ann may open was visited (overview, screen, records ...)
    everything = "\n".join(x)
    # the session did what it says: ann's Undo on record 1 (bob voted) was refused at both
    # stages, the ranking and its explanation were on show, and so was the stopping panel
    assert everything.count("decision on record 1 is final") == 2
    assert "Ranked high for" in everything and "Relevant found" in everything
    records = everything[everything.index("## page records") :]
    assert "Record 1" in records and "you: include" in records  # ann's own vote, opened
    assert "bob" not in records and "conflict" not in records
    assert ": no records_" not in records  # every filter was there to choose
