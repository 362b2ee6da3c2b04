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


def main() -> None:
    st.set_page_config(page_title="review", layout="wide")
    reviewer = current_reviewer()
    if reviewer is None:
        # Every address answers with the sign-in form, and after signing in the same address
        # shows the page that was asked for.
        hidden = [
            st.Page(_signing_in(path), title="Sign in", url_path=path, default=(i == 0))
            for i, (_function, _title, path) in enumerate(_pages(None))
        ]
        st.navigation(hidden, position="hidden").run()
        return
    if has_accounts():
        signin.sidebar(reviewer)
    pages = [
        st.Page(function, title=title, url_path=path, default=(i == 0))
        for i, (function, title, path) in enumerate(_pages(reviewer))
    ]
    st.navigation(pages).run()
