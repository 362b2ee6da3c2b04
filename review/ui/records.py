"""Records: browse and search what the review holds. Record text is always shown as text."""

from __future__ import annotations

import streamlit as st

from review.records import author_list
from review.ui.downloads import records_download
from review.ui.state import me, review_store

PAGE = 50


def page() -> None:
    store = review_store()
    st.title("Records")
    text = st.text_input(
        "Search titles, abstracts, authors, keywords and MeSH (cryo* for words that begin so), "
        "or a PMID/DOI",
        key="records_search",
    )
    total = store.count_matching(text)
    pages = max(1, -(-total // PAGE))
    number = st.number_input("Page", min_value=1, max_value=pages, value=1, key="records_page")
    order = "best match first" if text.strip() else "newest first"
    st.caption(f"{total:,} records, {order}; page {number} of {pages}")
    rows = store.record_rows(search=text, limit=PAGE, offset=(number - 1) * PAGE)
    st.dataframe(
        [
            {
                "id": r.id,
                "PMID": r.pmid,
                "title": r.title,
                "authors": author_list(r.authors),
                "journal": r.journal,
                "year": r.year,
            }
            for r in rows
        ],
        hide_index=True,
        use_container_width=True,
    )
    records_download(store, me())
    choices = [r.id for r in rows]
    if not choices:
        return
    chosen = st.selectbox("Show record", choices, key="records_show")
    record = store.record(chosen)
    if record is None:
        return
    st.subheader("Record")
    primary = store.duplicate_of().get(chosen)
    if primary is not None:
        st.caption(f"A duplicate of record {primary}: it is screened and reported as that record.")
    st.text(record.title)  # st.text never renders markup: titles may hold HTML or markdown
    st.text(", ".join(a.display for a in record.authors))
    st.text(" ".join(p for p in (record.journal, str(record.year or ""), record.volume) if p))
    if record.abstract:
        st.text(record.abstract)
