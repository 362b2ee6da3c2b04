"""Extraction: the form that adds one efficacy finding (outcome, measure, time point, value,
spread, n/N, p), filled by hand or from a suggestion read in the abstract.

Its fields are plain widgets, not an st.form: each change reaches the server at once and is
kept as the reviewer's draft (review.extraction.drafts), so a half-filled form survives another
page, a refresh or a closed tab, and is filled in again when the reviewer comes back to the study.
"Not reported" is a choice of its own, saved as the value "not reported", never a blank.
The Add button saves the finding with the table as it stands, for the study the form was drawn
for (its id is the callback's argument).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from review.extraction import drafts
from review.extraction.model import NOT_REPORTED, SPREAD_KINDS, EfficacyFinding, ExtractionDraft
from review.ui.extraction_tables import save_table, say, show, whole
from review.ui.state import me, review_store

# field -> (label, kind): text, number (a count), outcome, spread_kind, flag. Labels differ from
# the safety form's ("Time point", "N", "Note") so each field is named once on the page.
FIELDS = {
    "outcome": ("Outcome", "outcome"),
    "measure": ("Measure", "text"),
    "timepoint": ("Time point (e.g. 45 days)", "text"),
    "value": ("Value", "text"),
    "not_reported": ("Value not reported in the paper", "flag"),
    "spread_kind": ("Spread", "spread_kind"),
    "spread": ("Spread value", "text"),
    "n": ("n (events or responders)", "number"),
    "N": ("N (patients)", "number"),
    "p_value": ("p-value", "text"),
    "analysed": ("Analysed", "number"),
    "note": ("Note on the result", "text"),
}


def key(field: str, study_id: int) -> str:
    return f"extraction_eff_{field}_{study_id}"


def _values(study_id: int) -> dict:
    """The form as filled: field -> value, blanks left out (what the draft keeps)."""
    values = {f: st.session_state.get(key(f, study_id)) for f in FIELDS}
    return {f: v for f, v in values.items() if v not in (None, "", False)}


def _keep(study_id: int) -> None:
    filled = _values(study_id)
    drafts.keep_draft(review_store(), me(), study_id, "efficacy_form", filled or None)


def fill(study_id: int, finding: EfficacyFinding, outcomes: list[str]) -> None:
    """Put a finding in the form for the reviewer to check and edit (stores no finding)."""
    values = {
        "outcome": finding.outcome if finding.outcome in outcomes else None,
        "measure": finding.measure, "timepoint": finding.timepoint,
        "value": "" if finding.value == NOT_REPORTED else finding.value,
        "not_reported": finding.value == NOT_REPORTED, "spread_kind": finding.spread_kind,
        "spread": finding.spread, "n": finding.n, "N": finding.total,
        "p_value": finding.p_value, "analysed": finding.analysed, "note": finding.note,
    }  # fmt: skip
    _set(study_id, values)
    _keep(study_id)


def _set(study_id: int, values: dict, fields=tuple(FIELDS)) -> None:
    for field in fields:
        kind = FIELDS[field][1]
        blank = False if kind == "flag" else ("" if kind in {"text", "spread_kind"} else None)
        value = values.get(field, blank)
        st.session_state[key(field, study_id)] = blank if value is None else value


def _clear(study_id: int) -> None:
    _set(study_id, {})
    drafts.discard_draft(review_store(), me(), study_id, "efficacy_form")


def _finding(study_id: int) -> EfficacyFinding:
    def value(field: str):
        return st.session_state.get(key(field, study_id))

    def words(field: str) -> str:
        return (value(field) or "").strip()

    return EfficacyFinding(
        outcome=words("outcome"), measure=words("measure"), timepoint=words("timepoint"),
        value=NOT_REPORTED if value("not_reported") else words("value"),
        spread_kind=value("spread_kind") or "", spread=words("spread"),
        n=whole(value("n")), total=whole(value("N")), p_value=words("p_value"),
        analysed=whole(value("analysed")), note=words("note"),
    )  # fmt: skip


def _add(study_id: int) -> None:
    if save_table("efficacy", study_id, _finding(study_id)):
        _clear(study_id)


def _discard(study_id: int) -> None:
    _clear(study_id)
    say("efficacy", study_id, "success", "The form was cleared.")


def restore(study_id: int, mine: ExtractionDraft | None, outcomes: list[str]) -> None:
    """Fill in from the reviewer's draft each field this session does not have (the reviewer
    comes back from another page, or opens the study in a new tab). Field by field: Streamlit
    may forget some of a page's widgets before others; those it kept hold what the draft has."""
    kept = (mine.parts if mine else {}).get("efficacy_form")
    if not kept:
        return
    if outcomes and kept.get("outcome") not in outcomes:  # the protocol changed meanwhile
        kept = {k: v for k, v in kept.items() if k != "outcome"}
    missing = [f for f in FIELDS if key(f, study_id) not in st.session_state]
    if missing:
        _set(study_id, kept, missing)


