"""Report: the efficacy and safety summaries in the reviewers' words, the report files, PRISMA.

The summaries start as a draft written from the key studies' findings; a lead rewrites them here
and saves. The Word file takes a second or two to write, so the files are prepared on request
(and shown with the library's message if that fails) rather than on every rerun of the page.
"""

from __future__ import annotations

import hashlib
import html
import io
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from review.errors import ReviewError
from review.extraction.protocol import current_protocol
from review.permissions import allowed
from review.report import writer_for, writers
from review.report.export import export_prisma_svg, export_report, report_file_name
from review.report.flow import review_counts
from review.report.prisma import prisma_svg
from review.report.summary import Summaries, draft_summaries, save_summaries, summaries
from review.screening.model import Reviewer
from review.ui.render import plain
from review.ui.state import me, review_store

if TYPE_CHECKING:
    from review.store import Store

PARTS = (("efficacy", "Efficacy summary"), ("safety", "Safety summary"))


def _plain(value: str) -> str:
    """Text for a widget label, which Streamlit reads as Markdown: every markup character
    escaped."""
    return plain(value)


def _key(part: str, heading: str) -> str:
    digest = hashlib.sha1(heading.encode()).hexdigest()[:10]
    return f"report_{part}_{digest}_{st.session_state.get('report_version', 0)}"


def _say(kind: str, message: str) -> None:
    st.session_state["report_message"] = (kind, message)


def _fresh(message: str) -> None:
    """New text areas on the saved text, and files prepared before the change forgotten."""
    st.session_state["report_version"] = st.session_state.get("report_version", 0) + 1
    st.session_state.pop("report_files", None)
    _say("success", message)


# -- callbacks -------------------------------------------------------------------------------------


def _save() -> None:
    headings = st.session_state.get("report_headings", {})
    sections = {
        part: tuple(
            (heading, (st.session_state.get(_key(part, heading)) or "").strip())
            for heading in headings.get(part, ())
        )
        for part, _ in PARTS
    }
    try:
        save_summaries(review_store(), Summaries(sections["efficacy"], sections["safety"]), me())
    except ReviewError as exc:
        _say("error", str(exc))
        return
    _fresh("Summaries saved.")


def _redraft() -> None:
    store = review_store()
    try:
        save_summaries(store, draft_summaries(store), me())
    except ReviewError as exc:
        _say("error", str(exc))
        return
    st.session_state["report_confirm_redraft"] = False
    _fresh("The summaries are drafted again from the extracted data.")


def report_file(store: Store, actor: Reviewer, fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of the report in one format, named after the review
    ("cryoablation-of-peripheral-neuroma.docx"); a Markdown report and the PRISMA picture it
    links to come together in a zip."""
    with tempfile.TemporaryDirectory() as folder:
        suffix = writer_for("report", fmt).suffixes[0]
        name = report_file_name(current_protocol(store).title, suffix)
        path = export_report(store, actor, Path(folder) / name, fmt)
        written = sorted(Path(folder).iterdir())
        if len(written) == 1:
            return path.name, path.read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in written:
                archive.write(file, file.name)
        return f"{path.stem}-{fmt}.zip", buffer.getvalue()


def _prepare() -> None:
    store = review_store()
    try:
        files = {w.name: report_file(store, me(), w.name) for w in writers()}
    except ReviewError as exc:
        _say("error", str(exc))
        return
    st.session_state["report_files"] = (datetime.now().strftime("%H:%M:%S"), files)


# -- the page --------------------------------------------------------------------------------------


def prisma_diagram(store: Store) -> None:
    """The PRISMA 2020 flow diagram of the review as it stands (one study per study once studies
    are made, else one per included report)."""
    lead = allowed(me(), "export_report")  # a reviewer sees it (on Overview), a lead exports it
    svg = export_prisma_svg(store, me()) if lead else prisma_svg(review_counts(store))
    st.image(svg, caption="PRISMA 2020 flow diagram")  # an <img> of the SVG: no markup runs
    if not lead:
        return
    st.download_button(
        "Download the diagram (SVG)",
        svg,
        file_name="prisma.svg",
        mime="image/svg+xml",
        key="prisma_svg",
    )


def _summaries(store: Store, lead: bool) -> None:
    current = summaries(store)
    st.session_state["report_headings"] = {
        part: [heading for heading, _ in getattr(current, part)] for part, _ in PARTS
    }
    st.caption("Edited by the reviewers." if current.edited else "A draft written from the data.")
    for part, title in PARTS:
        st.subheader(title)
        sections = getattr(current, part)
        if not sections:
            st.text("Nothing to summarise yet: extract findings of key studies first.")
        for heading, paragraph in sections:
            st.html(f"<h5>{html.escape(heading)}</h5>")
            st.text_area(
                _plain(f"{title}: {heading}"),
                paragraph,
                key=_key(part, heading),
                label_visibility="collapsed",
                height=150,
                disabled=not lead,
            )
    if not lead:
        st.caption("Only a lead edits the summaries.")
        return
    left, right = st.columns(2)
    left.button("Save summaries", key="report_save", on_click=_save, type="primary")
    confirmed = True
    if current.edited:
        confirmed = right.checkbox(
            "Replace our edited text with a new draft", key="report_confirm_redraft"
        )
    right.button(
        "Redraft from the data", key="report_redraft", on_click=_redraft, disabled=not confirmed
    )


def _files(store: Store) -> None:
    st.subheader("Report files")
    st.button("Prepare the report files", key="report_prepare", on_click=_prepare)
    prepared = st.session_state.get("report_files")
    if not prepared:
        st.caption("Word, HTML and Markdown, written from the review as it stands.")
        return
    when, files = prepared
    st.caption(f"Prepared at {when}; prepare them again after changes.")
    shown = [w for w in writers() if w.name in files]
    for column, w in zip(st.columns(len(shown)), shown, strict=True):
        name, data = files[w.name]
        column.download_button(
            f"Download {w.label}",
            data,
            file_name=name,
            mime="application/zip" if name.endswith(".zip") else w.mime,
            key=f"report_download_{w.name}",
        )


def page() -> None:
    store, who = review_store(), me()
    st.title("Report")
    kind, message = st.session_state.pop("report_message", (None, ""))
    if kind == "error":
        st.error(plain(message))
    elif kind:
        st.success(plain(message))
    _summaries(store, who.is_lead)
    if allowed(who, "export_report"):
        _files(store)
    st.subheader("Study selection (PRISMA)")
    prisma_diagram(store)
