"""Sessions and addresses in a real browser: a sign-in survives a refresh and a new tab (a token in
a cookie); signing out, a password reset or a removal ends it, the old cookie giving nothing; a role
change is read again; every page's address opens that page, signed in or after signing in; Enter
signs in."""

from __future__ import annotations

import pytest

from review.screening.model import Reviewer
from review.screening.reviewers import add_reviewer, reset_password, set_reviewer_role
from review.screening.sessions import sign_in_history, token_hash
from review.store import open_store
from tests.browser.harness import (
    PASSWORDS,
    build_review,
    current_elements,
    go_to,
    main_area,
    sign_in,
    wait_idle,
)

pytestmark = pytest.mark.browser

TITLES = ["Cryoablation of Morton neuroma: a cohort study", "Radiofrequency for knee pain"]
OWNER = Reviewer("owner", "lead")
ADDRESSES = {  # path: the page's heading (Protocol is a lead's page)
    "overview": "Overview",
    "screen": "Screen",
    "full-text": "Full text",
    "records": "Records",
    "studies": "Studies",
    "protocol": "Protocol",
}
NOT_FOUND = "Page not found"
COOKIE = "review_session_"


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def on_page(page, title: str) -> None:
    main_area(page).get_by_role("heading", name=title, exact=True).wait_for()
    wait_idle(page)


def signed_in_as(page, name: str, role: str) -> None:
    sidebar(page).get_by_text(f"Signed in as {name} ({role})").wait_for()
    wait_idle(page)


def at_sign_in(page) -> None:
    page.get_by_label("Password", exact=True).wait_for()
    wait_idle(page)
    assert not sidebar(page).get_by_text("Signed in as").count()


def session_cookies(context) -> list[dict]:
    return [c for c in context.cookies() if c["name"].startswith(COOKIE)]


def cookie_gone(page) -> None:
    page.wait_for_function(f"() => !document.cookie.includes({COOKIE!r})")


def nav_titles(page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNav"] a')
    return [t.strip() for t in links.all_inner_texts()]


def test_a_refresh_and_a_new_tab_stay_signed_in(tmp_path, serve, new_page):
    db = build_review(tmp_path / "review.db", TITLES, accounts=True)
    base = serve(db)
    page = new_page()
    page.goto(f"{base}/records")
    sign_in(page, "ann")
    on_page(page, "Records")

    [cookie] = session_cookies(page.context)
    assert (cookie["path"], cookie["sameSite"]) == ("/", "Strict")
    with open_store(db) as store:  # the file keeps the token's hash, never the token
        [kept] = sign_in_history(store, "ann")
        assert store.scalar("SELECT token_hash FROM sessions") == token_hash(cookie["value"])
        assert not store.scalar(
            "SELECT count(*) FROM sessions WHERE token_hash = ?", (cookie["value"],)
        )
    assert cookie["expires"] == pytest.approx(kept.expires, abs=120)  # ends with the sign-in

    page.reload()
    signed_in_as(page, "ann", "reviewer")
    on_page(page, "Records")
    assert page.url == f"{base}/records"

    tab = page.context.new_page()  # same browser, so same cookies
    tab.goto(f"{base}/screen")
    signed_in_as(tab, "ann", "reviewer")
    on_page(tab, "Screen")
    assert not tab.get_by_text(NOT_FOUND).count()


def test_signing_out_ends_the_sign_in_in_every_tab_and_the_old_cookie_gives_nothing(
    tmp_path, serve, new_page
):
    db = build_review(tmp_path / "review.db", TITLES, accounts=True)
    base = serve(db)
    page = new_page()
    page.goto(base)
    sign_in(page, "ann")
    on_page(page, "Overview")
    assert page.url == f"{base}/overview"  # the root address opens the first page, by its name
    [cookie] = session_cookies(page.context)
    tab = page.context.new_page()
    tab.goto(f"{base}/records")
    signed_in_as(tab, "ann", "reviewer")

    sidebar(page).get_by_role("button", name="Sign out").click()
    at_sign_in(page)
    cookie_gone(page)
    assert not session_cookies(page.context)

    go_to_overview = tab.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name="Overview", exact=True
    )
    go_to_overview.click()  # the other tab's next click
    current_elements(tab).get_by_text("You were signed out").wait_for()
    at_sign_in(tab)

    # A browser that kept a copy of the cookie gets the sign-in form, and loses the copy.
    other = new_page()
    other.context.add_cookies([{"name": cookie["name"], "value": cookie["value"], "url": base}])
    other.goto(f"{base}/records")
    at_sign_in(other)
    cookie_gone(other)
    with open_store(db) as store:
        assert [s.revoked_why for s in sign_in_history(store, "ann")] == ["sign-out"]


