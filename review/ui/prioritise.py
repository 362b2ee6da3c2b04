"""The Screen page's order (ranked, random, import, stopping sample) and the stopping panel.

The ranked order comes from review.prioritise.live, which never makes the page wait: the page
uses the newest finished ranking, and a retrain for the latest decisions runs in the background.
Every figure here is the signed-in reviewer's view: under dual screening a reviewer who is not a
lead gets a ranking and stopping figures from their own decisions and leads' resolutions only.
"""

from __future__ import annotations

import random

import streamlit as st

from review.errors import ReviewError
from review.prioritise.live import Ranking, latest_ranking
from review.prioritise.progress import (
    end_stopping_sample,
    screening_progress,
    start_stopping_sample,
    stopping_sample,
)
from review.screening.decisions import settings
from review.screening.state import current_units
from review.ui.render import plain
from review.ui.state import me, store

STAGE = "title_abstract"
MODES = {
    "ranked": "Most likely relevant first",
    "random": "Random",
    "import": "Import order",
}
MODE_KEY = "screen_order_mode"


def screening_order() -> tuple[list[int] | None, str, Ranking | None]:
    """The order to offer records in, a caption saying what it is, and the ranking behind it."""
    db = store()
    sample = stopping_sample(db)
    if sample is not None:
        return (
            list(sample.records),
            (
                f"Stopping sample: records in a random order fixed on {sample.started_at[:10]} "
                "by " + sample.started_by + ". Screen them from the top; every one counts."
            ),
            None,
        )
    mode = (
        st.segmented_control(
            "Order",
            list(MODES),
            format_func=MODES.get,
            key=MODE_KEY,
            default="ranked",
            on_change=lambda: st.session_state.pop(f"screen_current_{STAGE}", None),
        )
        or "ranked"
    )
    if mode == "import":
        return None, "Records in the order they arrived.", None
    if mode == "random":
        units = list(current_units(db))
        random.Random(f"{db.path.name}:{me().name}").shuffle(units)
        return units, "Records in a random order (the same for you every time).", None
    ranking = latest_ranking(db, me())
    if ranking is None:
        return None, "Ranking is being prepared; records in the order they arrived meanwhile.", None
    if ranking.cold:
        return (
            None,
            (
                "Records in the order they arrived until there is at least one include and one "
                "exclude to learn from."
            ),
            None,
        )
    return (
        list(ranking.order),
        (
            f"Most likely relevant first: a model trained on {ranking.labelled:,} decisions "
            f"({ranking.relevant:,} relevant), retrained in the background as you screen."
        ),
        ranking,
    )


def why_ranked(record_id: int, ranking: Ranking | None) -> None:
    """The record's top terms, when the ranked order put it near the top. Always one element, so
    the buttons below keep their place in the page between reruns."""
    text = " "
    if ranking is not None and record_id in ranking.terms:
        terms = ", ".join(ranking.terms[record_id]) or "no single term stands out"
        chance = ranking.probabilities.get(record_id)
        text = f"Ranked high for: {terms}" + (
            f" · estimated chance of relevance {chance:.0%}" if chance is not None else ""
        )
    st.caption(plain(text))


def stopping_panel() -> None:
    """Stopping advice and the recall curve; worked out only when asked for (it reads every
    decision), or always while a stopping sample is under way."""
    db = store()
    sample = stopping_sample(db)
    shown = st.toggle("When can I stop screening?", key="stopping_shown", value=sample is not None)
    if not shown and sample is None:
        return
    found = screening_progress(db, me())
    advice = found.advice
    with st.container(border=True):
        left, middle, right = st.columns(3)
        left.metric("Screened", f"{found.screened:,} of {found.total:,}")
        middle.metric("Relevant found", f"{found.relevant_found:,}")
        estimate = advice.estimated_remaining_relevant
        right.metric(
            "Relevant still unscreened (estimate)",
            "n/a until a random sample" if estimate is None else f"{estimate:.1f}",
            help=None
            if advice.upper_bound_remaining_relevant is None
            else f"At most {advice.upper_bound_remaining_relevant} at "
            f"{advice.confidence:.0%} confidence",
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
        if not me().is_lead and settings(db).dual:
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
        start_stopping_sample(store(), me())
    except ReviewError as exc:
        st.session_state["title_abstract_error"] = str(exc)
    st.session_state.pop("screen_current_title_abstract", None)


def _end() -> None:
    try:
        end_stopping_sample(store(), me())
    except ReviewError as exc:
        st.session_state["title_abstract_error"] = str(exc)
    st.session_state.pop("screen_current_title_abstract", None)
