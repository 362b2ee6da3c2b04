"""Every page, run as a lead on a review whose every piece of user text is a Markdown, LaTeX and
HTML payload, shows that text literally.

AppTest exposes each element's source text (its protobuf). Streamlit renders Markdown (and
$LaTeX$) in: st.markdown/caption/title/subheader bodies, alerts, every widget label and help,
metric labels, expander and tab labels, page links, and radio, pills and segmented-control
options; it shows as plain text st.text, st.code, selectbox and multiselect options, input
values and table cells (checked in Chromium for Streamlit 1.67). A payload is "raw" in a
Markdown source when one of its pieces of markup occurs with its first character not escaped by
a backslash (``review.ui.render.plain`` escapes them all and puts a word joiner before
addresses); in an st.html body, when a payload tag is not HTML-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest
from streamlit.testing.v1 import AppTest

from review.screening.reviewers import Session
from review.ui.render import plain
from review.ui.state import SESSION
from tests.ui.payload_review import LEAD, MARKUP, PAYLOAD, build_payload_review

# Fields of an element's protobuf that Streamlit renders as Markdown.
MARKDOWN_FIELDS = {"body", "label", "help", "captions", "title", "delta_description", "content"}
PLAIN_ELEMENTS = {"text", "code", "html", "exception", "json", "arrow_data_frame"}
# Radio and button-group options are Markdown too; selectbox and multiselect ones are not.
MARKDOWN_OPTIONS = {"radio"}
# Messages that pages keep for the next run: a library error quoting user text lands in them.
MESSAGES = {
    "conflict_error": PAYLOAD,
    "title_abstract_error": PAYLOAD,
    "full_text_error": PAYLOAD,
    "studies_message": ("error", PAYLOAD),
    "protocol_message": ("success", PAYLOAD),
    "report_message": ("error", PAYLOAD),
    "extraction_message_details": ("error", PAYLOAD),
    "extraction_message_efficacy": ("success", PAYLOAD),
    "extraction_message_safety": ("error", PAYLOAD),
    **{f"pdf_message_{record_id}": ("error", PAYLOAD) for record_id in (2, 3, 4)},
}


def unescaped(source: str, token: str) -> bool:
    """``token`` occurs in ``source`` with its first character not backslash-escaped."""
    return any(
        source[max(0, m.start() - 1) : m.start()] != "\\"
        for m in re.finditer(re.escape(token), source)
    )


def raw_markdown(source: str) -> list[str]:
    found = [token for token in MARKUP if unescaped(source, token)]
    if re.search(r"(?m)^[ \t]*# heading", source):
        found.append("# heading at a line start")
    return found


def _strings(message, names=None):
    """(field name, string) for every string field of a protobuf message, nested ones too."""
    for field, value in message.ListFields():
        values = value if isinstance(value, Sequence) and not isinstance(value, str) else [value]
        for item in values:
            if isinstance(item, str):
                if names is None or field.name in names:
                    yield field.name, item
            elif hasattr(item, "ListFields"):
                yield from _strings(item, names)


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def problems(at: AppTest) -> tuple[list[str], int]:
    """What a page shows raw, and in how many elements the payload reached it at all."""
    bad, reached = [], 0
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        kind = getattr(node, "type", "")
        cells = getattr(proto, "data", b"")  # a table's cells: Arrow bytes
        cells = cells if isinstance(cells, bytes) else getattr(cells, "data", b"")
        reached += any("bold" in text for _name, text in _strings(proto)) or b"bold" in cells
        if kind == "html":
            if re.search(r"<b>(?!Keywords|MeSH)", proto.body):
                bad.append(f"html: payload tag not escaped: {proto.body[:200]!r}")
            continue
        if kind in PLAIN_ELEMENTS:
            continue
        names = MARKDOWN_FIELDS | ({"options"} if kind in MARKDOWN_OPTIONS else set())
        for name, source in _strings(proto, names):
            raw = raw_markdown(source)
            if raw:
                bad.append(f"{kind}.{name} renders {raw} from {source[:160]!r}")
    return bad, reached


def _page():
    import streamlit as st

    from review.ui import router, signin
    from review.ui.state import current_reviewer

    reviewer = current_reviewer()
    signin.sidebar(reviewer)
    for function, _title, path in router._pages(reviewer):
        if path == st.session_state["page_under_test"]:
            function()


def _paths() -> list[str]:
    from review.ui import router

    return [path for _function, _title, path in router._pages(LEAD)]


@pytest.fixture(scope="module")
def review_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("payload")
    return build_payload_review(folder / "review.db", folder)


def run_page(path: str, monkeypatch, review_db, messages: dict | None = None) -> AppTest:
    monkeypatch.setenv("REVIEW_DB", str(review_db))
    at = AppTest.from_function(_page)
    at.session_state[SESSION] = Session(LEAD.name, 0)  # a new account's credential version
    at.session_state["page_under_test"] = path
    for key, value in (messages or {}).items():
        at.session_state[key] = value
    at.run(timeout=60)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _interact(path: str, at: AppTest) -> None:
    """Reach what a page shows only after a click: panels, searches, prepared files."""
    if path == "screen":
        at.toggle(key="stopping_shown").set_value(True).run(timeout=60)
        at.text_input(key="title_abstract_find").set_value("cryoablation").run(timeout=60)
    elif path == "full-text":
        at.text_input(key="full_text_find").set_value("cryoablation").run(timeout=60)
    elif path == "records":  # a click on record 1's row opens it
        table = at.dataframe[0]
        row = list(table.value["id"]).index(1)
        at.session_state[table.key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
        at.run(timeout=60)
        assert at.subheader[0].value == "Record 1"
    elif path == "report":
        at.button(key="report_prepare").click().run(timeout=60)
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("path", _paths())
def test_every_page_shows_user_text_literally(path, monkeypatch, review_db):
    at = run_page(path, monkeypatch, review_db, MESSAGES)
    bad, reached = problems(at)
    assert reached, f"no payload reached {path}: the check would prove nothing; fix the seed"
    _interact(path, at)
    more, _ = problems(at)
    assert not bad + more, "\n".join(bad + more)


def test_the_pages_cover_every_kind_of_user_text(monkeypatch, review_db):
    """The sweep means something: the payload reaches the places named in the issue."""
    shown = {}
    for path in ("conflicts", "full-text", "studies", "overview", "duplicates"):
        at = run_page(path, monkeypatch, review_db)
        shown[path] = [t.value for t in at.text] + [h.proto.body for h in at.get("html")]
        shown[path] += [b.label for b in at.get("download_button")]
    assert any(f"ann {PAYLOAD}: include" in t for t in shown["conflicts"])  # names, as text
    assert any("Wrong population" in t and "bold" in t for t in shown["conflicts"])  # reasons
    labels = shown["full-text"]
    assert any("Download the full text (version 2, v2" in t and "\\*\\*bold" in t for t in labels)
    assert any(f"Label {PAYLOAD}" in t for t in shown["studies"])  # study labels, as text
    assert any("title 0.90" in t for t in shown["duplicates"])


def test_the_check_fails_on_raw_markdown():
    """The checker itself: a page that renders the payload is caught, an escaped one passes."""

    def raw_page():
        import streamlit as st

        from tests.ui.payload_review import PAYLOAD

        st.caption(PAYLOAD)
        st.button(PAYLOAD)
        st.html(f"<p>{PAYLOAD}</p>")
        with st.expander(PAYLOAD):
            st.metric(PAYLOAD, 1)
        st.radio("r", [PAYLOAD])
        st.segmented_control("s", [PAYLOAD])
        st.tabs([PAYLOAD])
        st.success(PAYLOAD)
        st.subheader(PAYLOAD)

    def escaped_page():
        import html

        import streamlit as st

        from review.ui.render import plain
        from tests.ui.payload_review import PAYLOAD

        st.caption(plain(PAYLOAD))
        st.button(plain(PAYLOAD))
        st.html(f"<p>{html.escape(PAYLOAD)}</p>")
        with st.expander(plain(PAYLOAD)):
            st.metric(plain(PAYLOAD), 1)
        st.radio("r", [plain(PAYLOAD)])
        st.selectbox("Pick", [PAYLOAD])  # plain text in 1.67: no escaping wanted
        st.text(PAYLOAD)

    bad, _ = problems(AppTest.from_function(raw_page).run(timeout=30))
    caught = {b.split(" ")[0] for b in bad}
    assert caught == {
        "caption.body", "button.label", "html:", "expander.label", "metric.label",
        "radio.options", "button_group.content", "tab.label", "success.body", "subheader.body",
    }  # fmt: skip
    bad, reached = problems(AppTest.from_function(escaped_page).run(timeout=30))
    assert bad == [] and reached >= 7


@pytest.mark.parametrize(
    "text",
    [PAYLOAD, "1. item", "- item", "> quote", "line\n===", "a:smile: :red[x] a@b.test www.x.test"],
)
def test_plain_leaves_no_markup(text):
    escaped = plain(text)
    assert not raw_markdown(escaped)
    # Undoing the escapes (and dropping the word joiners and hard breaks) gives the text back.
    undone = re.sub(r"\\(.)", r"\1", escaped).replace("\u2060", "").replace("  \n", "\n")
    assert undone == text
