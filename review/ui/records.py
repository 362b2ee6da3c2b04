"""Records: every record of the review with its decision at each stage, conflicts, sources and
duplicate group; filters on each, full-text search, and a click on a row opens the record.

The table is one page of the records the filters select (review.records_table pages in SQL), so
a review of 100,000 records is never loaded whole. Decisions are as the viewer may see them: a
reviewer under dual screening sees their own and leads' resolutions, never a conflict. Record
text is always shown as text (table cells, st.text), never as markup.
"""

from __future__ import annotations

import zlib

import streamlit as st

from review.records_table import (
    DECISION_FILTERS,
    DUPLICATE_FILTERS,
    RecordDetail,
    RecordFilters,
    record_detail,
    record_table,
    table_sources,
)
from review.screening.decisions import sees_all, settings
from review.screening.model import STAGE_LABELS, Reviewer
from review.ui.downloads import records_download
from review.ui.state import me, review_store

PAGE = 50
OPEN = "records_open"  # the record opened from the table, kept while other pages are shown
DUPLICATE_WORDS = {
    "": "All records",
    "primary": "Not a duplicate of another (screened)",
    "duplicate": "Duplicates of another record",
    "grouped": "In a duplicate group",
}
assert set(DUPLICATE_WORDS) == {"", *DUPLICATE_FILTERS}


def _decision_filter(column, stage: str, blinded: bool) -> str:
    options = ["", *(d for d in DECISION_FILTERS if not (blinded and d == "conflict"))]
    return column.selectbox(
        f"{STAGE_LABELS[stage].capitalize()} decision",
        options,
        format_func=lambda d: d or "Any",
        key=f"records_{stage}",
    )


def _filters(store, blinded: bool) -> RecordFilters:
    search = st.text_input(
        "Search titles, abstracts, authors, keywords and MeSH (cryo* for words that begin so), "
        "or a PMID/DOI",
        key="records_search",
    )
    first, second, third, fourth = st.columns(4)
    title_abstract = _decision_filter(first, "title_abstract", blinded)
    full_text = _decision_filter(second, "full_text", blinded)
    sources = {s.key: s.label for s in table_sources(store)}
    source = third.selectbox(
        "Source",
        ["", *sources],
        format_func=lambda key: sources.get(key, "All sources"),  # shown as plain text
        key="records_source",
    )
    duplicates: str = fourth.selectbox(
        "Duplicates", list(DUPLICATE_WORDS), format_func=lambda d: DUPLICATE_WORDS[d],
        key="records_duplicates",
    ) or ""  # fmt: skip
    conflict = False
    if not blinded:  # a blinded reviewer may not learn where others disagree
        conflict = st.checkbox("Only records with a conflict", key="records_conflict")
    return RecordFilters(search, source, duplicates, title_abstract, full_text, conflict)


def page() -> None:
    store, viewer = review_store(), me()
    st.title("Records")
    blinded = settings(store).dual and not sees_all(viewer)
    filters = _filters(store, blinded)
    signature = repr(filters)
    if st.session_state.get("records_filters") != signature:  # new filters: their first page
        st.session_state["records_filters"] = signature
        st.session_state["records_page"] = 1
    number = int(st.session_state.get("records_page") or 1)
    table = record_table(store, viewer, filters, limit=PAGE, offset=(number - 1) * PAGE)
    pages = max(1, -(-table.total // PAGE))
    if number > pages:  # the review shrank under a later page (a merge): show the last
        number = st.session_state["records_page"] = pages
        table = record_table(store, viewer, filters, limit=PAGE, offset=(number - 1) * PAGE)
    order = "best match first" if filters.search.strip() else "newest first"
    choose, about = st.columns([1, 4], vertical_alignment="bottom")  # the grid's tools: right
    choose.number_input("Page", min_value=1, max_value=pages, key="records_page")
    about.caption(
        f"{table.total:,} records, {order}; page {number} of {pages}. Click a row to open the "
        "record." + (" Decisions: yours, and leads' resolutions." if table.blinded else "")
    )
    rows = [
        {
            "id": r.id,
            "title": r.title,
            "title/abstract": r.title_abstract,
            "full text": r.full_text,
            **({} if table.blinded else {"conflict": r.conflict}),
            "duplicate group": r.duplicate_group,
            "sources": r.sources,
            "year": r.year,
            "authors": r.authors,
            "journal": r.journal,
            "PMID": r.pmid,
            "DOI": r.doi,
        }
        for r in table.rows
    ]
    # A key of its own for each page of each filtering: a selection is a row's position, which
    # means another record on another page.
    key = f"records_table_{zlib.crc32(f'{signature}|{number}'.encode()):08x}"
    event = st.dataframe(
        rows, hide_index=True, width="stretch", on_select="rerun",
        selection_mode="single-row", key=key,
        column_config={"title": st.column_config.TextColumn("title", width="medium")},
    )  # fmt: skip
    chosen = event.selection.rows if event is not None else []
    if chosen and chosen[0] < len(table.rows):
        st.session_state[OPEN] = table.rows[chosen[0]].id
    opened = st.session_state.get(OPEN)
    if opened is not None:  # just below the table, so the click shows it without scrolling far
        detail = record_detail(store, viewer, int(opened))
        if detail is not None:
            _show(detail, viewer)
    records_download(store, viewer)


def _show(detail: RecordDetail, viewer: Reviewer) -> None:
    record, row = detail.record, detail.row
    st.subheader(f"Record {detail.id}")
    if row.link_kind:
        st.caption(
            f"A{'n erratum' if row.link_kind == 'erratum' else ' duplicate'} of record "
            f"{row.duplicate_group}: it is screened and reported as that record."
        )
    st.text(record.title)  # st.text never renders markup: titles may hold HTML or markdown
    st.text(", ".join(a.display for a in record.authors))
    where = " ".join(p for p in (record.journal, str(record.year or ""), record.volume) if p)
    st.text(where)
    ids = " · ".join(
        f"{name} {value}" for name, value in (("PMID", record.pmid), ("DOI", record.doi)) if value
    )
    if ids:
        st.text(ids)
    st.text(f"Sources: {row.sources}")
    if detail.group:
        st.text(
            "Duplicate group: " + "; ".join(f"record {rid}: {title}" for rid, title in detail.group)
        )
    for stage in detail.stages:
        label = STAGE_LABELS[stage.stage].capitalize()
        if not stage.listed:
            st.text(f"{label}: not on this stage's list.")
            continue
        lines = [f"{label}: {stage.shown or 'undecided'}"]
        for vote in stage.votes:
            who = "you" if vote.reviewer == viewer.name else vote.reviewer
            lines.append(f"  {who}: {vote.decision}" + (f" ({vote.reason})" if vote.reason else ""))
        if stage.resolution is not None:
            r = stage.resolution
            lines.append(
                f"  resolved by {r.reviewer}: {r.decision}" + (f" ({r.reason})" if r.reason else "")
            )
        st.text("\n".join(lines))
    if record.abstract:
        st.text(record.abstract)
