"""Studies: the included records grouped into studies, each marked key evidence or appendix.

A lead links a trial's follow-up paper into the trial's study, splits a record out again, picks
the key studies and their order (the app suggests NICE's: design, size, follow-up, recency) and
says why each appendix study was left out. Other reviewers see the same lists read-only. Record
text (citations) is escaped before it reaches any markup.
"""

from __future__ import annotations

import html

import streamlit as st

from review.errors import ReviewError, TargetChanged
from review.extraction.model import STUDY_ROLES, AppendixEntry, Study
from review.extraction.protocol import current_protocol
from review.extraction.studies import (
    link_records,
    list_studies,
    set_key_order,
    set_role,
    split_record,
    suggest_order,
    sync_studies,
)
from review.ui import extraction
from review.ui.render import plain
from review.ui.state import me, review_store
from review.ui.targets import pick

SINCE = "since this page was drawn (someone else's change)"


def _say(kind: str, message: str) -> None:
    st.session_state["studies_message"] = (kind, message)


def _run(action, success: str = "") -> None:
    """Run one write; a library error becomes the page's message instead of a traceback."""
    try:
        result = action()
    except ReviewError as exc:
        _say("error", str(exc))
        return
    if success:
        _say("success", success.format(result=result))


# -- callbacks -------------------------------------------------------------------------------------


def _sync() -> None:
    _run(lambda: sync_studies(review_store(), me()), "{result} new studies.")


def _set_role(study_id: int) -> None:
    role = st.session_state[f"studies_role_{study_id}"]
    _run(lambda: set_role(review_store(), study_id, role, me()))


def _key_ids() -> list[int]:
    return [s.id for s in list_studies(review_store()) if s.role == "key"]


def _move(shown: tuple[int, ...], study_id: int, step: int) -> None:
    """Move a study in the key order the lead saw; if that order changed meanwhile, refuse."""
    order = _key_ids()
    if tuple(order) != shown:
        _say("error", f"The key studies or their order changed {SINCE}; nothing was moved.")
        return
    i = order.index(study_id)
    j = i + step
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
        _run(lambda: set_key_order(review_store(), order, me()))


def _apply_suggestion(order: list[int]) -> None:
    _run(lambda: set_key_order(review_store(), order, me()), "The suggested order is applied.")


def _study_of(record_id: int) -> int | None:
    return next(
        (s.id for s in list_studies(review_store()) for r in s.records if r.record_id == record_id),
        None,
    )


def _check(target: int, shown: dict[int, int]) -> None:
    """The target study and the chosen records' studies are still as shown, else TargetChanged."""
    current = {s.id: s for s in list_studies(review_store())}
    if target not in current:
        raise TargetChanged(f"Study {target} no longer exists {SINCE}; nothing was linked.")
    moved = [r for r, sid in shown.items() if _study_of(r) != sid]
    if moved:
        records = ", ".join(map(str, moved))
        raise TargetChanged(
            f"Record(s) {records} moved to another study {SINCE}; nothing was linked. "
            "Pick the records again."
        )


def _link(target: int | None, shown: tuple[tuple[int, int], ...]) -> None:
    """Link the records chosen (with the study each was shown in) into the study shown."""
    records = [r for r, _ in shown]
    if target is None or not records:
        _say("error", "Pick a study and at least one record to link into it.")
        return
    st.session_state["studies_link_records"] = []

    def link():
        _check(target, dict(shown))
        link_records(review_store(), target, records, me())

    _run(link, f"{len(records)} record(s) now report study {target}.")


def _split(study_id: int, record_id: int) -> None:
    """Split a record out of the study it was shown in (not wherever it is by now)."""

    def split():
        if _study_of(record_id) != study_id:
            raise TargetChanged(
                f"Record {record_id} is no longer in study {study_id} {SINCE}; nothing was split."
            )
        return split_record(review_store(), record_id, me())

    _run(split, f"Record {record_id} is now study {{result}} of its own.")


def _save_appendix(study_id: int) -> None:
    def value(name: str) -> str:
        return (st.session_state.get(f"studies_{name}_{study_id}") or "").strip()

    entry = AppendixEntry(
        patients_follow_up=value("patients_follow_up"),
        direction=value("direction"),
        reason=value("reason"),
    )

    def save():
        now = {s.id: s.role for s in list_studies(review_store())}
        if now.get(study_id) != "appendix":  # gone, or made key by someone else meanwhile
            raise TargetChanged(
                f"Study {study_id} is no longer an appendix study {SINCE}; the entry was not saved."
            )
        set_role(review_store(), study_id, "appendix", me(), appendix=entry)

    _run(save, f"Appendix entry of study {study_id} saved.")


# -- the page --------------------------------------------------------------------------------------


def _facts(s: Study) -> str:
    d = s.details
    parts = [
        d.design or "design not set",
        f"{d.patients} patients" if d.patients is not None else "",
        f"{d.follow_up_months:g} months" if d.follow_up_months is not None else "",
        str(s.year or ""),
    ]
    return ", ".join(p for p in parts if p)


def _study_html(s: Study) -> str:
    items = "".join(
        f"<li>{html.escape(r.citation)}{' <em>(main report)</em>' if r.main else ''}</li>"
        for r in s.records
    )
    return (
        f'<h4 data-study-id="{int(s.id)}">Study {int(s.id)}: {html.escape(s.label)}</h4>'
        f"<p>{html.escape(s.role)} · {html.escape(_facts(s))}</p><ul>{items}</ul>"
    )


