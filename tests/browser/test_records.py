"""The Records page in Chromium: a click on a row of the table opens that record below it."""

from __future__ import annotations

import pytest

from tests.browser.harness import build_review, go_to, main_area, wait_idle

pytestmark = pytest.mark.browser

TITLES = ["Cryoablation of Morton neuroma", "Radiofrequency for knee pain", "Statins in adults"]
ROW_PX = 35  # the height of a header or a row of st.dataframe's grid


def click_row(page, position: int) -> None:
    """Click the selection box at the start of the row at ``position`` (0: the first row)."""
    grid = main_area(page).locator('[data-testid="stDataFrame"]')
    grid.locator('td[role="gridcell"]').first.wait_for(state="attached")  # the grid is drawn
    wait_idle(page)
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 16, box["y"] + ROW_PX * (position + 1) + ROW_PX / 2)


def test_a_click_on_a_row_opens_the_record(tmp_path, serve, new_page):
    db = build_review(tmp_path / "review.db", TITLES)
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(serve(db))
    go_to(page, "Records")
    click_row(page, 1)  # newest first: record 2
    heading = main_area(page).get_by_role("heading", name="Record 2", exact=True)
    heading.wait_for()
    texts = main_area(page).locator('[data-testid="stText"]')
    texts.get_by_text(TITLES[1], exact=True).wait_for()
    # The grid's cells (glide-data-grid keeps them in the page for assistive technology): an
    # empty one is empty, never "None".
    cells = main_area(page).locator('td[role="gridcell"]').all_text_contents()
    assert TITLES[1] in cells and "None" not in cells and "" in cells
    click_row(page, 0)
    main_area(page).get_by_role("heading", name="Record 3", exact=True).wait_for()
    wait_idle(page)
    assert not heading.count()


def test_possible_duplicates_are_decided_by_key(tmp_path, serve, new_page):
    """D keeps the pair on show apart; the decided list then names both records' titles."""
    from collections import namedtuple

    from review.store import open_store

    db = build_review(tmp_path / "review.db", TITLES)
    Match = namedtuple("Match", "a b score verdict reasons")
    with open_store(db) as store:
        store.save_matches([Match(1, 2, 0.8, "possible", ("title 0.90",))], "review")
    page = new_page()
    page.goto(serve(db))
    go_to(page, "Possible duplicates")
    main_area(page).get_by_role("button", name="Different studies: keep apart").wait_for()
    wait_idle(page)
    page.keyboard.press("d")
    main_area(page).get_by_text("No possible duplicates are waiting.").wait_for()
    label = f"1: {TITLES[0]} ~ 2: {TITLES[1]} (kept apart by reviewer, score 0.80)"
    main_area(page).get_by_text(label).wait_for()
    with open_store(db) as store:
        assert store.pairs()[0].status == "rejected"
