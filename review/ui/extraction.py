"""Extraction: one study's NICE study details and findings, checked by the library on saving.

Numbers are typed into text columns so "6.20" reaches the report as "6.20". The findings tables
are Streamlit data editors, which keep the reviewer's edits as a delta on the rows they were
given; the Save callbacks apply that delta to the same rows (kept in the session when drawn), so
what is saved is exactly what the reviewer sees; if another reviewer saved that study's findings
meanwhile, the rows' positions would name other findings, and the library refuses the save.

Every write names its study by the id the form was drawn for (callback arguments), and the
study on screen is one id kept in the session and in ``?study=`` (review.ui.targets.pick), so a
renamed study neither moves the selector nor sends a later write to another study.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd
import streamlit as st

from review.errors import ReviewError, TargetChanged
from review.extraction.columns import (
    EFFICACY,
    SAFETY,
    Column,
    finding_from_row,
    finding_row,
    headers,
    whole_numbers,
)
from review.extraction.model import (
    ANALYSIS_PARTS,
    DESIGNS,
    DETAIL_ROWS,
    SAFETY_UNITS,
    SPREAD_KINDS,
    EfficacyFinding,
    SafetyFinding,
    Study,
    StudyDetails,
)
from review.extraction.protocol import current_protocol
from review.extraction.studies import list_studies, save_details, save_findings
from review.ui.render import plain
from review.ui.state import me, review_store
from review.ui.targets import pick

EFFICACY_COLUMNS = headers(EFFICACY)  # the workbook's columns (review.extraction.columns)
SAFETY_COLUMNS = headers(SAFETY)
NUMBER_COLUMNS = whole_numbers(EFFICACY + SAFETY)
FACTS = (
    ("patients", "Patients enrolled"),
    ("analysed", "Patients analysed"),
    ("lost_to_follow_up", "Lost to follow-up"),
)
RETROSPECTIVE = {"Not stated": None, "Retrospective": True, "Prospective": False}
SHORT_ROWS = {"study_type", "country", "recruitment", "follow_up"}


# -- data editors ----------------------------------------------------------------------------------


def edited(base: list[dict], state, columns: tuple[str, ...]) -> list[dict]:
    """The rows as the reviewer left them in a data editor: Streamlit applies cell edits, then
    deletions, then additions, to the rows it was given; so do we."""
    state = state or {}
    rows = [dict(r) for r in base]
    for position, changes in (state.get("edited_rows") or {}).items():
        i = int(position)
        if 0 <= i < len(rows):
            rows[i].update({k: v for k, v in changes.items() if k in columns})
    deleted = {int(i) for i in state.get("deleted_rows") or ()}
    rows = [r for i, r in enumerate(rows) if i not in deleted]
    for added in state.get("added_rows") or ():
        rows.append({c: added.get(c) for c in columns})
    return rows


def frame(rows: list[dict], columns: tuple[str, ...], numbers=frozenset()) -> pd.DataFrame:
    """A typed table for st.data_editor: text stays text, counts are nullable whole numbers."""
    df = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=list(columns))
    return df.astype({c: ("Int64" if c in numbers else "object") for c in columns})


def text_columns(columns: tuple[str, ...], numbers=frozenset()) -> dict:
    """Every non-count column typed as text, even while empty (else the grid cannot tell)."""
    return {c: st.column_config.TextColumn(c) for c in columns if c not in numbers}


def blank(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def text(value) -> str:
    return "" if blank(value) else str(value).strip()


def whole(value):
    """A count from a table cell; anything not whole is passed on for the library to name."""
    if blank(value) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _empty(row: dict) -> bool:
    return all(blank(v) or (isinstance(v, str) and not v.strip()) for v in row.values())


def _key(kind: str, study_id: int) -> str:
    version = st.session_state.get(f"extraction_{kind}_version_{study_id}", 0)
    return f"extraction_{kind}_{study_id}_{version}"


def _say(section: str, study_id: int, kind: str, message: str) -> None:
    st.session_state[f"extraction_message_{section}_{study_id}"] = (kind, message)


def _show(section: str, study_id: int) -> None:
    kind, message = st.session_state.pop(f"extraction_message_{section}_{study_id}", (None, ""))
    if kind == "error":
        st.error(plain(message))
    elif kind:
        st.success(plain(message))


def _show_elsewhere(study_id: int) -> None:
    """Messages of writes for another study (one merged away meanwhile): shown, not lost."""
    state = st.session_state
    for key in [k for k in state if str(k).startswith("extraction_message_")]:
        if not str(key).endswith(f"_{study_id}"):
            kind, message = state.pop(key)
            (st.error if kind == "error" else st.success)(plain(message))


# -- rows <-> findings -----------------------------------------------------------------------------


def _cells(r: dict, columns: tuple[Column, ...]) -> dict:
    """A table row's cells as the library's types: counts whole, the rest stripped text."""
    return {c.header: whole(r[c.header]) if c.kind == "int" else text(r[c.header]) for c in columns}


def efficacy_finding(r: dict) -> EfficacyFinding:
    return finding_from_row("efficacy", _cells(r, EFFICACY))


def safety_finding(r: dict) -> SafetyFinding:
    cells = _cells(r, SAFETY)
    return finding_from_row("safety", cells | {"unit": cells["unit"] or "patient"})


def _table_rows(kind: str, study_id: int, columns) -> list[dict]:
    base = [finding_row(f) for f in _drawn(kind, study_id)]
    state = st.session_state.get(_key(kind, study_id))
    return [r for r in edited(base, state, columns) if not _empty(r)]


def _drawn(kind: str, study_id: int) -> tuple:
    """The findings the study's table was drawn from (its edits are row positions in them)."""
    return st.session_state.get(f"extraction_{kind}_drawn_{study_id}", ())


