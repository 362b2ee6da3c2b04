"""Possible duplicates: two records side by side, their differences marked, one decision each.

Record text is escaped before it is marked up, so a title holding HTML or script is shown as
text. Merges made automatically are listed too, each with an undo.
"""

from __future__ import annotations

import difflib
import html

import streamlit as st

from review.dedupe.pairs import decide_pair
from review.errors import ReviewError
from review.permissions import allowed
from review.records import Record
from review.ui.state import me, review_store

FIELDS = (
    ("Title", lambda r: r.title),
    ("Authors", lambda r: "; ".join(a.display for a in r.authors)),
    ("Journal", lambda r: r.journal or r.journal_abbrev),
    ("Year", lambda r: str(r.year or "")),
    ("Volume", lambda r: r.volume),
    ("Issue", lambda r: r.issue),
    ("Pages", lambda r: r.pages),
    ("DOI", lambda r: r.doi),
    ("PMID", lambda r: r.pmid),
    ("Type", lambda r: "; ".join(r.publication_types)),
    ("Abstract", lambda r: r.abstract),
)
STYLE = (
    "<style>.dup td{vertical-align:top;padding:4px 8px;border-bottom:1px solid #eee}"
    ".dup th{text-align:left;padding:4px 8px;width:6em;color:#555}"
    ".dup mark{background:#ffe08a;padding:0 1px}.dup{width:100%;border-collapse:collapse}</style>"
)


def marked(mine: str, theirs: str) -> str:
    """``mine`` as escaped HTML, the words that ``theirs`` lacks inside <mark>."""
    a, b = mine.split(), theirs.split()
    out = []
    matcher = difflib.SequenceMatcher(a=[w.lower() for w in a], b=[w.lower() for w in b])
    for op, i1, i2, _j1, _j2 in matcher.get_opcodes():
        words = html.escape(" ".join(a[i1:i2]))
        if not words:
            continue
        out.append(words if op == "equal" else f"<mark>{words}</mark>")
    return " ".join(out) or "<span style='color:#999'>(empty)</span>"


def comparison(left: Record, right: Record) -> str:
    rows = []
    for label, get in FIELDS:
        one, two = get(left), get(right)
        if not one and not two:
            continue
        rows.append(
            f"<tr><th>{label}</th><td>{marked(one, two)}</td><td>{marked(two, one)}</td></tr>"
        )
    return STYLE + "<table class='dup'>" + "".join(rows) + "</table>"


def _decide(a: int, b: int, action: str, reviewer, seen: str) -> None:
    """Decide the pair that was on screen, as it was then (``seen``: its status); if someone
    decided it meanwhile the library refuses, and the page says so instead of deciding another."""
    try:
        decide_pair(review_store(), reviewer, a, b, action, expect=seen)
    except ReviewError as exc:
        st.session_state["dup_error"] = str(exc)


def page() -> None:
    store = review_store()
    st.title("Possible duplicates")
    who = me()  # the name on a decision is the signed-in account's, never a typed one
    reviewer = who if allowed(who, "decide_duplicates") else None
    error = st.session_state.pop("dup_error", None)
    if error:
        st.error(error)
    pending = store.pairs("pending")
    summary = store.duplicate_summary()
    st.caption(
        f"{len(pending)} pairs waiting; {summary.get('merged', 0)} merged automatically, "
        f"{summary.get('confirmed', 0)} merged and {summary.get('rejected', 0)} kept apart by "
        f"reviewers; {summary['removed']} records are duplicates of another."
    )
    if pending:
        pair = pending[0]
        records = dict(store.records_for_matching({pair.a, pair.b}))
        left, right = records[pair.a], records[pair.b]
        st.subheader(f"Record {pair.a} and record {pair.b}")
        st.text(f"Score {pair.score:.2f}: " + "; ".join(pair.reasons))
        st.html(comparison(left, right))
        same, different = st.columns(2)
        if not reviewer:
            st.info("Only a lead decides possible duplicates.")
        shown = (pair.a, pair.b)
        same.button(
            "Same study: merge", key="dup_merge", disabled=not reviewer, on_click=_decide,
            args=(*shown, "confirm", reviewer, "pending"),
        )  # fmt: skip
        different.button(
            "Different studies: keep apart", key="dup_apart", disabled=not reviewer,
            on_click=_decide, args=(*shown, "reject", reviewer, "pending"),
        )  # fmt: skip
    else:
        st.text("No possible duplicates are waiting.")

    merged = store.pairs("merged") + store.pairs("confirmed")
    if merged:
        st.subheader("Merged pairs")
        for pair in merged[:50]:
            label = f"{pair.a} ~ {pair.b} ({pair.status}, score {pair.score:.2f})"
            with st.expander(label):
                records = dict(store.records_for_matching({pair.a, pair.b}))
                st.html(comparison(records[pair.a], records[pair.b]))
                key = f"undo_{pair.a}_{pair.b}"
                st.button(
                    "Undo this merge", key=key, disabled=not reviewer, on_click=_decide,
                    args=(pair.a, pair.b, "undo", reviewer, pair.status),
                )  # fmt: skip
