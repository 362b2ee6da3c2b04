"""Accounts in a real browser: the signed-in account is read again at every click, so a lead
demoted from outside loses the lead pages at the next click, and a removed reviewer (or one whose
password was reset) is signed out there and then."""

from __future__ import annotations

import pytest

from review.screening.model import Reviewer
from review.screening.reviewers import (
    add_reviewer,
    remove_reviewer,
    reset_password,
    set_reviewer_role,
)
from review.store import open_store
from tests.browser.harness import (
    build_review,
    current_elements,
    go_to,
    main_area,
    sign_in,
    wait_idle,
)

pytestmark = pytest.mark.browser

TITLES = ["Cryoablation of Morton neuroma: a cohort study", "Radiofrequency for knee pain"]
OWNER = Reviewer("owner", "lead")  # the file's owner, changing accounts from the command line
LEAD_PAGES = ["Conflicts", "Possible duplicates", "Report", "Sources", "Protocol"]
SIGNED_OUT = "You were signed out"


def nav_titles(page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNav"] a')
    return [t.strip() for t in links.all_inner_texts()]


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def test_a_demoted_lead_loses_the_lead_pages_at_the_next_click(tmp_path, serve, new_page):
    db = build_review(tmp_path / "review.db", TITLES, accounts=True, dual=True)
    with open_store(db) as store:
        add_reviewer(store, "kim", "lead", "kim-password", by=OWNER)  # so lee may be demoted
    base = serve(db)
    page = new_page()
    page.goto(base)
    sign_in(page, "lee")
    go_to(page, "Protocol")
    assert set(LEAD_PAGES) <= set(nav_titles(page))

    with open_store(db) as store:  # another process changes the account: nothing is pushed
        set_reviewer_role(store, "lee", "reviewer", by=Reviewer("kim", "lead"))

    go_to(page, "Records")  # the next click
    sidebar(page).get_by_text("Signed in as lee (reviewer)").wait_for()
    shown = nav_titles(page)
    assert "Records" in shown and "Screen" in shown
    assert not set(LEAD_PAGES) & set(shown), shown

    with open_store(db) as store:  # and made a lead again: the pages come back, still signed in
        set_reviewer_role(store, "lee", "lead", by=Reviewer("kim", "lead"))
    go_to(page, "Overview")
    sidebar(page).get_by_text("Signed in as lee (lead)").wait_for()
    assert set(LEAD_PAGES) <= set(nav_titles(page))


def test_a_removed_reviewer_is_signed_out_at_the_next_click(tmp_path, serve, new_page):
    db = build_review(tmp_path / "review.db", TITLES, accounts=True)
    base = serve(db)
    pages = {}
    for name in ("ann", "bob"):
        pages[name] = new_page()
        pages[name].goto(base)
        sign_in(pages[name], name)
        go_to(pages[name], "Records")

    with open_store(db) as store:
        remove_reviewer(store, "ann", by=OWNER)
        reset_password(store, "bob", "bob-new-password", by=OWNER)

    for name in ("ann", "bob"):
        page = pages[name]
        page.locator('[data-testid="stSidebarNav"]').get_by_role(
            "link", name="Overview", exact=True
        ).click()  # the next click
        current_elements(page).get_by_text(SIGNED_OUT).wait_for()
        page.get_by_label("Password", exact=True).wait_for()
        wait_idle(page)
        assert not sidebar(page).get_by_text("Signed in as").count()
        assert main_area(page).get_by_role("heading", name="Overview").count() == 0

    # ann cannot sign in again; bob can, with the new password only.
    ann = pages["ann"]
    ann.get_by_label("Name", exact=True).fill("ann")
    ann.get_by_label("Password", exact=True).fill("ann-password")
    ann.get_by_label("Password", exact=True).press("Enter")  # the form submits on Enter
    current_elements(ann).get_by_text("do not match").wait_for()
    sign_in(pages["bob"], "bob", "bob-new-password")