def _editing(kind: str, study_id: int) -> bool:
    state = st.session_state.get(_key(kind, study_id)) or {}
    return any(state.get(k) for k in ("edited_rows", "deleted_rows", "added_rows"))


def _table_findings(kind: str, s: Study) -> tuple:
    """What the table shows: the study's findings, except while the reviewer has edits in it,
    when it keeps the rows those edits were made on (a row's position must keep naming the
    same finding; saving then refuses if the study's findings changed meanwhile)."""
    current = getattr(s, kind)
    drawn = f"extraction_{kind}_drawn_{s.id}"
    if drawn in st.session_state and st.session_state[drawn] != current:
        if _editing(kind, s.id):
            st.caption(
                f"Someone else changed this study's {kind} findings since this table was drawn; "
                "saving your edits will be refused (the Preview below shows the current ones)."
            )
            return st.session_state[drawn]
        version = f"extraction_{kind}_version_{s.id}"  # a fresh editor on the current rows
        st.session_state[version] = st.session_state.get(version, 0) + 1
    st.session_state[drawn] = current
    return current


def _saved(kind: str, study_id: int, message: str) -> None:
    """A fresh editor on the saved rows: the old delta must not be applied to them again."""
    version = f"extraction_{kind}_version_{study_id}"
    st.session_state[version] = st.session_state.get(version, 0) + 1
    _say(kind, study_id, "success", message)


# -- callbacks: every write happens here, before the page is drawn again -------------------------


def _save_details(study_id: int) -> None:
    state = st.session_state

    def value(name: str):
        return state.get(f"extraction_{study_id}_{name}")

    texts: dict[str, Any] = {
        name: (value(name) or "").strip() for name, _ in DETAIL_ROWS if name != "analysis"
    }
    texts |= {name: (value(name) or "").strip() for name, _ in ANALYSIS_PARTS}
    months = value("follow_up_months")
    details = StudyDetails(
        **texts,
        design=value("design") or "",
        retrospective=RETROSPECTIVE.get(value("retrospective") or "Not stated"),
        **{name: whole(value(name)) for name, _ in FACTS},
        follow_up_months=None if months is None else float(months),
        population_label=(value("population_label") or "").strip(),
    )
    try:
        save_details(review_store(), study_id, details, me(), label=value("label") or "")
    except ReviewError as exc:
        _say("details", study_id, "error", str(exc))
        return
    _say("details", study_id, "success", "Study details saved.")


def _save_efficacy(study_id: int) -> None:
    rows = _table_rows("efficacy", study_id, EFFICACY_COLUMNS)
    try:
        findings = [efficacy_finding(r) for r in rows]
        save_findings(
            review_store(), study_id, me(), efficacy=findings,
            efficacy_was=_drawn("efficacy", study_id),
        )  # fmt: skip
    except TargetChanged as exc:
        _saved("efficacy", study_id, "")
        _say("efficacy", study_id, "error", str(exc))
        return
    except ReviewError as exc:
        _say("efficacy", study_id, "error", str(exc))
        return
    _saved("efficacy", study_id, f"{len(findings)} efficacy findings saved.")


def _save_safety(study_id: int, extra: SafetyFinding | None = None) -> None:
    rows = _table_rows("safety", study_id, SAFETY_COLUMNS)
    try:
        findings = [safety_finding(r) for r in rows] + ([extra] if extra else [])
        save_findings(
            review_store(), study_id, me(), safety=findings, safety_was=_drawn("safety", study_id)
        )
    except TargetChanged as exc:
        _saved("safety", study_id, "")
        _say("safety", study_id, "error", str(exc))
        return
    except ReviewError as exc:
        _say("safety", study_id, "error", str(exc))
        return
    _saved("safety", study_id, f"{len(findings)} safety findings saved.")


