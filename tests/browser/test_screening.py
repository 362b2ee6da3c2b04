"""The screening pages in a real browser, against a live `streamlit run` on a review database.

Decisions are checked through the library (never by reading the page back), and every wait is
for an element of the page, not a pause.
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest

from review.screening.decisions import conflicts, progress
from review.store import open_store
from tests.browser import harness
from tests.browser.harness import (
    NOTHING_LEFT,
    STAGE,
    after,
    build_review,
    button,
    click_decision,
    current_elements,
    go_to,
    main_area,
    shown_record,
    sign_in,
    wait_idle,
)

pytestmark = pytest.mark.browser

TITLES = [
    "Cryoablation of Morton neuroma: a cohort study",
    "Radiofrequency versus cryoablation for knee pain",
    "Nerve injury in a rat model of sciatic freezing",
]


def eventually(check, timeout: float = 5.0):
    """Poll the database until ``check()`` is truthy (the page may show before a slow write)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


def standing(db, kind: str = "screening") -> dict[int, dict[str, str]]:
    """record -> reviewer -> standing title/abstract decision, folded from the library's events
    (an "undo" withdraws the one before it)."""
    with open_store(db) as store:
        rows = store.decision_rows(STAGE)
    stacks: dict[int, dict[str, list[str]]] = {}
    for row in rows:
        if row.kind != kind:
            continue
        stack = stacks.setdefault(row.record_id, {}).setdefault(row.reviewer, [])
        if row.decision == "undo":
            stack.pop()
        else:
            stack.append(row.decision)
    return {
        record: {name: stack[-1] for name, stack in by.items() if stack}
        for record, by in stacks.items()
    }


def current(db, record_id: int) -> dict[str, str]:
    return standing(db).get(record_id, {})


def test_dual_screening_conflict_and_resolution(tmp_path, serve, new_page):
    db = build_review(tmp_path / "review.db", TITLES, accounts=True, dual=True)
    base = serve(db)
    pages = {}
    for name in ("ann", "bob"):  # two people signed in at once, each in their own context
        pages[name] = new_page()
        pages[name].goto(base)
        sign_in(pages[name], name)
        go_to(pages[name], "Screen")
    plan = {"ann": ["Include", "Include", "Exclude"], "bob": ["Include", "Exclude", "Exclude"]}
    for name, labels in plan.items():
        page = pages[name]
        for expected, label in enumerate(labels, start=1):
            assert shown_record(page) == expected
            # Blind screening: bob is shown record 2 after ann decided it, but not her decision.
            assert not re.search(r"\bann\b", main_area(page).inner_text())
            shown_next = click_decision(page, label)
            assert shown_next == (expected + 1 if expected < len(labels) else None)
        current_elements(page).get_by_text(NOTHING_LEFT).wait_for()

    assert current(db, 1) == {"ann": "include", "bob": "include"}
    assert current(db, 2) == {"ann": "include", "bob": "exclude"}
    assert current(db, 3) == {"ann": "exclude", "bob": "exclude"}
    with open_store(db) as store:
        assert [c.record_id for c in conflicts(store, STAGE)] == [2]

    lead = new_page()
    lead.goto(base)
    sign_in(lead, "lee")
    go_to(lead, "Conflicts")
    main = current_elements(lead)
    title = lead.locator('h3.record-title[data-record-id="2"]')
    assert title.inner_text() == TITLES[1]
    assert lead.locator("h3.record-title").count() == 1  # the only conflict
    main.get_by_text("ann: include").wait_for()
    main.get_by_text("bob: exclude").wait_for()
    button(lead, "Include").first.click()
    main.get_by_text("bob: exclude").wait_for(state="detached")

    with open_store(db) as store:
        assert eventually(lambda: not conflicts(store, STAGE))
        counts = progress(store, None, STAGE)
    assert standing(db, "resolution") == {2: {"lee": "include"}}
    # Record 1 agreed include, 3 agreed exclude: record 2 is the second inclusion.
    assert (counts.decided, counts.included, counts.excluded, counts.conflicts) == (3, 2, 1, 0)


def test_a_link_to_a_page_asks_for_sign_in_first(tmp_path, serve, new_page):
    """Someone following a link to a page (a bookmark, a shared URL) can sign in straight away."""
    db = build_review(tmp_path / "review.db", TITLES, accounts=True, dual=True)
    base = serve(db)
    covered = {}
    for path in ("screen", "conflicts", "records"):
        page = new_page()
        page.goto(f"{base}/{path}")
        page.get_by_label("Password", exact=True).wait_for()
        wait_idle(page)
        dialog = page.get_by_role("dialog")
        if dialog.count():
            covered[path] = dialog.first.inner_text()
        else:
            sign_in(page, "lee")
    assert not covered, f"a dialog covers the sign-in form of these links: {covered}"


