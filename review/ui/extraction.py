"""Extraction: one study's NICE study details and findings, checked by the library on saving.

The page puts what the study says (abstracts, the kept PDF, suggested findings:
review.ui.extraction_suggest) beside the forms: study details here, the efficacy add form
(review.ui.extraction_form) and the findings tables (review.ui.extraction_tables). Numbers are
typed as text so "6.20" reaches the report as "6.20".

Every write names its study by the id the form was drawn for (callback arguments), and the
study on screen is one id kept in the session and in ``?study=`` (review.ui.targets.pick), so a
renamed study neither moves the selector nor sends a later write to another study.
"""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from review.errors import ReviewError
from review.extraction import drafts
from review.extraction.model import ANALYSIS_PARTS, DESIGNS, DETAIL_ROWS, Study, StudyDetails
from review.extraction.protocol import current_protocol
from review.extraction.studies import list_studies, save_details
from review.ui.extraction_form import efficacy_section, safety_section
from review.ui.extraction_suggest import source_panel
from review.ui.extraction_tables import (  # the tables' helpers, also used by other pages
    EFFICACY_COLUMNS,
    NUMBER_COLUMNS,
    SAFETY_COLUMNS,
    edited,
    efficacy_editor,
    efficacy_finding,
    frame,
    safety_finding,
    say,
    show,
    show_elsewhere,
    text,
    text_columns,
    whole,
)
from review.ui.state import me, review_store
from review.ui.targets import pick

__all__ = [
    "EFFICACY_COLUMNS", "NUMBER_COLUMNS", "SAFETY_COLUMNS", "edited", "efficacy_finding",
    "frame", "page", "safety_finding", "study_header", "text", "text_columns", "whole",
]  # fmt: skip

FACTS = (
    ("patients", "Patients enrolled"),
    ("analysed", "Patients analysed"),
    ("lost_to_follow_up", "Lost to follow-up"),
)
RETROSPECTIVE = {"Not stated": None, "Retrospective": True, "Prospective": False}
SHORT_ROWS = {"study_type", "country", "recruitment", "follow_up"}


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
        say("details", study_id, "error", str(exc))
        return
    say("details", study_id, "success", "Study details saved.")


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
    show("details", s.id)
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
    reviewer = me()
    st.title("Extraction")
    all_studies = list_studies(store)
    if not all_studies:
        st.text("No studies yet: create them on the Studies page from the records included.")
        return
    s = _choose(all_studies)
    show_elsewhere(s.id)
    st.html(study_header(s))
    p = current_protocol(store)
    mine = drafts.draft(store, reviewer, s.id)
    source, forms = st.columns([2, 3], gap="medium")
    with source:
        source_panel(s, p)
    with forms:
        _details_form(s)
        efficacy_section(s.id, [o.name for o in p.efficacy], mine)
        efficacy_editor(s, [o.name for o in p.efficacy], mine)
        safety_section(s, [o.name for o in p.safety], mine)
    _preview(s, [o.name for o in p.efficacy])
