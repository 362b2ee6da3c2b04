"""Sources: every database searched, as the report's literature search and PRISMA-S appendix
give it; a lead records here what an imported file cannot say about its search (the date it was
run, the platform, the strategy line by line, limits).

Each form is for the file it was drawn for and the details it showed: a save carries that file's
id and those details, and is refused if someone changed them meanwhile (``TargetChanged``), so an
edit never lands on details the lead did not see.
"""

from __future__ import annotations

import streamlit as st

from review.errors import ReviewError
from review.imports.model import ImportedFile
from review.imports.sources import edit_source, list_sources
from review.ui.render import plain
from review.ui.state import me, review_store

NOT_RECORDED = "not recorded"
FIELDS = (  # (edit_source's name, label, ImportedFile's attribute)
    ("database", "Database", "source"),
    ("platform", "Platform (interface searched)", "platform"),
    ("searched_on", "Date searched (YYYY-MM-DD; empty: not recorded)", "searched_on"),
    ("coverage", "Dates of coverage", "coverage"),
    ("limits", "Limits and filters", "limits"),
)


def _version() -> int:
    return st.session_state.get("sources_version", 0)


def _key(import_id: int, name: str) -> str:
    """Keys change with each save, so every form shows the details as stored."""
    return f"sources_{import_id}_{name}_{_version()}"


def _save(drawn: ImportedFile) -> None:
    """Write what the form for ``drawn`` holds to that file, and only if it is as drawn."""
    state = st.session_state
    changes = {name: state.get(_key(drawn.id, name)) or "" for name, _label, _attr in FIELDS}
    changes["strategy"] = state.get(_key(drawn.id, "strategy")) or ""
    try:
        edit_source(review_store(), drawn.id, me(), expect=drawn, **changes)
    except ReviewError as exc:
        state["sources_message"] = ("error", str(exc))
    else:
        state["sources_message"] = ("success", f"Source {drawn.id} ({drawn.file_name}) saved.")
    state["sources_version"] = _version() + 1


def page() -> None:
    store, who = review_store(), me()
    st.title("Sources")
    kind, message = st.session_state.pop("sources_message", (None, ""))
    if kind == "error":
        st.error(plain(message))
    elif kind:
        st.success(plain(message))
    sources = list_sources(store)
    if not sources:
        st.text("No saved searches or imported files yet.")
        return
    st.dataframe(
        [
            {
                "id": s.id,
                "kind": "PubMed search" if s.kind == "pubmed" else "imported file",
                "name": s.name,
                "database": s.database or NOT_RECORDED,
                "platform": s.platform or NOT_RECORDED,
                "date searched": ", ".join(s.searched) or NOT_RECORDED,
                "records": s.records,
            }
            for s in sources
        ],
        hide_index=True,
    )
    st.caption(
        "The report prints these details and never gives an import date as the date searched. "
        "A PubMed search's dates are those of its runs."
    )
    editable = who.is_lead
    for f in store.imports():
        title = f"Source {f.id}: {f.file_name} ({f.source or 'database not recorded'})"
        # names from files are shown as written, never as markup
        with st.expander(plain(title)), st.form(f"sources_form_{f.id}"):
            for name, label, attr in FIELDS:
                st.text_input(
                    label, getattr(f, attr) or "", key=_key(f.id, name), disabled=not editable
                )
            st.text_area(
                "Strategy, line by line as run",
                f.strategy,
                key=_key(f.id, "strategy"),
                height=160,
                disabled=not editable,
            )
            st.form_submit_button(
                "Save source",
                key=f"sources_save_{f.id}",
                on_click=_save,
                args=(f,),
                disabled=not editable,
            )