def test_keyboard_shortcuts(tmp_path, serve, new_page):
    db = build_review(tmp_path / "review.db", TITLES)  # no accounts: no sign-in
    page = new_page()
    page.goto(f"{serve(db)}/screen")
    assert shown_record(page) == 1  # and ready: the shortcuts are bound

    page.keyboard.press("i")
    assert after(page, 1) == 2
    assert eventually(lambda: list(current(db, 1).values()) == ["include"])

    page.keyboard.press("u")
    assert after(page, 2) == 1
    assert eventually(lambda: current(db, 1) == {})

    page.keyboard.press("e")
    assert after(page, 1) == 2
    assert eventually(lambda: list(current(db, 1).values()) == ["exclude"])


HOSTILE = '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2"> <b>bold</b>'


def test_markup_in_a_record_is_shown_literally(tmp_path, serve, new_page):
    title = f"Cryoablation in a rat {HOSTILE} **stars**"
    abstract = f"Abstract {HOSTILE} **stars** and [a link](http://example.org) end"
    db = build_review(tmp_path / "review.db", [title], abstracts=[abstract])
    page = new_page()
    page.goto(f"{serve(db)}/screen")
    assert shown_record(page) == 1

    heading = page.locator("h3.record-title")
    summary = page.locator("div.record-abstract")
    for element in (heading, summary):
        shown = element.inner_text()
        for literal in (
            "<script>window.__pwned=1</script>",
            '<img src=x onerror="window.__pwned=2">',
            "<b>bold</b>",
            "**stars**",
        ):
            assert literal in shown
        assert element.locator("b, strong, script, img, a").count() == 0
    assert "[a link](http://example.org)" in summary.inner_text()
    assert "<script>" in page.inner_text("body")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    # The highlighting is the only markup the page adds.
    assert heading.locator("mark.include").inner_text().lower() == "cryoablation"
    assert heading.locator("mark.exclude").inner_text().lower() == "rat"


def test_a_refresh_loses_no_decision(tmp_path, serve, new_page):
    db = build_review(tmp_path / "review.db", TITLES)
    page = new_page()
    page.goto(f"{serve(db)}/screen")
    assert click_decision(page, "Include") == 2
    assert click_decision(page, "Exclude") == 3

    page.reload()
    current_elements(page).get_by_role("heading", name="Screen").wait_for()
    assert shown_record(page) == 3
    assert list(current(db, 1).values()) == ["include"]
    assert list(current(db, 2).values()) == ["exclude"]
    assert current(db, 3) == {}


def _kill_server(base: str) -> None:
    """SIGKILL the streamlit process serving ``base``: no shutdown code runs."""
    port = base.rsplit(":", 1)[1]
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(args) and port.encode() in args:
            os.kill(int(cmdline.parent.name), signal.SIGKILL)
            return
    raise AssertionError(f"no streamlit process serves {base}")


def test_a_killed_server_loses_no_decision(tmp_path, new_page):
    db = build_review(tmp_path / "review.db", TITLES)
    with harness.serve(db) as base:
        page = new_page()
        page.goto(f"{base}/screen")
        assert click_decision(page, "Include") == 2
        assert click_decision(page, "Exclude") == 3
        _kill_server(base)
    with harness.serve(db) as base:  # the server started again on the same review
        page = new_page()
        page.goto(f"{base}/screen")
        current_elements(page).get_by_role("heading", name="Screen").wait_for()
        assert shown_record(page) == 3
    assert list(current(db, 1).values()) == ["include"]
    assert list(current(db, 2).values()) == ["exclude"]


def test_undo_after_the_other_reviewer_voted_is_refused(tmp_path, serve, new_page):
    """Dual screening: once bob has voted on a record, ann's vote on it is final (her Undo is
    refused with the library's message and her vote stands); Undo still takes back a vote only
    ann has cast."""
    db = build_review(tmp_path / "review.db", TITLES, accounts=True, dual=True)
    base = serve(db)
    pages = {}
    for name in ("bob", "ann"):
        pages[name] = new_page()
        pages[name].goto(base)
        sign_in(pages[name], name)
        go_to(pages[name], "Screen")
    bob, ann = pages["bob"], pages["ann"]
    assert shown_record(bob) == 1
    assert click_decision(bob, "Exclude") == 2
    assert eventually(lambda: current(db, 1) == {"bob": "exclude"})

    assert shown_record(ann) == 1
    assert click_decision(ann, "Include") == 2
    assert eventually(lambda: current(db, 1) == {"ann": "include", "bob": "exclude"})
    button(ann, "Undo").click()
    refusal = current_elements(ann).get_by_text("decision on record 1 is final")
    refusal.wait_for()
    assert "A lead changes it on the Conflicts page." in refusal.inner_text()
    wait_idle(ann)
    assert shown_record(ann) == 2  # the page stays where it was
    assert current(db, 1) == {"ann": "include", "bob": "exclude"}  # her vote stands
    with open_store(db) as store:
        assert [r.decision for r in store.decision_rows(STAGE)].count("undo") == 0

    # Record 2: only ann decides it, so her Undo works.
    assert click_decision(ann, "Exclude") == 3
    assert eventually(lambda: current(db, 2) == {"ann": "exclude"})
    button(ann, "Undo").click()
    assert after(ann, 3) == 2
    assert eventually(lambda: current(db, 2) == {})
    assert main_area(ann).get_by_text("is final").count() == 0
