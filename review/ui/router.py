"""The app's pages, one per stage of the review; st.navigation routes between them.

With reviewer accounts, nothing but the sign-in page exists until someone signs in, and only
leads see the pages only leads use. The role is read from the database on every rerun.
"""

from __future__ import annotations

import streamlit as st

from review.ui import (
    conflicts,
    duplicates,
    extraction,
    overview,
    protocol,
    records,
    report,
    screen,
    signin,
    sources,
    studies,
)
from review.ui.state import current_reviewer, has_accounts

# Pages only a lead uses: they are not offered to a reviewer at all (and the library refuses
# what they do to anyone but a lead). A lead made a reviewer loses them at the next click.
LEAD_PAGES = ("conflicts", "duplicates", "report", "sources", "protocol")


def _pages(reviewer) -> list[tuple]:
    """(function, title, url path) of the pages this reviewer may open, the first the default."""
    pages = [
        (overview.page, "Overview", "overview"),
        (screen.title_abstract_page, "Screen", "screen"),
        (screen.full_text_page, "Full text", "full-text"),
        (conflicts.page, "Conflicts", "conflicts"),
        (duplicates.page, "Possible duplicates", "duplicates"),
        (records.page, "Records", "records"),
        (studies.page, "Studies", "studies"),
        (extraction.page, "Extraction", "extraction"),
        (report.page, "Report", "report"),
        (sources.page, "Sources", "sources"),
        (protocol.page, "Protocol", "protocol"),
    ]
    if reviewer is not None and not reviewer.is_lead:
        pages = [p for p in pages if p[2] not in LEAD_PAGES]
    return pages


def _signing_in(path: str):
    def page() -> None:
        signin.page()

    page.__name__ = f"sign_in_{path.replace('-', '_')}"  # one page per address
    return page


def _home(first: list):
    """The app's root address. Streamlit serves its default page at "/" and drops that page's
    own path (/overview would be "Page not found"), so the default is a hidden page of its own
    that sends the browser on to the first real page, and every page keeps its address."""

    def home() -> None:
        if first:
            st.switch_page(first[0])
        signin.page()  # signed out: "/" is the sign-in form too

    return st.Page(home, title="Sign in", url_path=HOME, default=True, visibility="hidden")


def _moved(old: str, new: str, pages: list):
    """An address a page used to have (a bookmark, a link in a note): it opens the page that
    took its place, or the first page for a reviewer who may not open that one."""
    target = next((p for p in pages if p.url_path == new), pages[0])

    def moved() -> None:
        st.switch_page(target)

    moved.__name__ = f"moved_{old.replace('-', '_')}"
    return st.Page(moved, title=target.title, url_path=old, visibility="hidden")


# Old address: the page now at it. Settings joined Protocol in issue 16.
MOVED = {"settings": "protocol"}

HOME = "home"  # the default page's own path: the same signed in and out, so signing in at "/"
# reruns the same page, which then opens the first page


def main() -> None:
    st.set_page_config(page_title="review", layout="wide")
    reviewer = current_reviewer()
    if reviewer is None:
        # Every address answers with the sign-in form, and after signing in the same address
        # shows the page that was asked for.
        paths = [path for _function, _title, path in _pages(None)] + list(MOVED)
        hidden = [_home([])] + [
            st.Page(_signing_in(path), title="Sign in", url_path=path) for path in paths
        ]
        st.navigation(hidden, position="hidden").run()
        return
    if has_accounts():
        signin.sidebar(reviewer)
    pages = [
        st.Page(function, title=title, url_path=path) for function, title, path in _pages(reviewer)
    ]
    moved = [_moved(old, new, pages) for old, new in MOVED.items()]
    st.navigation([_home(pages[:1]), *pages, *moved]).run()
