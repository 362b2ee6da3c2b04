"""Studies: the included records grouped into studies, each marked key evidence or appendix.

A lead links a trial's follow-up paper into the trial's study, splits a record out again, picks
the key studies and their order (the app suggests NICE's: design, size, follow-up, recency) and
says why each appendix study was left out. Other reviewers see the same lists read-only. Record
text (citations) is escaped before it reaches any markup.
"""

from __future__ import annotations

import html

import streamlit as st

from review.errors import ReviewError
from review.extraction.model import STUDY_ROLES, AppendixEntry, Study
from review.extraction.protocol import protocol
from review.extraction.studies import (
    link_records,
    set_key_order,
    set_role,
    split_record,
    studies,
    suggest_order,
    sync_studies,
)
from review.ui import extraction
from review.ui.render import plain
from review.ui.state import me, store


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
    _run(lambda: sync_studies(store(), me().name), "{result} new studies.")


def _set_role(study_id: int) -> None:
    role = st.session_state[f"studies_role_{study_id}"]
    _run(lambda: set_role(store(), study_id, role, me().name))


def _move(study_id: int, step: int) -> None:
    order = [s.id for s in studies(store()) if s.role == "key"]
    i = order.index(study_id)
    j = i + step
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
        _run(lambda: set_key_order(store(), order, me().name))


def _apply_suggestion(order: list[int]) -> None:
    _run(lambda: set_key_order(store(), order, me().name), "The suggested order is applied.")


def _link() -> None:
    target = st.session_state.get("studies_link_target")
    records = list(st.session_state.get("studies_link_records") or [])
    if target is None or not records:
        _say("error", "Pick a study and at least one record to link into it.")
        return
    st.session_state["studies_link_records"] = []
    _run(
        lambda: link_records(store(), target, records, me().name),
        f"{len(records)} record(s) now report study {target}.",
    )


def _split(record_id: int) -> None:
    _run(
        lambda: split_record(store(), record_id, me().name),
        f"Record {record_id} is now study {{result}} of its own.",
    )


def _save_appendix(study_id: int) -> None:
    def value(name: str) -> str:
        return (st.session_state.get(f"studies_{name}_{study_id}") or "").strip()

    entry = AppendixEntry(
        patients_follow_up=value("patients_follow_up"),
        direction=value("direction"),
        reason=value("reason"),
    )
    _run(
        lambda: set_role(store(), study_id, "appendix", me().name, appendix=entry),
        f"Appendix entry of study {study_id} saved.",
    )


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
    for i, s in enumerate(keys):
        columns = st.columns([6, 1, 1])
        columns[0].text(f"{i + 1}. Study {s.id}: {s.label} ({_facts(s)})")
        if lead:
            columns[1].button(
                "Up", key=f"studies_up_{s.id}", disabled=i == 0, on_click=_move, args=(s.id, -1)
            )
            columns[2].button(
                "Down",
                key=f"studies_down_{s.id}",
                disabled=i == len(keys) - 1,
                on_click=_move,
                args=(s.id, 1),
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
    by_id = {s.id: s for s in all_studies}
    target = st.selectbox(
        "Study",
        list(by_id),
        format_func=lambda sid: f"Study {sid}: {by_id[sid].label}",
        key="studies_link_target",
    )
    citations = {
        r.record_id: f"Study {s.id} · {r.citation[:120]}"
        for s in all_studies
        if s.id != target
        for r in s.records
    }
    st.multiselect(
        "Records of other studies",
        list(citations),
        format_func=citations.get,
        key="studies_link_records",
    )
    st.button("Link into this study", key="studies_link", on_click=_link)


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
                    args=(r.record_id,),
                )
        if s.role == "appendix":
            _appendix_form(s, reasons)


def page() -> None:
    db, who = store(), me()
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
    all_studies = studies(db)
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
    reasons = protocol(db).appendix_reasons
    for s in all_studies:
        _study(s, lead, reasons)
