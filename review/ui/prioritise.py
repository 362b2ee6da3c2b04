"""The Screen page's order control and the stopping panel.

Which order and why is review.prioritise.order's (screening_order): this page offers the choice
and shows the result. The ranking never makes the page wait: the page uses the newest finished
ranking, and a retrain for the latest decisions runs in the background.
Every figure here is the signed-in reviewer's view: under dual screening a reviewer who is not a
lead gets a ranking and stopping figures from their own decisions and leads' resolutions only.
"""

from __future__ import annotations

import streamlit as st

from review.errors import ReviewError
from review.prioritise.live import Ranking
from review.prioritise.order import ORDERS, Order, order_is_fixed, screening_order
from review.prioritise.progress import (
    end_stopping_sample,
    screening_progress,
    start_stopping_sample,
    stopping_sample,
)
from review.records import Record
from review.screening.decisions import settings
from review.screening.explain import card_text, ranking_line
from review.ui.render import plain
from review.ui.state import me, review_store

STAGE = "title_abstract"
MODE_KEY = "screen_order_mode"


def choose_order() -> Order:
    """The order control (none while a stopping sample fixes the order) and the order chosen."""
    store = review_store()
    choice = "ranked"
    if not order_is_fixed(store):
        choice = (
            st.segmented_control(
                "Order",
                list(ORDERS),
                format_func=ORDERS.__getitem__,
                key=MODE_KEY,
                default="ranked",
                label_visibility="collapsed",
                on_change=lambda: st.session_state.pop(f"screen_current_{STAGE}", None),
            )
            or "ranked"
        )
    return screening_order(store, me(), choice)


def why_ranked(record_id: int, record: Record, ranking: Ranking | None) -> None:
    """One short line on why the ranked order put the record near the top (its top terms, or
    before the first include the question's words it contains), in the record's own spelling and
    without stop words (review.screening.explain). Always one element, so the elements below
    keep their place in the page between reruns."""
    text = ""
    if ranking is not None and record_id in ranking.terms:
        question = ranking.basis == "question"
        text = ranking_line(
            ranking.terms[record_id],
            card_text(record),
            question=question,
            chance=None if question else ranking.probabilities.get(record_id),
        )
    st.caption(plain(text) or " ")


def stopping_panel() -> None:
    """Stopping advice and the recall curve; worked out only when asked for (it reads every
    decision), or always while a stopping sample is under way."""
    store = review_store()
    sample = stopping_sample(store)
    shown = st.toggle("When can I stop screening?", key="stopping_shown", value=sample is not None)
    if not shown and sample is None:
        return
    found = screening_progress(store, me())
    advice = found.advice
    with st.container(border=True):
        estimate = advice.estimated_remaining_relevant
        bound = advice.upper_bound_remaining_relevant
        still = "n/a until a random sample" if estimate is None else f"{estimate:,.1f}"
        if bound is not None:
            still += f", at most {bound:,} at {advice.confidence:.0%} confidence"
        # A table, not st.metric: a metric cuts a long label or figure short with an ellipsis.
        st.markdown(
            "| Screened | Relevant found | Relevant still unscreened (estimate) |\n"
            "|---|---|---|\n"
            f"| {found.screened:,} of {found.total:,} | {found.relevant_found:,} | {still} |"
        )
        (st.success if advice.can_stop else st.info)(advice.message)
        if found.sample is not None:
            st.caption(
                f"Stopping sample: {found.sample_screened:,} of {found.sample.pool:,} screened, "
                f"{found.sample_relevant:,} relevant."
                + (
                    f" {found.arrived_since_sample:,} records arrived after it began and are "
                    "outside the test: screen them too."
                    if found.arrived_since_sample
                    else ""
                )
            )
        if not me().is_lead and settings(store).dual:
            st.caption(
                "Dual screening: these figures count your own decisions and leads' resolutions, "
                "not other reviewers' votes; a lead sees the review's."
            )
        st.caption(f"Method: {advice.method}. Recall target {advice.recall_target:.0%}, "
                   f"confidence {advice.confidence:.0%}.")  # fmt: skip
        st.markdown("Assumptions:\n" + "\n".join(f"- {a}" for a in advice.assumptions))
        if len(found.curve) > 1:
            st.caption("Recall curve: relevant records found against records screened")
            st.line_chart(
                {"relevant found": [y for _, y in found.curve]},
                x_label="records screened",
                y_label="relevant found",
                height=220,
            )
        if me().is_lead:
            if found.sample is None:
                st.button(
                    "Start the stopping sample (ends prioritised screening)",
                    key="stopping_start",
                    on_click=_start,
                )
            else:
                st.button("End the stopping sample", key="stopping_end", on_click=_end)


def _start() -> None:
    try:
        start_stopping_sample(review_store(), me())
    except ReviewError as exc:
        st.session_state["title_abstract_error"] = str(exc)
    st.session_state.pop("screen_current_title_abstract", None)


def _end() -> None:
    try:
        end_stopping_sample(review_store(), me())
    except ReviewError as exc:
        st.session_state["title_abstract_error"] = str(exc)
    st.session_state.pop("screen_current_title_abstract", None)
