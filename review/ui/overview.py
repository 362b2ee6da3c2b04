"""Overview: what the review holds and where it came from.

Under dual screening a reviewer who is not a lead sees only what does not depend on other
reviewers' votes (records, imports, searches, duplicates, their own screening); the PRISMA
flow, which counts consensus decisions and conflicts, is for leads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from review.screening.model import STAGE_LABELS
from review.status import Status, review_status
from review.ui.render import plain
from review.ui.state import me, review_path, review_store

if TYPE_CHECKING:
    from review.store import Store


def page() -> None:
    store = review_store()
    status = review_status(store, me(), flow=True)
    st.title("Overview")
    st.caption(plain(f"Review database: {review_path()}"))
    left, middle, right = st.columns(3)
    left.metric("Records", f"{status.records:,}")
    middle.metric("Queued for screening", f"{status.queued:,}")
    right.metric("Saved searches", status.searches)
    st.caption(
        f"Duplicates: {status.duplicates_removed:,} records marked as duplicates of another; "
        f"{status.duplicates_pending:,} possible duplicates waiting for a reviewer."
    )
    if status.blinded:
        _own_screening(status)
    else:
        _prisma(store, status)
    _sources(status)


def _own_screening(status: Status) -> None:
    st.subheader("Your screening")
    st.text(
        "Under dual screening the PRISMA flow is for leads: its counts depend on every "
        "reviewer's votes, and screening stays blind until a lead has them."
    )
    for stage, s in status.stages.items():
        st.text(
            f"{STAGE_LABELS[stage].capitalize()}: you have screened {s.progress.mine:,} of "
            f"{s.progress.total:,}."
        )


def _prisma(store: Store, status: Status) -> None:
    st.subheader("The review so far (PRISMA)")
    st.dataframe([{"step": step, "records": n} for step, n in status.flow_table()], hide_index=True)
    from review.ui.report import prisma_diagram  # the same counts drawn as a PRISMA 2020 diagram

    prisma_diagram(store)


def _sources(status: Status) -> None:
    imports = status.imports
    if imports:
        st.subheader("Imported files")
        st.dataframe(
            [
                {
                    "file": i.file_name,
                    "database": i.source or "not recorded",
                    "searched": i.searched_on or "not recorded",
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
    runs = status.runs
    if not runs:
        st.text('No PubMed searches yet. Run: review search DB "QUERY" --name NAME')
        return
    st.dataframe(
        [
            {
                "run": r.id,
                "search": r.search_name,
                "kind": r.kind,
                "started": r.started_at,
                "status": r.status,
                "PubMed count": r.ncbi_count,
                "records": r.retrieved,
                "new": r.new_records,
                "query": r.query,
                "PubMed searched": r.query_translation,
            }
            for r in runs
        ],
        hide_index=True,
    )
