"""The Screen page at 1280x800 in Chromium: the decision bar on screen without scrolling, the
exclusion reasons on number keys, and the stopping panel's figures whole."""

from __future__ import annotations

import dataclasses

import pytest

from review.screening.decisions import save_settings, settings
from review.screening.model import Reviewer
from review.store import open_store
from tests.browser.harness import (
    STAGE,
    after,
    build_review,
    button,
    current_elements,
    main_area,
    shown_record,
    wait_idle,
)

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 800}
TITLE = (
    "Percutaneous image-guided cryoablation of Morton neuroma in adults with chronic forefoot "
    "pain: a prospective multicentre cohort study with two years of follow-up"
)
# 350 words, as a long structured abstract runs
ABSTRACT = " ".join(f"outcome{i}" if i % 9 else "patients reported pain relief" for i in range(350))
REASONS = (
    "Wrong population", "Wrong intervention", "Wrong comparator", "Wrong outcomes",
    "Wrong study design", "Animal study", "Not in English", "Conference abstract",
    "Duplicate", "Other",
)  # fmt: skip


def _review(tmp_path, n: int = 3):
    db = build_review(tmp_path / "review.db", [TITLE] * n, abstracts=[ABSTRACT] * n)
    with open_store(db) as store:
        rules = dataclasses.replace(settings(store), exclusion_reasons=REASONS)
        save_settings(store, rules, Reviewer("reviewer", "lead"))
    return db


def _on_screen(page, locator) -> bool:
    box = locator.bounding_box()
    assert box is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"]


def _open(new_page, base):
    page = new_page()
    page.set_viewport_size(VIEWPORT)
    page.goto(f"{base}/screen")
    shown_record(page)
    return page


def test_the_decisions_and_the_title_are_on_screen_without_scrolling(tmp_path, serve, new_page):
    page = _open(new_page, serve(_review(tmp_path)))
    assert len(page.locator("div.record-abstract").inner_text().split()) >= 350
    title = page.locator("h3.record-title")
    bar = [button(page, label) for label in ("Include", "Exclude", "Maybe", "Undo")]
    for element in (title, *bar):
        assert _on_screen(page, element), element
    # Scrolled to the end of the abstract, the decisions are still there (the bar stays).
    page.mouse.move(700, 600)
    page.locator("div.record-abstract").evaluate("e => e.scrollIntoView({block: 'end'})")
    page.wait_for_function("() => document.querySelector('h3.record-title')"
                           ".getBoundingClientRect().bottom < 0")  # fmt: skip
    for element in bar:
        assert _on_screen(page, element), element


REASON_BUTTONS = (
    '[class*="st-key-title_abstract_reasons"] '
    '[data-testid="stElementContainer"]:not([data-stale="true"]) button'
)


def _chosen(page) -> list[str]:
    """The reasons the page shows as chosen (primary buttons among the reasons)."""
    buttons = main_area(page).locator(REASON_BUTTONS + '[data-testid="stBaseButton-primary"]')
    texts = buttons.all_inner_texts()  # with the shortcut's badge and the icon's name
    return [reason for reason in REASONS if any(reason in t for t in texts)]


def _wait_chosen(page, reason: str, chosen: bool = True) -> None:
    page.wait_for_function(
        """([selector, reason, chosen]) => [...document.querySelectorAll(selector)].some(
            b => b.innerText.includes(reason)
                 && (b.dataset.testid === 'stBaseButton-primary') === chosen)""",
        arg=[REASON_BUTTONS, reason, chosen],
    )
    wait_idle(page)


def test_number_keys_choose_the_exclusion_reason(tmp_path, serve, new_page):
    db = _review(tmp_path)
    page = _open(new_page, serve(db))
    page.keyboard.press("3")
    _wait_chosen(page, "Wrong comparator")
    assert _chosen(page) == ["Wrong comparator"]
    page.keyboard.press("e")
    assert after(page, 1) == 2
    assert _chosen(page) == []  # the next record starts with no reason

    page.keyboard.press("2")
    _wait_chosen(page, "Wrong intervention")
    page.keyboard.press("2")  # pressed again: taken back
    _wait_chosen(page, "Wrong intervention", chosen=False)
    assert _chosen(page) == []
    # Digits typed into the note are the note, not a reason.
    note = page.get_by_placeholder("Note (optional)")
    note.press_sequentially("n=12")
    note.press("Enter")
    wait_idle(page)
    assert _chosen(page) == []
    page.locator("h3.record-title").click()  # out of the note: the keys are the page's again
    page.keyboard.press("e")
    assert after(page, 2) == 3
    with open_store(db) as store:
        rows = store.decision_rows(STAGE)
    assert [(r.record_id, r.decision, r.reason, r.note) for r in rows] == [
        (1, "exclude", "Wrong comparator", ""),
        (2, "exclude", "", "n=12"),
    ]


def test_the_stopping_panel_cuts_no_label_or_figure(tmp_path, serve, new_page):
    page = _open(new_page, serve(_review(tmp_path, n=2)))
    page.get_by_text("When can I stop screening?").click()
    panel = current_elements(page).get_by_text("Relevant still unscreened (estimate)")
    panel.wait_for()
    wait_idle(page)
    cut = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=stMain] *')]
            .filter(e => e.offsetParent !== null && (e.textContent || '').trim()
                    && e.scrollWidth > e.clientWidth + 1
                    && getComputedStyle(e).textOverflow === 'ellipsis')
            .map(e => e.textContent)"""
    )
    assert cut == []