def _add_safety(study_id: int) -> None:
    state = st.session_state

    def value(name: str):
        return state.get(f"extraction_add_{name}_{study_id}")

    finding = SafetyFinding(
        event=(value("event") or "").strip(), n=whole(value("n")), total=whole(value("N")),
        unit=value("unit") or "patient", severity=(value("severity") or "").strip(),
        timepoint=(value("timepoint") or "").strip(), note=(value("note") or "").strip(),
    )  # fmt: skip
    _save_safety(study_id, finding)


# -- the page --------------------------------------------------------------------------------------


def _choose(all_studies: list[Study]) -> Study:
    """The study named by ?study= (a link from the Studies page), else the reviewer's choice;
    one id drives both the selector and the body (see review.ui.targets)."""
    by_id = {s.id: s for s in all_studies}
    names = {sid: f"Study {sid}: {s.label} ({s.role})" for sid, s in by_id.items()}
    chosen = pick(
        "Study", names, key="extraction_study", state_key="extraction_study_id", param="study"
    )
    assert chosen is not None  # the page stops before this when there are no studies
    return by_id[chosen]


def study_header(s: Study) -> str:
    """The study's name and its records' citations as escaped HTML (citations are record text)."""
    items = "".join(
        f"<li>{html.escape(r.citation)}{' <em>(main report)</em>' if r.main else ''}</li>"
        for r in s.records
    )
    return (
        f"<h3>{html.escape(s.heading_name)}</h3>"
        f"<p>Study {s.id} · {html.escape(s.role)}</p><ul>{items}</ul>"
    )


def _details_form(s: Study) -> None:
    d, sid = s.details, s.id
    st.subheader("Study details")
    _show("details", s.id)
    with st.form(f"extraction_details_{sid}"):
        st.text_input("Study label", s.label, key=f"extraction_{sid}_label")
        for name, heading in DETAIL_ROWS:
            if name == "analysis":
                st.caption("Analysis")
                for part, label in ANALYSIS_PARTS:
                    st.text_area(label, getattr(d, part), key=f"extraction_{sid}_{part}")
                continue
            height = 68 if name in SHORT_ROWS else None
            st.text_area(heading, getattr(d, name), height=height, key=f"extraction_{sid}_{name}")
        st.caption("Facts the app uses to order studies and write summaries")
        left, right = st.columns(2)
        designs = ["", *DESIGNS]
        left.selectbox(
            "Design",
            designs,
            index=designs.index(d.design) if d.design in designs else 0,
            format_func=lambda v: v or "Not set",
            key=f"extraction_{sid}_design",
        )
        right.selectbox(
            "Retrospective",
            list(RETROSPECTIVE),
            index=list(RETROSPECTIVE.values()).index(d.retrospective),
            key=f"extraction_{sid}_retrospective",
        )
        columns = st.columns(4)
        for column, (name, label) in zip(columns, FACTS, strict=False):
            column.number_input(
                label, min_value=0, step=1, value=getattr(d, name), key=f"extraction_{sid}_{name}"
            )
        columns[3].number_input(
            "Follow-up (months)",
            min_value=0.0,
            step=0.1,
            value=d.follow_up_months,
            key=f"extraction_{sid}_follow_up_months",
        )
        st.text_input(
            "Population (for summary sentences)",
            d.population_label,
            key=f"extraction_{sid}_population_label",
        )
        st.form_submit_button(
            "Save study details",
            key=f"extraction_save_details_{sid}",
            on_click=_save_details,
            args=(sid,),
        )


def _efficacy_editor(s: Study, outcomes: list[str]) -> None:
    st.subheader("Efficacy findings")
    st.caption(
        "One row per outcome, measure and time point. Type numbers as the paper prints them; "
        "p-values as 0.03, <0.0001 or NS."
    )
    _show("efficacy", s.id)
    base = [finding_row(f) for f in _table_findings("efficacy", s)]
    outcome = (
        st.column_config.SelectboxColumn("outcome", options=outcomes, required=True)
        if outcomes
        else st.column_config.TextColumn("outcome", required=True)
    )
    st.data_editor(
        frame(base, EFFICACY_COLUMNS, NUMBER_COLUMNS),
        key=_key("efficacy", s.id),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            **text_columns(EFFICACY_COLUMNS, NUMBER_COLUMNS),
            "outcome": outcome,
            "analysed": st.column_config.NumberColumn("analysed", min_value=0, step=1),
            "spread_kind": st.column_config.SelectboxColumn(
                "spread_kind", options=SPREAD_KINDS[1:]
            ),
            "n": st.column_config.NumberColumn("n", min_value=0, step=1),
            "N": st.column_config.NumberColumn("N", min_value=0, step=1),
            "p_value": st.column_config.TextColumn("p-value"),
        },
    )
    st.button(
        "Save efficacy findings",
        key=f"extraction_save_efficacy_{s.id}",
        on_click=_save_efficacy,
        args=(s.id,),
    )


