"""Overview: what the review holds and where it came from.

Under dual screening a reviewer who is not a lead sees only what does not depend on other
reviewers' votes (records, imports, searches, duplicates, their own screening); the PRISMA
flow, which counts consensus decisions and conflicts, is for leads.
"""

from __future__ import annotations

import streamlit as st

from review.screening.decisions import progress
from review.screening.model import STAGE_LABELS, STAGES
from review.ui.render import plain
from review.ui.state import me, review_path, store


def page() -> None:
    db, viewer = store(), me()
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
    title_abstract = progress(db, viewer, "title_abstract")
    if title_abstract.blinded:
        _own_screening(db, viewer)
    else:
        _prisma(db, summary, duplicates, title_abstract, progress(db, viewer, "full_text"))
    _sources(db)


def _own_screening(db, viewer) -> None:
    st.subheader("Your screening")
    st.text(
        "Under dual screening the PRISMA flow is for leads: its counts depend on every "
        "reviewer's votes, and screening stays blind until a lead has them."
    )
    for stage in STAGES:
        done = progress(db, viewer, stage)
        st.text(
            f"{STAGE_LABELS[stage].capitalize()}: you have screened {done.mine:,} of "
            f"{done.total:,}."
        )


def _prisma(db, summary, duplicates, title_abstract, full_text) -> None:
    st.subheader("The review so far (PRISMA)")
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


def _sources(db) -> None:
    imports = db.imports()
    if imports:
        st.subheader("Imported files")
        st.dataframe(
            [
                {
                    "file": i.file_name,
                    "source": i.source,
                    "format": i.format,
                    "records": i.record_count,
                    "imported": i.imported_at,
                    "by": i.imported_by,
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
