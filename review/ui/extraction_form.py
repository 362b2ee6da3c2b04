"""Extraction: the add forms, one efficacy finding (outcome, measure, time point, value, spread,
n/N, p) and one safety finding (event, n/N, unit, severity, time point, note), filled by hand or
from a suggestion read in the abstract.

Their fields are plain widgets, not an st.form: each change reaches the server at once and is
kept as the reviewer's draft (review.extraction.drafts, one part per form), so a half-filled form
survives another page, a refresh or a closed tab, and is filled in again when the reviewer comes
back to the study. "Not reported" is a choice of its own, saved as the value "not reported",
never a blank. The Add button saves the finding with the table as it stands, for the study the
form was drawn for (its id is the callback's argument); the draft goes only once it is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import streamlit as st

from review.extraction import drafts
from review.extraction.model import (
    NOT_REPORTED,
    SAFETY_UNITS,
    SPREAD_KINDS,
    EfficacyFinding,
    ExtractionDraft,
    SafetyFinding,
)
from review.ui.extraction_tables import safety_editor, save_table, say, show, whole
from review.ui.state import me, review_store


@dataclass(frozen=True, eq=False)
class DraftedForm:
    """An add form whose fields are kept, as filled, in one part of the reviewer's draft.

    ``fields``: field -> (label, blank: the value of an empty field, never kept)."""

    part: str
    prefix: str
    fields: Mapping[str, tuple[str, Any]]

    def key(self, field: str, study_id: int) -> str:
        return f"{self.prefix}_{field}_{study_id}"

    def label(self, field: str) -> str:
        return self.fields[field][0]

    def value(self, field: str, study_id: int):
        return st.session_state.get(self.key(field, study_id))

    def words(self, field: str, study_id: int) -> str:
        return (self.value(field, study_id) or "").strip()

    def values(self, study_id: int) -> dict:
        """The form as filled: field -> value, blanks left out (what the draft keeps)."""
        values = {f: self.value(f, study_id) for f in self.fields}
        return {f: v for f, v in values.items() if v not in (None, "", False, self.fields[f][1])}

    def keep(self, study_id: int) -> None:
        filled = self.values(study_id)
        drafts.keep_draft(review_store(), me(), study_id, self.part, filled or None)

    def set(self, study_id: int, values: Mapping, fields=None) -> None:
        for field in self.fields if fields is None else fields:
            blank = self.fields[field][1]
            value = values.get(field, blank)
            st.session_state[self.key(field, study_id)] = blank if value is None else value

    def fill(self, study_id: int, values: Mapping) -> None:
        """Put values in the form for the reviewer to check and edit (stores no finding)."""
        self.set(study_id, values)
        self.keep(study_id)

    def clear(self, study_id: int) -> None:
        self.set(study_id, {})
        drafts.discard_draft(review_store(), me(), study_id, self.part)

    def kept(self, mine: ExtractionDraft | None) -> dict:
        return dict((mine.parts if mine else {}).get(self.part) or {})

    def restore(self, study_id: int, mine: ExtractionDraft | None, drop=()) -> None:
        """Fill in from the reviewer's draft each field this session does not have (the
        reviewer comes back from another page, or opens the study in a new tab). Field by
        field: Streamlit may forget some of a page's widgets before others; those it kept hold
        what the draft has. ``drop``: kept fields no longer valid (left blank)."""
        kept = self.kept(mine)
        if not kept:
            return
        kept = {k: v for k, v in kept.items() if k not in drop}
        missing = [f for f in self.fields if self.key(f, study_id) not in st.session_state]
        if missing:
            self.set(study_id, kept, missing)

    @contextmanager
    def box(self, study_id: int, mine: ExtractionDraft | None, key: str, caption: str):
        """The form's bordered box, opened by its caption; yields the fields' change handler
        (keep the draft). One caption whatever the draft: an element that came and went with
        it would shift the fields below while the reviewer types, and a number typed during
        that redraw was lost."""
        if self.kept(mine):
            caption += " What you typed here is kept as your draft until you add or clear it."
        with st.container(border=True, key=key):
            st.caption(caption)
            yield {"on_change": self.keep, "args": (study_id,)}

    def buttons(self, study_id: int, add: str, add_key: str, on_add) -> None:
        """Add (``on_add(study_id)``) and Clear the form, both bound to the study drawn."""
        left, right = st.columns(2)
        left.button(add, key=add_key, on_click=on_add, args=(study_id,))
        right.button(
            "Clear the form", key=f"{self.prefix}_clear_{study_id}", on_click=self._discard,
            args=(study_id,),
        )  # fmt: skip

    def _discard(self, study_id: int) -> None:
        self.clear(study_id)
        say(self.section, study_id, "success", "The form was cleared.")

    @property
    def section(self) -> str:
        return self.part.removesuffix("_form")


# Labels differ between the forms ("Time point", "N", "Note") so each field is named once.
EFFICACY_FORM = DraftedForm(
    "efficacy_form",
    "extraction_eff",
    {
        "outcome": ("Outcome", None),
        "measure": ("Measure", ""),
        "timepoint": ("Time point (e.g. 45 days)", ""),
        "value": ("Value", ""),
        "not_reported": ("Value not reported in the paper", False),
        "spread_kind": ("Spread", ""),
        "spread": ("Spread value", ""),
        "n": ("n (events or responders)", None),
        "N": ("N (patients)", None),
        "p_value": ("p-value", ""),
        "analysed": ("Analysed", None),
        "note": ("Note on the result", ""),
    },
)
SAFETY_FORM = DraftedForm(
    "safety_form",
    "extraction_add",
    {
        "event": ("Event", None),
        "n": ("n", None),
        "N": ("N", None),
        "unit": ("Unit", SAFETY_UNITS[0]),
        "severity": ("Severity", ""),
        "timepoint": ("Time point", ""),
        "note": ("Note", ""),
    },
)


# -- efficacy ----------------------------------------------------------------------------------


def fill(study_id: int, finding: EfficacyFinding, outcomes: list[str]) -> None:
    """Put a finding in the efficacy form for the reviewer to check and edit."""
    EFFICACY_FORM.fill(study_id, {
        "outcome": finding.outcome if finding.outcome in outcomes else None,
        "measure": finding.measure, "timepoint": finding.timepoint,
        "value": "" if finding.value == NOT_REPORTED else finding.value,
        "not_reported": finding.value == NOT_REPORTED, "spread_kind": finding.spread_kind,
        "spread": finding.spread, "n": finding.n, "N": finding.total,
        "p_value": finding.p_value, "analysed": finding.analysed, "note": finding.note,
    })  # fmt: skip


def _finding(study_id: int) -> EfficacyFinding:
    def value(field: str):
        return EFFICACY_FORM.value(field, study_id)

    def words(field: str) -> str:
        return EFFICACY_FORM.words(field, study_id)

    return EfficacyFinding(
        outcome=words("outcome"), measure=words("measure"), timepoint=words("timepoint"),
        value=NOT_REPORTED if value("not_reported") else words("value"),
        spread_kind=value("spread_kind") or "", spread=words("spread"),
        n=whole(value("n")), total=whole(value("N")), p_value=words("p_value"),
        analysed=whole(value("analysed")), note=words("note"),
    )  # fmt: skip


def _add(study_id: int) -> None:
    if save_table("efficacy", study_id, _finding(study_id)):
        EFFICACY_FORM.clear(study_id)


def restore(study_id: int, mine: ExtractionDraft | None, outcomes: list[str]) -> None:
    """The efficacy form from the draft; an outcome the protocol no longer has is left out."""
    kept = EFFICACY_FORM.kept(mine).get("outcome")
    stale = ("outcome",) if outcomes and kept not in outcomes else ()
    EFFICACY_FORM.restore(study_id, mine, stale)


def efficacy_form(study_id: int, outcomes: list[str], mine: ExtractionDraft | None) -> None:
    """The add form; every field's change is kept as the draft."""
    sid, form = study_id, EFFICACY_FORM
    label = form.label

    def k(field: str) -> str:
        return form.key(field, sid)

    restore(sid, mine, outcomes)
    with form.box(
        sid, mine, f"extraction_eff_form_{sid}",
        "Add an efficacy finding (saved with the table below as it stands). A suggestion from "
        "the abstract fills it in; check it against the paper before adding.",
    ) as args:  # fmt: skip
        if outcomes:
            st.selectbox(
                label("outcome"), outcomes, index=None, placeholder="A key efficacy outcome",
                key=k("outcome"), **args,
            )  # fmt: skip
        else:
            st.text_input(label("outcome"), key=k("outcome"), **args)
        left, right = st.columns(2)
        left.text_input(label("measure"), key=k("measure"), **args)
        right.text_input(label("timepoint"), key=k("timepoint"), **args)
        columns = st.columns(4)
        not_reported = bool(st.session_state.get(k("not_reported")))
        columns[0].text_input(label("value"), key=k("value"), disabled=not_reported, **args)
        columns[1].selectbox(
            label("spread_kind"), SPREAD_KINDS, key=k("spread_kind"),
            format_func=lambda kind: kind or "None", **args,
        )  # fmt: skip
        columns[2].text_input(label("spread"), key=k("spread"), **args)
        columns[3].text_input(
            label("p_value"), key=k("p_value"), placeholder="0.03, <0.0001, NS, NR", **args
        )
        st.checkbox(label("not_reported"), key=k("not_reported"), **args)
        columns = st.columns(4)
        for column, field in zip(columns, ("n", "N", "analysed"), strict=False):
            column.number_input(label(field), min_value=0, step=1, value=None, key=k(field), **args)
        columns[3].text_input(label("note"), key=k("note"), **args)
        form.buttons(sid, "Add efficacy finding", f"extraction_eff_add_{sid}", _add)


