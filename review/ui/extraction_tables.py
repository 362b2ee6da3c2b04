"""Extraction: a study's findings tables (Streamlit data editors).

The data editors keep the reviewer's edits as a delta on the rows they were given; the Save
callbacks apply that delta to the same rows (kept in the session when drawn), so what is saved is
exactly what the reviewer sees; if another reviewer saved that study's findings meanwhile, the
rows' positions would name other findings, and the library refuses the save.

Each edit is also kept as the reviewer's draft in the review file (review.extraction.drafts):
Streamlit forgets a page's widgets when another page is opened, and the draft brings the edited
rows back (with the findings they were edited on, so the refusal above still holds) until the
reviewer saves or discards them. Every write names its study by the id the table was drawn for.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from review.errors import ReviewError, TargetChanged
from review.extraction import drafts
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
    SAFETY_UNITS,
    SPREAD_KINDS,
    EfficacyFinding,
    ExtractionDraft,
    SafetyFinding,
    Study,
)
from review.extraction.studies import save_findings
from review.ui.render import plain
from review.ui.state import me, review_store

EFFICACY_COLUMNS = headers(EFFICACY)  # the workbook's columns (review.extraction.columns)
SAFETY_COLUMNS = headers(SAFETY)
NUMBER_COLUMNS = whole_numbers(EFFICACY + SAFETY)
COLUMNS = {"efficacy": EFFICACY_COLUMNS, "safety": SAFETY_COLUMNS}


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


def _json_cell(header: str, value):
    """A cell as the draft keeps it (JSON): counts whole where they are, the rest text."""
    if header in NUMBER_COLUMNS:
        number = whole(value)
        return number if number is None or isinstance(number, int) else str(number)
    return text(value)


# -- messages --------------------------------------------------------------------------------------


def say(section: str, study_id: int, kind: str, message: str) -> None:
    st.session_state[f"extraction_message_{section}_{study_id}"] = (kind, message)


def show(section: str, study_id: int) -> None:
    kind, message = st.session_state.pop(f"extraction_message_{section}_{study_id}", (None, ""))
    if kind == "error":
        st.error(plain(message))
    elif kind:
        st.success(plain(message))


def show_elsewhere(study_id: int) -> None:
    """Messages of writes for another study (one merged away meanwhile): shown, not lost."""
    state = st.session_state
    for key in [k for k in state if str(k).startswith("extraction_message_")]:
        if not str(key).endswith(f"_{study_id}"):
            kind, message = state.pop(key)
            (st.error if kind == "error" else st.success)(plain(message))


# -- rows <-> findings -----------------------------------------------------------------------------


def _cells(r: dict, columns: tuple[Column, ...]) -> dict:
    """A table row's cells as the library's types: counts whole, the rest stripped text."""
    return {
        c.header: whole(r.get(c.header)) if c.kind == "int" else text(r.get(c.header))
        for c in columns
    }


def efficacy_finding(r: dict) -> EfficacyFinding:
    return finding_from_row("efficacy", _cells(r, EFFICACY))


def safety_finding(r: dict) -> SafetyFinding:
    cells = _cells(r, SAFETY)
    return finding_from_row("safety", cells | {"unit": cells["unit"] or "patient"})


def _key(kind: str, study_id: int) -> str:
    version = st.session_state.get(f"extraction_{kind}_version_{study_id}", 0)
    return f"extraction_{kind}_{study_id}_{version}"


def _fresh(kind: str, study_id: int) -> None:
    """A new editor next time: the old delta must not be applied to other rows."""
    version = f"extraction_{kind}_version_{study_id}"
    st.session_state[version] = st.session_state.get(version, 0) + 1


def drawn(kind: str, study_id: int) -> tuple:
    """The findings the study's table was drawn from (a save is refused if they changed)."""
    return st.session_state.get(f"extraction_{kind}_drawn_{study_id}", ())


def table_rows(kind: str, study_id: int) -> list[dict]:
    """The table's rows as the reviewer sees them now (empty rows dropped), JSON-ready."""
    base = st.session_state.get(f"extraction_{kind}_rows_{study_id}", [])
    state = st.session_state.get(_key(kind, study_id))
    return [
        {c: _json_cell(c, r.get(c)) for c in COLUMNS[kind]}
        for r in edited(base, state, COLUMNS[kind])
        if not _empty(r)
    ]


def _editing(kind: str, study_id: int) -> bool:
    state = st.session_state.get(_key(kind, study_id)) or {}
    return any(state.get(k) for k in ("edited_rows", "deleted_rows", "added_rows"))


def _base_rows(kind: str, s: Study, mine: ExtractionDraft | None) -> list[dict]:
    """The rows the editor is drawn on: while this session has edits in it, the rows those
    edits were made on; else the reviewer's draft, if one is kept; else the saved findings."""
    state = st.session_state
    current = getattr(s, kind)
    drawn_key, rows_key = f"extraction_{kind}_drawn_{s.id}", f"extraction_{kind}_rows_{s.id}"
    kept = drafts.table(mine, kind)
    if _editing(kind, s.id) and rows_key in state:
        was, rows = state[drawn_key], state[rows_key]
    elif kept is not None:
        was, rows = kept
    else:
        was, rows = current, [finding_row(f) for f in current]
    # The notes sit in one container, there or not, so the table below never moves: an
    # element appearing above it at the first edit would redraw it while the reviewer types.
    with st.container(key=f"extraction_{kind}_notes_{s.id}"):
        if kept is not None or _editing(kind, s.id):
            st.info(
                f"Your {kind} edits are not saved yet (kept as your draft"
                + (f", {mine.updated_at[:16].replace('T', ' ')} UTC" if mine else "")
                + "): save them or discard them."
            )
        if tuple(was) != tuple(current):
            st.caption(
                f"Someone else changed this study's {kind} findings since this table was "
                "drawn; saving your edits will be refused (the Preview below shows the "
                "current ones)."
            )
    if (state.get(drawn_key), state.get(rows_key)) != (tuple(was), rows):
        if rows_key in state and not _editing(kind, s.id):  # a fresh editor on other rows
            _fresh(kind, s.id)
        state[drawn_key], state[rows_key] = tuple(was), rows
    return rows