def _safety_editor(s: Study, events: list[str]) -> None:
    st.subheader("Safety findings")
    st.caption(
        "One row per complication or adverse event; 'no major complications' is a finding too "
        "(as a note, without n). Several events of one key outcome: name each after it, "
        "'Damage to adjacent structures: chilblains'."
    )
    _show("safety", s.id)
    base = [finding_row(f) for f in _table_findings("safety", s)]
    st.data_editor(
        frame(base, SAFETY_COLUMNS, NUMBER_COLUMNS),
        key=_key("safety", s.id),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            **text_columns(SAFETY_COLUMNS, NUMBER_COLUMNS),
            "event": st.column_config.TextColumn("event", required=True),
            "n": st.column_config.NumberColumn("n", min_value=0, step=1),
            "N": st.column_config.NumberColumn("N", min_value=0, step=1),
            "unit": st.column_config.SelectboxColumn("unit", options=SAFETY_UNITS, required=True),
        },
    )
    st.button(
        "Save safety findings",
        key=f"extraction_save_safety_{s.id}",
        on_click=_save_safety,
        args=(s.id,),
    )
    sid = s.id
    with st.form(f"extraction_add_safety_{sid}", clear_on_submit=True):
        st.caption("Add a safety finding (saved with the table above as it stands)")
        st.selectbox(
            "Event",
            events,
            index=None,
            accept_new_options=True,
            placeholder="A key safety outcome, or type another event",
            key=f"extraction_add_event_{sid}",
        )
        columns = st.columns(3)
        columns[0].number_input("n", min_value=0, step=1, value=None, key=f"extraction_add_n_{sid}")
        columns[1].number_input("N", min_value=0, step=1, value=None, key=f"extraction_add_N_{sid}")
        columns[2].selectbox("Unit", SAFETY_UNITS, key=f"extraction_add_unit_{sid}")
        columns = st.columns(3)
        columns[0].text_input("Severity", key=f"extraction_add_severity_{sid}")
        columns[1].text_input("Time point", key=f"extraction_add_timepoint_{sid}")
        columns[2].text_input("Note", key=f"extraction_add_note_{sid}")
        st.form_submit_button(
            "Add safety finding", key=f"extraction_add_{sid}", on_click=_add_safety, args=(sid,)
        )


def efficacy_tables(findings, order: list[str]) -> list[tuple[str, list[dict]]]:
    """NICE's efficacy tables: per outcome (protocol order first), a row per measure and a
    column per time point, in the order they were extracted."""
    outcomes = [o for o in order if any(f.outcome == o for f in findings)]
    outcomes += list(dict.fromkeys(f.outcome for f in findings if f.outcome not in outcomes))
    tables = []
    for outcome in outcomes:
        rows = [f for f in findings if f.outcome == outcome]
        times = list(dict.fromkeys(f.timepoint for f in rows))
        table = []
        for measure in dict.fromkeys(f.measure for f in rows):
            cells = {f.timepoint: f.cell for f in rows if f.measure == measure}
            table.append({"Measure": measure, **{t: cells.get(t, "") for t in times}})
        tables.append((outcome, table))
    return tables


def _preview(s: Study, order: list[str]) -> None:
    st.subheader("Preview of the NICE tables")
    d = s.details
    rows = [
        {"Row": heading, "Content": d.analysis if name == "analysis" else getattr(d, name)}
        for name, heading in DETAIL_ROWS
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
    if d.analysed is not None:
        st.text(f"Number of patients analysed: {d.analysed}")
    for outcome, table in efficacy_tables(s.efficacy, order):
        st.html(f"<h5>{html.escape(outcome)}</h5>")
        st.dataframe(table, hide_index=True, width="stretch")
    if s.safety:
        st.html("<h5>Safety</h5>")
        st.dataframe(
            [
                {"Complication or adverse event": f.event, "n (%)": f.cell, "unit": f.unit,
                 "severity": f.severity, "time point": f.timepoint, "note": f.note}
                for f in s.safety
            ],
            hide_index=True,
            width="stretch",
        )  # fmt: skip


def page() -> None:
    store = review_store()
    me()
    st.title("Extraction")
    all_studies = list_studies(store)
    if not all_studies:
        st.text("No studies yet: create them on the Studies page from the records included.")
        return
    s = _choose(all_studies)
    _show_elsewhere(s.id)
    st.html(study_header(s))
    p = current_protocol(store)
    _details_form(s)
    _efficacy_editor(s, [o.name for o in p.efficacy])
    _safety_editor(s, [o.name for o in p.safety])
    _preview(s, [o.name for o in p.efficacy])
