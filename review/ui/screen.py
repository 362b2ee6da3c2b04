"""Screen and Full text: one record at a time, one key press per decision, nothing lost.

Every decision is written to the database the moment it is made (in the button's callback,
before the page reruns), so a refresh, a closed tab or a killed server loses nothing. The record
on show is kept in the session so that another reviewer's work never swaps it mid-read.

Under dual screening a reviewer who is not a lead sees counts, order and ranking computed from
their own decisions and the leads' resolutions only (review.screening.decisions.stage_view), and
the library refuses a change to a vote another reviewer has also cast: its message is shown.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import streamlit as st

from review.errors import ReviewError
from review.screening.decisions import (
    decide,
    next_record,
    progress,
    recent_decisions,
    settings,
    vote_is_final,
)
from review.screening.decisions import undo_last as undo_decision
from review.screening.model import STAGE_LABELS
from review.screening.state import current_state
from review.ui.prioritise import choose_order, stopping_panel, why_ranked
from review.ui.render import plain, record_html
from review.ui.state import me, review_store

if TYPE_CHECKING:
    from review.store import Store

BUTTONS = (("Include", "include", "i"), ("Exclude", "exclude", "e"), ("Maybe", "maybe", "m"))


def _current_key(stage: str) -> str:
    return f"screen_current_{stage}"


def _decide(stage: str, record_id: int, decision: str) -> None:
    reason = st.session_state.get(f"{stage}_reason") or ""
    note = st.session_state.get(f"{stage}_note") or ""
    try:
        decide(review_store(), me(), record_id, stage, decision, reason, note)
    except ReviewError as exc:
        st.session_state[f"{stage}_error"] = str(exc)
        return
    st.session_state[f"{stage}_note"] = ""
    st.session_state[f"{stage}_reason"] = ""
    st.session_state.pop(_current_key(stage), None)


def _undo(stage: str) -> None:
    try:
        record_id = undo_decision(review_store(), me(), stage)
    except ReviewError as exc:  # a vote another reviewer has also cast is final
        st.session_state[f"{stage}_error"] = str(exc)
        return
    if record_id is None:
        st.session_state[f"{stage}_error"] = "There is no decision of yours to undo."
        return
    st.session_state[_current_key(stage)] = record_id


def _choose_reason(stage: str, reason: str) -> None:
    """A reason button (or its number key): chosen, or put back if it was the one chosen."""
    key = f"{stage}_reason"
    st.session_state[key] = "" if st.session_state.get(key) == reason else reason


# The decision bar stays in view while the abstract scrolls under it (below Streamlit's 3.75rem
# header), on the page's own background; the page starts higher than Streamlit's 6rem.
BAR_STYLE = """<style>
[data-testid="stMainBlockContainer"]{padding-top:3.5rem}
div[data-testid="stLayoutWrapper"]:has(> div[class*="st-key-decision_bar_"]){position:sticky;
top:3.75rem;z-index:3;
background:%s;padding:.3rem 0 .4rem 0}
</style>"""


def _background() -> str:
    theme = getattr(st.context, "theme", None)
    return "#0e1117" if getattr(theme, "type", None) == "dark" else "#ffffff"


def _decision_bar(stage: str, record_id: int | None, reasons: tuple[str, ...]) -> None:
    """Include, Exclude, Maybe and Undo (keys I, E, M, U), the exclusion reasons (keys 1 to 9:
    the n-th reason) and the note, above the record so that they are on screen without scrolling
    whatever the abstract's length. Without a record (all screened) only Undo is left."""
    bar = st.container(key=f"decision_bar_{stage}")
    bar.html(BAR_STYLE % _background())
    columns = bar.columns([1, 1, 1, 1, 2.4], vertical_alignment="center")
    for column, (label, decision, shortcut) in zip(columns, BUTTONS, strict=False):
        column.button(
            label, key=f"{stage}_{decision}", shortcut=shortcut, on_click=_decide,
            args=(stage, record_id, decision), use_container_width=True,
            disabled=record_id is None,
        )  # fmt: skip
    columns[3].button(
        "Undo", key=f"{stage}_undo", shortcut="u", on_click=_undo, args=(stage,),
        use_container_width=True,
    )  # fmt: skip
    if record_id is not None:
        columns[4].text_input(
            "Note", key=f"{stage}_note", placeholder="Note (optional)",
            label_visibility="collapsed",
        )  # fmt: skip
    if record_id is None:
        return
    chosen = st.session_state.get(f"{stage}_reason") or ""
    if reasons:
        row = bar.container(horizontal=True, gap="small", key=f"{stage}_reasons")
        for n, reason in enumerate(reasons, start=1):
            row.button(
                plain(reason), key=f"{stage}_reason_{n}",
                shortcut=str(n) if n <= 9 else None, on_click=_choose_reason,
                args=(stage, reason), type="primary" if reason == chosen else "secondary",
                icon=":material/check:" if reason == chosen else None,
                help="The exclusion reason: press its number, then E"
                + (" (required at full text)" if stage == "full_text" else ""),
            )  # fmt: skip