def efficacy_section(s_id: int, outcomes: list[str], mine: ExtractionDraft | None) -> None:
    st.subheader("Efficacy findings")
    show("efficacy", s_id)
    efficacy_form(s_id, outcomes, mine)


# -- safety ------------------------------------------------------------------------------------


def fill_safety(study_id: int, finding: SafetyFinding) -> None:
    """Put a finding in the safety form for the reviewer to check and edit."""
    SAFETY_FORM.fill(study_id, {
        "event": finding.event, "n": finding.n, "N": finding.total, "unit": finding.unit,
        "severity": finding.severity, "timepoint": finding.timepoint, "note": finding.note,
    })  # fmt: skip


def _add_safety(study_id: int) -> None:
    form = SAFETY_FORM

    def words(field: str) -> str:
        return form.words(field, study_id)

    finding = SafetyFinding(
        event=words("event"), n=whole(form.value("n", study_id)),
        total=whole(form.value("N", study_id)),
        unit=form.value("unit", study_id) or SAFETY_UNITS[0], severity=words("severity"),
        timepoint=words("timepoint"), note=words("note"),
    )  # fmt: skip
    if save_table("safety", study_id, finding):
        form.clear(study_id)


def safety_form(study_id: int, events: list[str], mine: ExtractionDraft | None) -> None:
    """The safety add form; every field's change is kept as the draft, like the efficacy one."""
    sid, form = study_id, SAFETY_FORM
    label = form.label

    def k(field: str) -> str:
        return form.key(field, sid)

    form.restore(sid, mine)
    with form.box(
        sid, mine, f"extraction_add_safety_{sid}",
        "Add a safety finding (saved with the table above as it stands).",
    ) as args:  # fmt: skip
        typed = st.session_state.get(k("event"))  # a suggestion's, a draft's or a new event
        st.selectbox(
            label("event"), [*events, typed] if typed and typed not in events else events,
            index=None, accept_new_options=True,
            placeholder="A key safety outcome, or type another event", key=k("event"), **args,
        )  # fmt: skip
        columns = st.columns(3)
        for column, field in zip(columns, ("n", "N"), strict=False):
            column.number_input(label(field), min_value=0, step=1, value=None, key=k(field), **args)
        columns[2].selectbox(label("unit"), SAFETY_UNITS, key=k("unit"), **args)
        columns = st.columns(3)
        for column, field in zip(columns, ("severity", "timepoint", "note"), strict=True):
            column.text_input(label(field), key=k(field), **args)
        form.buttons(sid, "Add safety finding", f"extraction_add_{sid}", _add_safety)


def safety_section(s, events: list[str], mine: ExtractionDraft | None) -> None:
    """The safety table, then its add form."""
    safety_editor(s, events, mine)
    safety_form(s.id, events, mine)
