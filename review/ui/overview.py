"""Overview: what the review holds and where it came from."""

from __future__ import annotations

import streamlit as st

from review.screening.decisions import progress
from review.ui.render import plain
from review.ui.state import review_path, store


def page() -> None:
    db = store()
    summary = db.review_summary()
    st.title("Overview")
    st.caption(plain(f"Review database: {review_path()}"))
    left, middle, right = st.columns(3)
    left.metric("Records", f"{summary['records']:,}")
    middle.metric("Queued for screening", f"{summary['queued_for_screening']:,}")
    right.metric("Saved searches", summary["searches"])
    duplicates = db.duplicate_summary()
    st.caption(
        f"Duplicates: {duplicates['removed']:,} records marked as duplicates of another; "
        f"{duplicates.get('pending', 0):,} possible duplicates waiting for a reviewer."
    )
    st.subheader("The review so far (PRISMA)")
    title_abstract = progress(db, "", "title_abstract")
    full_text = progress(db, "", "full_text")
    st.dataframe(
        [
            {"step": "Records identified", "records": summary["records"]},
            {"step": "Duplicates removed", "records": duplicates["removed"]},
            {"step": "Records screened (title/abstract)", "records": title_abstract.decided},
            {"step": "Records excluded (title/abstract)", "records": title_abstract.excluded},
            {
                "step": "Waiting for title/abstract screening",
                "records": title_abstract.total - title_abstract.decided,
            },  # fmt: skip
            {"step": "Reports assessed (full text)", "records": full_text.decided},
            {"step": "Reports excluded (full text)", "records": full_text.excluded},
            {"step": "Studies included", "records": full_text.included},
            {
                "step": "Conflicts waiting for a lead",
                "records": title_abstract.conflicts + full_text.conflicts,
            },  # fmt: skip
        ],
        hide_index=True,
    )
    from review.ui.report import prisma_diagram  # the same flow as a PRISMA 2020 diagram

    prisma_diagram(db)
    imports = db.imports()
    if imports:
        st.subheader("Imported files")
        st.dataframe(
            [
                {
                    "file": i["file_name"],
                    "source": i["source"],
                    "format": i["format"],
                    "records": i["record_count"],
                    "imported": i["imported_at"],
                    "by": i["imported_by"],
                }
                for i in imports
            ],
            hide_index=True,
        )
    st.subheader("Search runs")
    runs = db.runs()
    if not runs:
        st.text('No PubMed searches yet. Run: review search DB "QUERY" --name NAME')
        return
    st.dataframe(
        [
            {
                "run": r["id"],
                "search": r["search_name"],
                "kind": r["kind"],
                "started": r["started_at"],
                "status": r["status"],
                "PubMed count": r["ncbi_count"],
                "records": r["retrieved"],
                "new": r["new_records"],
                "query": r["query"],
                "PubMed searched": r["query_translation"],
            }
            for r in runs
        ],
        hide_index=True,
    )