def test_a_password_reset_ends_the_sign_in_and_a_role_change_is_read_again(
    tmp_path, serve, new_page
):
    db = build_review(tmp_path / "review.db", TITLES, accounts=True)
    with open_store(db) as store:
        add_reviewer(store, "kim", "lead", "kim-password", by=OWNER)  # so lee may be demoted
    base = serve(db)
    lee, ann = new_page(), new_page()
    for page, name in ((lee, "lee"), (ann, "ann")):
        page.goto(f"{base}/records")
        sign_in(page, name)
        on_page(page, "Records")
    assert "Protocol" in nav_titles(lee)

    with open_store(db) as store:  # from the command line, while both are signed in
        set_reviewer_role(store, "lee", "reviewer", by=Reviewer("kim", "lead"))
        reset_password(store, "ann", "new-ann-password", by=OWNER)

    lee.reload()
    signed_in_as(lee, "lee", "reviewer")  # still signed in, as the account is now
    on_page(lee, "Records")
    assert "Protocol" not in nav_titles(lee) and "Records" in nav_titles(lee)

    ann.reload()
    at_sign_in(ann)  # the cookie from before the reset gives nothing
    cookie_gone(ann)
    sign_in(ann, "ann", "new-ann-password")
    on_page(ann, "Records")


def test_every_address_opens_its_page_after_signing_in_and_when_signed_in(
    tmp_path, serve, new_page
):
    db = build_review(tmp_path / "review.db", TITLES, accounts=True)
    base = serve(db)
    page = None
    for path, title in ADDRESSES.items():
        page = new_page()  # a fresh browser: no cookie
        page.goto(f"{base}/{path}")
        at_sign_in(page)
        assert not page.get_by_text(NOT_FOUND).count(), path
        sign_in(page, "lee")
        on_page(page, title)
        assert page.url == f"{base}/{path}"
        assert not page.get_by_text(NOT_FOUND).count(), path

    assert page is not None
    tab = page.context.new_page()  # signed in: each address opens straight away
    for path, title in ADDRESSES.items():
        tab.goto(f"{base}/{path}")
        signed_in_as(tab, "lee", "lead")
        on_page(tab, title)
        assert tab.url == f"{base}/{path}"
        assert not tab.get_by_text(NOT_FOUND).count(), path
    go_to(tab, "Records")  # and the sidebar still moves between them
    assert tab.url == f"{base}/records"


def test_the_settings_address_opens_the_protocol_that_took_its_place(tmp_path, serve, new_page):
    """/settings (the page that joined Protocol) in a bookmark: Protocol for a lead, signed in
    there or already; a reviewer, who may not open Protocol, gets the first page."""
    db = build_review(tmp_path / "review.db", TITLES, accounts=True)
    base = serve(db)
    page = new_page()
    page.goto(f"{base}/settings")
    at_sign_in(page)
    sign_in(page, "lee")
    on_page(page, "Protocol")
    assert page.url == f"{base}/protocol"
    tab = page.context.new_page()
    tab.goto(f"{base}/settings")
    on_page(tab, "Protocol")
    assert not tab.get_by_text(NOT_FOUND).count()

    ann = new_page()
    ann.goto(f"{base}/settings")
    sign_in(ann, "ann")
    on_page(ann, "Overview")
    assert ann.url == f"{base}/overview"
    assert not ann.get_by_text(NOT_FOUND).count()


@pytest.mark.parametrize("path", ["overview", "screen"])
def test_enter_signs_in(tmp_path, serve, new_page, path):
    db = build_review(tmp_path / "review.db", TITLES, accounts=True)
    base = serve(db)
    page = new_page()
    page.goto(f"{base}/{path}")
    at_sign_in(page)
    page.get_by_label("Name", exact=True).click()
    page.keyboard.type("ann")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORDS["ann"])
    page.keyboard.press("Enter")  # no click on Sign in
    signed_in_as(page, "ann", "reviewer")
    on_page(page, ADDRESSES[path])

    other = new_page()  # Enter in the name field, the password typed first, signs in too
    other.goto(f"{base}/{path}")
    at_sign_in(other)
    other.get_by_label("Password", exact=True).fill(PASSWORDS["bob"])
    other.get_by_label("Name", exact=True).fill("bob")
    other.get_by_label("Name", exact=True).press("Enter")
    signed_in_as(other, "bob", "reviewer")
    on_page(other, ADDRESSES[path])
