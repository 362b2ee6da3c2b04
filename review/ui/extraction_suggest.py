"""Extraction: what the study says, beside the forms: its records' abstracts, the full text
kept with it (PDF), and the findings the abstracts' numbers suggest.

Abstracts are record text: shown escaped, never as markup. A suggestion is offered, not stored:
its button fills the add form (efficacy or safety) for the reviewer to check and edit, and only
the form's own Add button saves, for the study the button was drawn for (the study id and the
finding are the callback's arguments, bound when the page was drawn).

The PDF is shown with st.pdf (the streamlit-pdf component, which draws the pages with its own
bundled PDF.js, offline). An <iframe> of the file, by data: URL or Streamlit's media URL, was
tried first: headless Chromium shows a blocked-plugin page there (Streamlit sandboxes iframes).
Without streamlit-pdf installed the page offers the PDF as a download instead.
"""

from __future__ import annotations

import html
from functools import partial
from importlib.util import find_spec

import streamlit as st

from review.extraction.model import EfficacyFinding, Protocol, SafetyFinding, Study
from review.extraction.suggest import Suggestion, study_suggestions, study_texts
from review.ui import extraction_form
from review.ui.render import plain
from review.ui.state import review_store

STYLE = """<style>
.extraction-abstract p{margin:.3rem 0;line-height:1.5}
.extraction-abstract .title{font-weight:600}
</style>"""
# The source column stays in view while the forms beside it scroll (it scrolls on its own).
STICKY = """<style>
div[data-testid="stColumn"]:has(div[class*="st-key-extraction_source_"]){
  position:sticky;top:3.75rem;align-self:flex-start}
</style>"""
PANEL_HEIGHT = 720


def abstract_html(record_id: int, title: str, abstract: str) -> str:
    """A record's title and abstract as escaped HTML, paragraph by paragraph."""
    paragraphs = (
        "".join(f"<p>{html.escape(p)}</p>" for p in abstract.split("\n\n") if p.strip())
        or "<p><em>No abstract.</em></p>"
    )
    return (
        f'{STYLE}<div class="extraction-abstract" data-record-id="{int(record_id)}">'
        f'<p class="title">Record {int(record_id)}: {html.escape(title)}</p>{paragraphs}</div>'
    )


def describe(s: Suggestion) -> str:
    """One line naming what the suggestion would fill in."""
    f = s.finding
    if isinstance(f, SafetyFinding):
        when = f" at {f.timepoint}" if f.timepoint else ""
        return f"Safety · {f.event}: {f.cell} per {f.unit}{when}"
    outcome = f" ({f.outcome})" if f.outcome else ""
    return f"Efficacy · {f.measure}{outcome} · {f.timepoint}: {f.cell}"


def _use(study_id: int, finding, outcomes: list[str], events: list[str]) -> None:
    """Fill the add form with the suggestion; nothing is stored but the form's draft."""
    if isinstance(finding, EfficacyFinding):
        extraction_form.fill(study_id, finding, outcomes)
        return
    extraction_form.fill_safety(study_id, finding)


def _pdfs(s: Study) -> None:
    from review.screening import full_text as ft

    store = review_store()
    for record in s.records:
        latest = ft.latest_full_text(store, record.record_id)
        if latest is None:
            continue
        name = f"Full text of record {record.record_id} (version {latest.version}, "
        st.caption(plain(name + f"{latest.file_name})"))
        if find_spec("streamlit_pdf") is not None:
            content = ft.full_text_bytes(store, latest)
            st.pdf(content, height=700, key=f"extraction_pdf_{s.id}_{record.record_id}")
        else:
            st.caption("Install streamlit-pdf to read the PDF in the page.")
        st.download_button(
            "Download the PDF", partial(ft.full_text_bytes, store, latest),
            file_name=latest.file_name, mime="application/pdf", on_click="ignore",
            key=f"extraction_pdf_download_{s.id}_{record.record_id}",
        )  # fmt: skip


def source_panel(s: Study, protocol: Protocol) -> None:
    """The abstracts, the suggestions and the PDF, for the study on screen."""
    outcomes = [o.name for o in protocol.efficacy]
    events = [o.name for o in protocol.safety]
    texts = study_texts(review_store(), s)
    st.html(STICKY)
    with st.container(height=PANEL_HEIGHT, border=False, key=f"extraction_source_{s.id}"):
        _panel(s, protocol, texts, outcomes, events)


def _panel(s: Study, protocol: Protocol, texts, outcomes: list[str], events: list[str]) -> None:
    st.subheader("Abstract")
    for t in texts:
        st.html(abstract_html(t.record_id, t.title, t.abstract))
    st.subheader("Suggested from the abstract")
    found = study_suggestions(texts, protocol)
    if not found:
        st.caption("No numbers in the abstract read as findings.")
    else:
        st.caption(
            "Numbers read from the abstract. Use one to fill in the add form, check it against "
            "the paper, then add it: nothing is saved until you do."
        )
    for i, suggestion in enumerate(found):
        with st.container(border=True, key=f"extraction_suggestion_{s.id}_{i}"):
            st.markdown(plain(describe(suggestion)))
            st.caption(plain(f"“{suggestion.quote}”"))
            st.button(
                "Use", key=f"extraction_use_{s.id}_{i}", on_click=_use,
                args=(s.id, suggestion.finding, outcomes, events),
            )  # fmt: skip
    _pdfs(s)
