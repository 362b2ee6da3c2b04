"""Protocol: everything a lead sets up the review with, on one page in sections: the review
question and how it is screened (single or dual, keywords), the inclusion criteria, the
exclusion and appendix reasons, the key outcomes, and the overview's sections the lead writes
(the procedure, existing assessments, experts' views ...); then who reviews.

The protocol a team agreed on usually arrives as a TOML file: uploading it replaces the protocol
whole (the library checks it first and names every problem), and the current one downloads as
the same TOML, so the file and the app never drift apart. One form saves the protocol and the
screening settings as one change; it is for the review as it was drawn from: if another lead
saves meanwhile, a save is refused rather than applied to rows that now mean something else.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from review.errors import ReviewError
from review.extraction.model import (
    BETTER,
    CRITERIA_ROWS,
    OUTCOME_KINDS,
    SECTION_ROWS,
    Criteria,
    Outcome,
    Sections,
)
from review.extraction.model import Protocol as ProtocolModel
from review.extraction.protocol import (
    current_protocol,
    read_protocol_file,
    review_toml,
    save_protocol,
    save_review_setup,
)
from review.screening.decisions import settings
from review.screening.model import Settings
from review.screening.reviewers import active_reviewers
from review.ui.extraction import edited, frame, text, text_columns
from review.ui.render import plain
from review.ui.state import has_accounts, me, review_store

OUTCOME_COLUMNS = ("name", "kind", "better", "description")
DEFAULTS = {"efficacy": ("continuous", "none"), "safety": ("event", "lower")}
CHANGED = "The protocol or settings were changed by someone else since this form was drawn."


def _version() -> int:
    return st.session_state.get("protocol_version", 0)


def _key(name: str) -> str:
    """Widget keys change with each save, so the form shows what was saved, not stale input."""
    return f"protocol_{name}_{_version()}"


def _lines(value: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (value or "").splitlines() if line.strip())


def _say(kind: str, message: str) -> None:
    st.session_state["protocol_message"] = (kind, message)


def _fresh() -> None:
    """New widget keys: the form is drawn again from the protocol as stored."""
    st.session_state["protocol_version"] = _version() + 1


def _saved(message: str) -> None:
    _fresh()
    _say("success", message)


def _outcomes(role: str) -> tuple[Outcome, ...]:
    base = st.session_state.get(f"protocol_{role}_base", [])
    rows = edited(base, st.session_state.get(_key(role)), OUTCOME_COLUMNS)
    kind, better = DEFAULTS[role]
    return tuple(
        Outcome(
            name=text(r["name"]),
            role=role,
            kind=text(r["kind"]) or kind,
            better=text(r["better"]) or better,
            description=text(r["description"]),
        )
        for r in rows
        if any(text(r[c]) for c in ("name", "description"))
    )


def _drawn_from() -> tuple[ProtocolModel, Settings] | None:
    """The protocol and settings this version of the form was drawn from (its tables' edits
    are positions)."""
    return st.session_state.get(_key("drawn"))


def _now(store) -> tuple[ProtocolModel, Settings]:
    return current_protocol(store), settings(store)


def _save_form() -> None:
    state = st.session_state
    if _now(review_store()) != _drawn_from():
        _fresh()  # on the protocol as it now is: the tables' edits would name other rows
        _say("error", CHANGED + " Your changes were not saved; make them again.")
        return
    new = ProtocolModel(
        title=(state.get(_key("title")) or "").strip(),
        efficacy=_outcomes("efficacy"),
        safety=_outcomes("safety"),
        criteria=Criteria(
            **{name: (state.get(_key(name)) or "").strip() for name, _ in CRITERIA_ROWS}
        ),
        appendix_reasons=_lines(state.get(_key("appendix_reasons")) or "")
        or ProtocolModel().appendix_reasons,
        sections=Sections(
            **{name: (state.get(_key(f"section_{name}")) or "").strip() for name, _ in SECTION_ROWS}
        ),
    )
    rules = Settings(
        question=(state.get(_key("question")) or "").strip(),
        criteria=(state.get(_key("screening_criteria")) or "").strip(),
        exclusion_reasons=_lines(state.get(_key("exclusion_reasons")) or ""),
        include_terms=_lines(state.get(_key("include_terms")) or ""),
        exclude_terms=_lines(state.get(_key("exclude_terms")) or ""),
        dual=bool(state.get(_key("dual"))),
    )
    try:
        save_review_setup(review_store(), new, rules, me())
    except ReviewError as exc:
        _say("error", str(exc))
        return
    _saved("Protocol saved.")


def _upload() -> None:
    upload = st.session_state.get(_key("upload"))
    if upload is None:
        _say("error", "Choose a protocol TOML file first.")
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(upload.name).name or "protocol.toml")
        path.write_bytes(upload.getvalue())
        try:
            new, screening = read_protocol_file(path)  # [screening]: the screening settings
            save_protocol(review_store(), new, me(), screening=screening)
        except ReviewError as exc:  # name the uploaded file, not our temporary copy
            _say("error", str(exc).replace(str(path), upload.name))
            return
    _saved(f"Protocol replaced by {upload.name}.")


def _outcome_editor(role: str, outcomes: tuple[Outcome, ...], editable: bool) -> None:
    base = [{c: getattr(o, c) for c in OUTCOME_COLUMNS} for o in outcomes]
    st.session_state[f"protocol_{role}_base"] = base
    st.data_editor(
        frame(base, OUTCOME_COLUMNS),
        key=_key(role),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        disabled=not editable,
        column_config={
            **text_columns(OUTCOME_COLUMNS),
            "name": st.column_config.TextColumn("name", required=True),
            "kind": st.column_config.SelectboxColumn("kind", options=OUTCOME_KINDS),
            "better": st.column_config.SelectboxColumn("better", options=BETTER),
            "description": st.column_config.TextColumn("description", width="large"),
        },
    )


def page() -> None:
    store, who = review_store(), me()
    st.title("Protocol")
    kind, message = st.session_state.pop("protocol_message", (None, ""))
    if kind == "error":
        st.error(plain(message))
    elif kind:
        st.success(plain(message))
    current, rules = drawn_now = _now(store)
    drawn = _drawn_from()
    if drawn is not None and drawn != drawn_now:
        _fresh()
        st.info(CHANGED + " The form now shows them as they are.")
    st.session_state[_key("drawn")] = drawn_now
    editable = who.is_lead
    if not editable:
        st.caption("Only a lead changes the protocol and the settings.")
    st.download_button(
        "Download the protocol (TOML)",
        review_toml(store),  # with the screening settings, so the file sets up the same review
        file_name="protocol.toml",
        mime="application/toml",
        key="protocol_download",
    )
    if editable:
        with st.expander("Upload a protocol file (replaces the whole protocol)"):
            st.file_uploader("Protocol TOML", type=["toml"], key=_key("upload"))
            st.button("Use this protocol", key="protocol_use_upload", on_click=_upload)
    with st.form("protocol_form"):
        _form(current, rules, editable)
    _reviewers(store)


def _form(current: ProtocolModel, rules: Settings, editable: bool) -> None:
    off = not editable
    st.text_input("Title", current.title, key=_key("title"), disabled=off)
    st.subheader("Review question and screening")
    st.text_area("Review question", rules.question, key=_key("question"), disabled=off)
    st.checkbox(
        "Dual screening: every record needs two independent decisions",
        rules.dual, key=_key("dual"), disabled=off,
    )  # fmt: skip
    left, right = st.columns(2)
    left.text_area(
        "Include keywords, highlighted green (one a line)",
        "\n".join(rules.include_terms), key=_key("include_terms"), disabled=off,
    )  # fmt: skip
    right.text_area(
        "Exclude keywords, highlighted red (one a line)",
        "\n".join(rules.exclude_terms), key=_key("exclude_terms"), disabled=off,
    )  # fmt: skip
    st.subheader("Inclusion criteria")
    st.caption(
        "The report prints these rows; they, the question and the text below rank the records "
        "before the first include."
    )
    for name, label in CRITERIA_ROWS:
        st.text_area(label, getattr(current.criteria, name), key=_key(name), disabled=off)
    st.text_area(
        "Other criteria for the screeners, in your own words",
        rules.criteria, key=_key("screening_criteria"), disabled=off,
    )  # fmt: skip
    st.subheader("Reasons")
    st.text_area(
        "Exclusion reasons for screening (one a line; the Screen and Full text pages offer them)",
        "\n".join(rules.exclusion_reasons), key=_key("exclusion_reasons"), disabled=off,
    )  # fmt: skip
    st.text_area(
        "Reasons for leaving a study out of the key evidence (one a line)",
        "\n".join(current.appendix_reasons), key=_key("appendix_reasons"), disabled=off,
    )  # fmt: skip
    st.subheader("Key efficacy outcomes")
    _outcome_editor("efficacy", current.efficacy, editable)
    st.subheader("Key safety outcomes")
    _outcome_editor("safety", current.safety, editable)
    st.subheader("Sections of the overview")
    st.caption(
        "The report prints this text as written, line by line, under these headings in "
        "NICE's order; an empty one prints a note that it has not been written. The outcome "
        "measures come from the outcomes' descriptions above."
    )
    for name, label in SECTION_ROWS:
        st.text_area(
            label, getattr(current.sections, name), key=_key(f"section_{name}"), disabled=off
        )
    st.form_submit_button("Save", key="protocol_save", on_click=_save_form, disabled=off)


def _reviewers(store) -> None:
    st.subheader("Reviewers")
    if has_accounts():
        st.dataframe(
            [{"name": r.name, "role": r.role} for r in active_reviewers(store)], hide_index=True
        )
    else:
        st.text(
            "No accounts: this review has one reviewer and the app listens on this computer "
            "only.\nAdd accounts with: review reviewer add DB NAME --role lead|reviewer"
        )