def _key_order(keys: list[Study], lead: bool) -> None:
    st.subheader("Key evidence, in the order of the report")
    if not keys:
        st.text("No key studies yet: mark studies as key below.")
        return
    shown = tuple(s.id for s in keys)
    for i, s in enumerate(keys):
        columns = st.columns([6, 1, 1])
        columns[0].text(f"{i + 1}. Study {s.id}: {s.label} ({_facts(s)})")
        if lead:
            columns[1].button(
                "Up",
                key=f"studies_up_{s.id}",
                disabled=i == 0,
                on_click=_move,
                args=(shown, s.id, -1),
            )
            columns[2].button(
                "Down",
                key=f"studies_down_{s.id}",
                disabled=i == len(keys) - 1,
                on_click=_move,
                args=(shown, s.id, 1),
            )
    suggested = suggest_order(keys)
    st.caption("Suggested order (design, then size, follow-up and recency):")
    st.text("\n".join(f"{i}. Study {s.id}: {s.label}" for i, s in enumerate(suggested, 1)))
    if lead:
        order = [s.id for s in suggested]
        st.button(
            "Apply the suggested order",
            key="studies_apply_order",
            disabled=order == [s.id for s in keys],
            on_click=_apply_suggestion,
            args=(order,),
        )


def _link_form(all_studies: list[Study]) -> None:
    st.subheader("Link records into a study")
    st.caption("A trial's later or second report belongs to the trial's study.")
    names = {s.id: f"Study {s.id}: {s.label}" for s in all_studies}
    target = pick("Study", names, key="studies_link_target", state_key="studies_link_target_id")
    study_of = {r.record_id: s.id for s in all_studies for r in s.records}
    citations = {
        r.record_id: f"Study {s.id} · {r.citation[:120]}"
        for s in all_studies
        if s.id != target
        for r in s.records
    }
    chosen = st.multiselect(
        "Records of other studies",
        list(citations),
        format_func=lambda rid: citations[rid],
        key="studies_link_records",
    )
    shown = tuple((r, study_of[r]) for r in chosen if r in study_of)
    st.button("Link into this study", key="studies_link", on_click=_link, args=(target, shown))


def _appendix_form(s: Study, reasons: tuple[str, ...]) -> None:
    a, sid = s.appendix, s.id
    default = a.patients_follow_up
    if not default and s.details.patients is not None:
        default = f"n={s.details.patients}" + (
            f", {s.details.follow_up}" if s.details.follow_up else ""
        )
    st.text_input(
        "Number of patients / follow up", default, key=f"studies_patients_follow_up_{sid}"
    )
    st.text_input("Direction of conclusions", a.direction, key=f"studies_direction_{sid}")
    options = list(reasons) + ([a.reason] if a.reason and a.reason not in reasons else [])
    st.selectbox(
        "Reason for non-inclusion in the key evidence",
        options,
        index=options.index(a.reason) if a.reason in options else None,
        accept_new_options=True,
        placeholder="Pick a reason or type your own",
        key=f"studies_reason_{sid}",
    )
    st.button(
        "Save appendix entry", key=f"studies_save_appendix_{sid}", on_click=_save_appendix,
        args=(sid,),
    )  # fmt: skip


def _study(s: Study, lead: bool, reasons: tuple[str, ...]) -> None:
    with st.container(border=True):
        st.html(_study_html(s))
        st.page_link(
            st.Page(extraction.page, title="Extraction", url_path="extraction"),
            label="Extract this study's data",
            query_params={"study": str(s.id)},
        )
        if not lead:
            if s.role == "appendix":
                st.text(f"Appendix: {s.appendix.direction} — {s.appendix.reason}")
            return
        st.selectbox(
            "Role",
            STUDY_ROLES,
            index=STUDY_ROLES.index(s.role),
            key=f"studies_role_{s.id}",
            on_change=_set_role,
            args=(s.id,),
        )
        if len(s.records) > 1:
            for r in s.records:
                st.button(
                    f"Split record {r.record_id} out into a study of its own",
                    key=f"studies_split_{r.record_id}",
                    on_click=_split,
                    args=(s.id, r.record_id),
                )
        if s.role == "appendix":
            _appendix_form(s, reasons)


def page() -> None:
    store, who = review_store(), me()
    st.title("Studies")
    kind, message = st.session_state.pop("studies_message", (None, ""))
    if kind == "error":
        st.error(plain(message))
    elif kind:
        st.success(plain(message))
    st.button(
        "Create studies for included records",
        key="studies_sync",
        on_click=_sync,
        help="Every record included at full text and not yet in a study gets a study of its own.",
    )
    all_studies = list_studies(store)
    if not all_studies:
        st.text("No studies yet: include records at full text, then create their studies.")
        return
    lead = who.is_lead
    if not lead:
        st.caption("Only a lead links records, splits them and decides the studies' roles.")
    _key_order([s for s in all_studies if s.role == "key"], lead)
    if lead:
        _link_form(all_studies)
    st.subheader(f"{len(all_studies)} studies")
    reasons = current_protocol(store).appendix_reasons
    for s in all_studies:
        _study(s, lead, reasons)