def screen_stage(stage: str) -> None:
    store, reviewer = review_store(), me()
    rules = settings(store)
    done = progress(store, reviewer, stage)
    if done.blinded:  # nothing here may depend on another reviewer's votes
        counts = (
            f" · {done.included:,} included by you or a lead · dual screening: you see your own "
            "decisions and leads' resolutions, not other reviewers' votes"
        )
    else:
        counts = f" · {done.decided:,} decided · {done.included:,} included so far" + (
            f" · {done.conflicts:,} conflicts" if done.conflicts else ""
        )
    st.caption(
        f"{STAGE_LABELS[stage].capitalize()}: you have screened {done.mine:,} of {done.total:,}"
        + counts
    )
    st.progress(done.mine / done.total if done.total else 0.0)
    error = st.session_state.pop(f"{stage}_error", None)
    if error:
        st.error(plain(error))

    order = ranking = None
    if stage == "title_abstract":
        left, right = st.columns([1, 1], vertical_alignment="bottom")
        with left:
            chosen = choose_order()
        order, ranking = chosen.ids, chosen.ranking
        right.caption(plain(chosen.about))
    key = _current_key(stage)
    record_id = st.session_state.get(key) or next_record(store, reviewer, stage, order=order)
    if record_id is None:
        st.text("Nothing left to screen at this stage.")
        _decision_bar(stage, None, ())
        _go_to(stage, finished=True)  # still there: look a record up, or go back to one
        if stage == "title_abstract":
            stopping_panel()
        return
    st.session_state[key] = record_id
    record = store.record(record_id)
    assert record is not None  # records are never deleted (duplicates are marked)
    _decision_bar(stage, record_id, rules.exclusion_reasons)
    mine = current_state(store, stage).of(record_id, reviewer.name)
    if mine is not None:  # only ever the reviewer's own decision: screening stays blinded
        final = vote_is_final(store, reviewer, record_id, stage)
        st.caption(
            plain(f"Your decision: {mine.decision}" + (f" ({mine.reason})" if mine.reason else ""))
            + (" · final: another reviewer has also decided this record; a lead changes it on "
               "Conflicts" if final else "")
        )  # fmt: skip
    if stage == "title_abstract":
        why_ranked(record_id, record, ranking)
    found_by = store.record_found_by(record_id)
    st.html(record_html(record_id, record, rules.include_terms, rules.exclude_terms, found_by))
    if stage == "full_text":
        _full_text_file(store, record_id, reviewer.name)
    _go_to(stage)
    if stage == "title_abstract":
        stopping_panel()