def _saved(kind: str, study_id: int, message: str) -> None:
    """The table is drawn again from the saved findings; the draft of it goes."""
    drafts.discard_draft(review_store(), me(), study_id, kind)
    _fresh(kind, study_id)
    st.session_state.pop(f"extraction_{kind}_rows_{study_id}", None)
    st.session_state.pop(f"extraction_{kind}_drawn_{study_id}", None)
    if message:
        say(kind, study_id, "success", message)


# -- callbacks: every write happens here, before the page is drawn again -------------------------


def _keep(kind: str, study_id: int) -> None:
    """An edit in the table: kept as the reviewer's draft (dropped when undone)."""
    rows = table_rows(kind, study_id)
    was = drawn(kind, study_id)
    if rows == [{c: _json_cell(c, v) for c, v in finding_row(f).items()} for f in was]:
        drafts.discard_draft(review_store(), me(), study_id, kind)
    else:
        drafts.keep_table(review_store(), me(), study_id, kind, was, rows)


def _discard(kind: str, study_id: int) -> None:
    _saved(kind, study_id, "")
    say(kind, study_id, "success", f"Your unsaved {kind} edits were discarded.")


def save_table(kind: str, study_id: int, extra=None) -> bool:
    """Save the table as it stands (plus ``extra``, a finding from an add form); True if saved."""
    rows = table_rows(kind, study_id)
    try:
        if kind == "efficacy":
            efficacy = [efficacy_finding(r) for r in rows] + ([extra] if extra else [])
            save_findings(
                review_store(), study_id, me(), efficacy=efficacy,
                efficacy_was=drawn(kind, study_id),
            )  # fmt: skip
            count = len(efficacy)
        else:
            safety = [safety_finding(r) for r in rows] + ([extra] if extra else [])
            save_findings(
                review_store(), study_id, me(), safety=safety, safety_was=drawn(kind, study_id)
            )
            count = len(safety)
    except TargetChanged as exc:
        _saved(kind, study_id, "")
        say(kind, study_id, "error", str(exc))
        return False
    except ReviewError as exc:
        say(kind, study_id, "error", str(exc))
        return False
    _saved(kind, study_id, f"{count} {kind} findings saved.")
    return True


def _save(kind: str, study_id: int) -> None:
    save_table(kind, study_id)


# -- the tables ------------------------------------------------------------------------------------


def _table(kind: str, s: Study, mine: ExtractionDraft | None, column_config: dict) -> None:
    rows = _base_rows(kind, s, mine)
    st.data_editor(
        frame(rows, COLUMNS[kind], NUMBER_COLUMNS),
        key=_key(kind, s.id),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={**text_columns(COLUMNS[kind], NUMBER_COLUMNS), **column_config},
        on_change=_keep,
        args=(kind, s.id),
    )
    left, right = st.columns(2)
    left.button(
        f"Save {kind} findings",
        key=f"extraction_save_{kind}_{s.id}",
        on_click=_save,
        args=(kind, s.id),
    )
    if drafts.table(mine, kind) is not None or _editing(kind, s.id):
        right.button(
            f"Discard my unsaved {kind} edits",
            key=f"extraction_discard_{kind}_{s.id}",
            on_click=_discard,
            args=(kind, s.id),
        )


def efficacy_editor(s: Study, outcomes: list[str], mine: ExtractionDraft | None) -> None:
    st.caption(
        "All the study's efficacy rows, for bulk edits: one row per outcome, measure and time "
        "point. Type numbers as the paper prints them; p-values as 0.03, <0.0001 or NS; "
        "'not reported' (or NR) where the paper gives none."
    )
    outcome = (
        st.column_config.SelectboxColumn("outcome", options=outcomes, required=True)
        if outcomes
        else st.column_config.TextColumn("outcome", required=True)
    )
    _table(
        "efficacy", s, mine,
        {
            "outcome": outcome,
            "analysed": st.column_config.NumberColumn("analysed", min_value=0, step=1),
            "spread_kind": st.column_config.SelectboxColumn(
                "spread_kind", options=SPREAD_KINDS[1:]
            ),
            "n": st.column_config.NumberColumn("n", min_value=0, step=1),
            "N": st.column_config.NumberColumn("N", min_value=0, step=1),
            "p_value": st.column_config.TextColumn("p-value"),
        },
    )  # fmt: skip


def safety_editor(s: Study, events: list[str], mine: ExtractionDraft | None) -> None:
    st.subheader("Safety findings")
    st.caption(
        "One row per complication or adverse event; 'no major complications' is a finding too "
        "(as a note, without n). Several events of one key outcome: name each after it, "
        "'Damage to adjacent structures: chilblains'."
    )
    show("safety", s.id)
    _table(
        "safety", s, mine,
        {
            "event": st.column_config.TextColumn("event", required=True),
            "n": st.column_config.NumberColumn("n", min_value=0, step=1),
            "N": st.column_config.NumberColumn("N", min_value=0, step=1),
            "unit": st.column_config.SelectboxColumn("unit", options=SAFETY_UNITS, required=True),
        },
    )  # fmt: skip
