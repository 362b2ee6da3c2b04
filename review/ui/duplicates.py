"""Possible duplicates: two records side by side, their differences marked, one decision each.

Record text is escaped before it is marked up, so a title holding HTML or script is shown as
text. Decided pairs are listed too (merges made automatically among them), each record's
number beside its title, each with the way back; S and D decide the pair on show.
"""

from __future__ import annotations

import difflib
import html

import streamlit as st

from review.dedupe.pairs import decide_pair
from review.errors import ReviewError
from review.permissions import allowed
from review.records import Record
from review.ui.render import plain
from review.ui.state import me, review_store

# The decided pairs the page lists, with how it names their status; keys for a decision.
STATUS_WORDS = {"merged": "merged automatically", "confirmed": "merged", "rejected": "kept apart"}
SHOWN = 50
MERGE_KEY, APART_KEY = "s", "d"  # Same study, Different studies

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
        st.error(plain(error))
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
            args=(*shown, "confirm", reviewer, "pending"), shortcut=MERGE_KEY,
        )  # fmt: skip
        different.button(
            "Different studies: keep apart", key="dup_apart", disabled=not reviewer,
            on_click=_decide, args=(*shown, "reject", reviewer, "pending"), shortcut=APART_KEY,
        )  # fmt: skip
        st.caption(f"Keys: {MERGE_KEY.upper()} same study, {APART_KEY.upper()} different studies.")
    else:
        st.text("No possible duplicates are waiting.")

    _decided(store, reviewer)


def pair_label(pair, titles: dict[int, str], width: int = 70) -> str:
    """A decided pair as its list names it: each record's number beside its title (cut to
    ``width``), so a lead finds the pair without opening it. Plain text: escape it to show."""

    def one(record_id: int) -> str:
        title = " ".join((titles.get(record_id) or "").split())
        if len(title) > width:
            title = title[: width - 1].rstrip() + "…"
        return f"{record_id}: {title or '(no title)'}"

    said = STATUS_WORDS.get(pair.status, pair.status)
    by = f" by {pair.decided_by}" if pair.decided_by and pair.status != "merged" else ""
    return f"{one(pair.a)} ~ {one(pair.b)} ({said}{by}, score {pair.score:.2f})"


def _decided(store, reviewer) -> None:
    """The pairs already decided, most recent first, each with the way back: a merge undone,
    a pair kept apart merged after all."""
    decided = [p for status in STATUS_WORDS for p in store.pairs(status)]
    if not decided:
        return
    decided.sort(key=lambda p: p.decided_at or p.found_at or "", reverse=True)
    shown = decided[:SHOWN]
    st.subheader("Decided pairs")
    if len(decided) > SHOWN:
        st.caption(f"The {SHOWN} most recent of {len(decided):,}.")
    titles = store.record_titles({x for p in shown for x in (p.a, p.b)})
    for pair in shown:
        with st.expander(plain(pair_label(pair, titles))):
            records = dict(store.records_for_matching({pair.a, pair.b}))
            st.html(comparison(records[pair.a], records[pair.b]))
            if pair.status == "rejected":
                label, action = "Merge after all", "confirm"
            else:
                label, action = "Undo this merge", "undo"
            st.button(
                label, key=f"{action}_{pair.a}_{pair.b}", disabled=not reviewer, on_click=_decide,
                args=(pair.a, pair.b, action, reviewer, pair.status),
            )  # fmt: skip
