"""The app's pages, one per stage of the review; st.navigation routes between them."""

from __future__ import annotations

import streamlit as st

from review.ui import duplicates, overview, records


def main() -> None:
    st.set_page_config(page_title="review", layout="wide")
    pages = [
        st.Page(overview.page, title="Overview", url_path="overview", default=True),
        st.Page(records.page, title="Records", url_path="records"),
        st.Page(duplicates.page, title="Possible duplicates", url_path="duplicates"),
    ]
    st.navigation(pages).run()
