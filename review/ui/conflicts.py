"""Conflicts: where two reviewers disagreed; a lead settles each, and agreement is reported.

Each button carries the record and the votes it was drawn with, and reads the exclusion reason
of that record's own widget: a conflict another lead settled meanwhile is not settled again.
"""

from __future__ import annotations

import streamlit as st

from review.errors import ReviewError
from review.exports import agreement_csv
from review.screening.decisions import agreement, conflicts, resolve, settings
from review.screening.model import STAGE_LABELS, STAGES
from review.ui.render import plain, record_html
from review.ui.state import me, review_store

CHOICES = (("Include", "include"), ("Exclude", "exclude"), ("Maybe", "maybe"))


def _votes(conflict) -> tuple[tuple[str, str, str], ...]:
    return tuple((d.reviewer, d.decision, d.reason) for d in conflict.decisions)


def _resolve(stage: str, record_id: int, decision: str, seen: tuple) -> None:
    """Resolve the conflict that was on screen, as it was then (``seen``: its votes); if it was
    resolved or a vote changed meanwhile, refuse rather than settle something else."""
    now = {c.record_id: c for c in conflicts(review_store(), stage)}.get(record_id)
    if now is None or _votes(now) != seen:
        happened = (
            "it is no longer a conflict (resolved, or a vote withdrawn)"
            if now is None
            else "a reviewer changed their vote"
        )
        st.session_state["conflict_error"] = (
            f"Record {record_id} ({STAGE_LABELS[stage]}) is not the conflict you saw: "
            f"{happened} since this page was drawn. Nothing was written; look again below."
        )
        return
    reason = st.session_state.get(f"resolve_reason_{stage}_{record_id}") or ""
    try:
        resolve(review_store(), me(), record_id, stage, decision, reason)
    except ReviewError as exc:
        st.session_state["conflict_error"] = str(exc)


def page() -> None:
    store, lead = review_store(), me()
    st.title("Conflicts")
    if not lead.is_lead:
        st.text("Only a lead resolves conflicts.")
        return
    error = st.session_state.pop("conflict_error", None)
    if error:
        st.error(plain(error))
    rules = settings(store)
    for stage in STAGES:
        found = conflicts(store, stage)
        agreed = agreement(store, stage)
        st.subheader(f"{STAGE_LABELS[stage].capitalize()}: {len(found)} conflicts")
        if agreed.records:
            kappa = "undefined" if agreed.kappa is None else f"{agreed.kappa:.2f}"
            st.caption(
                f"Agreement over {agreed.records:,} records decided by two reviewers: "
                f"{agreed.percent:.1f}%, Cohen's kappa {kappa}."
            )
            st.download_button(
                "Download agreement (CSV)",
                agreement_csv(stage, agreed),
                file_name=f"agreement-{stage}.csv",
                key=f"agreement_{stage}",
            )
        for conflict in found:
            rid = conflict.record_id
            record = store.record(rid)
            assert record is not None  # records are never deleted (duplicates are marked)
            with st.container(border=True):
                st.html(record_html(rid, record, rules.include_terms, rules.exclude_terms))
                for d in conflict.decisions:
                    st.text(f"{d.reviewer}: {d.decision}" + (f" ({d.reason})" if d.reason else ""))
                st.selectbox(
                    "Exclusion reason",
                    ["", *rules.exclusion_reasons],
                    key=f"resolve_reason_{stage}_{rid}",
                )
                columns = st.columns(3)
                for column, (label, decision) in zip(columns, CHOICES, strict=True):
                    column.button(
                        label,
                        key=f"resolve_{stage}_{rid}_{decision}",
                        on_click=_resolve,
                        args=(stage, rid, decision, _votes(conflict)),
                    )
