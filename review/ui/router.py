"""The app's pages, one per stage of the review; st.navigation routes between them.

With reviewer accounts, nothing but the sign-in page exists until someone signs in, and leads
see the pages only leads use.
"""

from __future__ import annotations

import streamlit as st

from review.ui import conflicts, duplicates, overview, records, screen, settings, signin
from review.ui.state import current_reviewer, has_accounts


def main() -> None:
    st.set_page_config(page_title="review", layout="wide")
    reviewer = current_reviewer()
    if reviewer is None:
        st.navigation([st.Page(signin.page, title="Sign in", url_path="signin")]).run()
        return
    pages = [
        st.Page(overview.page, title="Overview", url_path="overview", default=True),
        st.Page(screen.title_abstract_page, title="Screen", url_path="screen"),
        st.Page(screen.full_text_page, title="Full text", url_path="full-text"),
    ]
    if reviewer.is_lead:
        pages.append(st.Page(conflicts.page, title="Conflicts", url_path="conflicts"))
    pages += [
        st.Page(duplicates.page, title="Possible duplicates", url_path="duplicates"),
        st.Page(records.page, title="Records", url_path="records"),
        st.Page(settings.page, title="Settings", url_path="settings"),
    ]
    if has_accounts():
        signin.sidebar(reviewer)
    st.navigation(pages).run()