def _full_text_file(store: Store, record_id: int, who) -> None:
    """The record's kept PDFs: every version listed with who kept it when, the latest (or any)
    to download, and an upload that becomes the next version. Writes name ``record_id``."""
    from review.screening import full_text as ft

    def keep(rid: int, key: str) -> None:  # the record the uploader was drawn for, never another
        upload = st.session_state.get(key)
        if upload is None:
            return
        try:
            kept = ft.keep_full_text(review_store(), me(), rid, upload.name, upload.getvalue())
        except ReviewError as exc:
            st.session_state[f"pdf_message_{rid}"] = ("error", str(exc))
            return
        v = kept.version
        said = "is already kept as" if kept.already_kept else "kept as"
        st.session_state[f"pdf_message_{rid}"] = (
            "success",
            f"{v.file_name} {said} version {v.version} of record {rid}'s full text.",
        )

    versions = ft.full_text_versions(store, record_id)
    if versions:
        latest = versions[0]
        st.download_button(
            f"Download the full text (version {latest.version}, {plain(latest.file_name)})",
            partial(ft.full_text_bytes, store, latest), file_name=latest.file_name,
            mime="application/pdf", key=f"pdf_download_{record_id}", on_click="ignore",
        )  # fmt: skip
        st.dataframe(
            [{"version": v.version, "file": v.file_name, "kept by": v.uploaded_by,
              "kept at": v.uploaded_at, "size (bytes)": v.size} for v in versions],
            hide_index=True, key=f"pdf_versions_{record_id}",
        )  # fmt: skip
        if len(versions) > 1:
            by_number = {v.version: v for v in versions}
            chosen = by_number[st.selectbox(
                "An earlier version", list(by_number), key=f"pdf_version_{record_id}",
                format_func=lambda n: f"Version {n}: {by_number[n].file_name}",
            )]  # fmt: skip
            st.download_button(
                f"Download version {chosen.version}",
                partial(ft.full_text_bytes, store, chosen), file_name=chosen.file_name,
                mime="application/pdf", key=f"pdf_download_{record_id}_{chosen.version}",
                on_click="ignore",
            )  # fmt: skip
    key = f"pdf_upload_{record_id}"
    st.file_uploader("Keep the full text (PDF) with the review: each upload is a new version",
                     type=["pdf"], key=key, on_change=keep, args=(record_id, key))  # fmt: skip
    kind, message = st.session_state.pop(f"pdf_message_{record_id}", (None, ""))
    if kind:
        (st.error if kind == "error" else st.success)(plain(message))


def _show(stage: str, key: str) -> None:
    chosen = st.session_state.get(key)
    if chosen is not None:
        st.session_state[_current_key(stage)] = int(chosen)
        st.session_state[f"{stage}_reason"] = ""  # a reason chosen for another record


def _go_to(stage: str, finished: bool = False) -> None:
    """Look a record up, or go back to one of the reviewer's own decisions to change it; there
    before and after the last record is screened. The latest decisions are listed when asked
    for, or once all is screened: listing them reads the stage's every decision."""
    store = review_store()
    with st.expander("Find a record, or go back to one you decided"):
        words = st.text_input(
            "Words of the title, abstract, authors, keywords or MeSH; a PMID or a DOI",
            key=f"{stage}_find",
        )
        found = store.record_rows(search=words.strip(), limit=20) if words.strip() else []
        if words.strip() and not found:
            st.text("No record matches.")
        if found:
            titles = {r.id: r.title for r in found}
            st.selectbox(
                "Matching records, best match first", list(titles), key=f"{stage}_found",
                format_func=lambda rid: f"{rid}: {titles[rid][:110]}",
            )  # fmt: skip
            st.button("Show", key=f"{stage}_goto_button", on_click=_show,
                      args=(stage, f"{stage}_found"))  # fmt: skip
        listed = finished or st.toggle("List my latest decisions", key=f"{stage}_list_recent")
        recent = recent_decisions(store, me(), stage) if listed else []
        if listed and not recent:
            st.text("You have no decision at this stage yet.")
        if recent:
            names = store.record_titles([d.record_id for d in recent])
            said = {d.record_id: d for d in recent}
            st.selectbox(
                "Your latest decisions, latest first", list(said), key=f"{stage}_recent",
                format_func=lambda rid: f"{rid}: {said[rid].decision}"
                + (f" ({said[rid].reason})" if said[rid].reason else "")
                + f" · {names.get(rid, '')[:100]}",
            )  # fmt: skip
            st.button("Show this decision", key=f"{stage}_recent_button", on_click=_show,
                      args=(stage, f"{stage}_recent"))  # fmt: skip


def title_abstract_page() -> None:
    st.title("Screen")
    screen_stage("title_abstract")


def full_text_page() -> None:
    st.title("Full text")
    screen_stage("full_text")