def efficacy_form(study_id: int, outcomes: list[str], mine: ExtractionDraft | None) -> None:
    """The add form; every field's change is kept as the draft."""
    sid = study_id
    restore(sid, mine, outcomes)
    with st.container(border=True, key=f"extraction_eff_form_{sid}"):
        st.caption(
            "Add an efficacy finding (saved with the table below as it stands). A suggestion "
            "from the abstract fills it in; check it against the paper before adding."
        )
        if (mine.parts if mine else {}).get("efficacy_form"):
            st.caption("What you typed here is kept as your draft until you add or clear it.")
        args: dict[str, Any] = {"on_change": _keep, "args": (sid,)}
        if outcomes:
            st.selectbox(
                FIELDS["outcome"][0], outcomes, index=None, placeholder="A key efficacy outcome",
                key=key("outcome", sid), **args,
            )  # fmt: skip
        else:
            st.text_input(FIELDS["outcome"][0], key=key("outcome", sid), **args)
        left, right = st.columns(2)
        left.text_input(FIELDS["measure"][0], key=key("measure", sid), **args)
        right.text_input(FIELDS["timepoint"][0], key=key("timepoint", sid), **args)
        columns = st.columns(4)
        not_reported = bool(st.session_state.get(key("not_reported", sid)))
        columns[0].text_input(
            FIELDS["value"][0], key=key("value", sid), disabled=not_reported, **args
        )
        columns[1].selectbox(
            FIELDS["spread_kind"][0], SPREAD_KINDS, key=key("spread_kind", sid),
            format_func=lambda k: k or "None", **args,
        )  # fmt: skip
        columns[2].text_input(FIELDS["spread"][0], key=key("spread", sid), **args)
        columns[3].text_input(
            FIELDS["p_value"][0], key=key("p_value", sid), placeholder="0.03, <0.0001, NS, NR",
            **args,
        )  # fmt: skip
        st.checkbox(FIELDS["not_reported"][0], key=key("not_reported", sid), **args)
        columns = st.columns(4)
        for column, field in zip(columns, ("n", "N", "analysed"), strict=False):
            column.number_input(
                FIELDS[field][0], min_value=0, step=1, value=None, key=key(field, sid), **args
            )
        columns[3].text_input(FIELDS["note"][0], key=key("note", sid), **args)
        left, right = st.columns(2)
        left.button(
            "Add efficacy finding", key=f"extraction_eff_add_{sid}", on_click=_add, args=(sid,)
        )
        right.button(
            "Clear the form", key=f"extraction_eff_clear_{sid}", on_click=_discard, args=(sid,)
        )


def efficacy_section(s_id: int, outcomes: list[str], mine: ExtractionDraft | None) -> None:
    st.subheader("Efficacy findings")
    show("efficacy", s_id)
    efficacy_form(s_id, outcomes, mine)
