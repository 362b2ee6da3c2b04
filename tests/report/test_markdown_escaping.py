"""The Markdown report prints record and reviewer text literally: no link, image, emphasis, math,
heading or HTML made out of a title, an author, a journal, a study label, a finding or a note."""

from __future__ import annotations

import dataclasses
import re

import pytest

from review.extraction.model import AppendixEntry, EfficacyFinding, SafetyFinding
from review.extraction.studies import (
    list_studies,
    save_details,
    save_findings,
    set_role,
    sync_studies,
)
from review.imports.load import import_file
from review.report.build import build_report
from review.report.markdown import escape_markdown, render_markdown
from review.screening.decisions import decide, stage_units
from review.screening.model import Reviewer
from review.store import open_store
from tests.extraction.ipg747 import STUDY1
from tests.report.test_document import complete_review

PAYLOAD = (
    "**bold** _it_ [link](http://x.test) ![img](http://x.test/i.png) $x^2$ <b>html</b> "
    "~~gone~~ `code` :smile: a|b"
)
RAW = ("**bold**", "_it_", "[link](", "![img](", "$x^2$", "<b>", "~~gone~~", "`code`", ":smile:")
LEAD = Reviewer("lead", "lead")


def unescaped(text: str, token: str) -> bool:
    """``token`` occurs in ``text`` verbatim, its first character not escaped by a backslash."""
    return any(
        text[i - 1 : i] != "\\" for i in (m.start() for m in re.finditer(re.escape(token), text))
    )


def payload(tag: str) -> str:
    return f"{tag} {PAYLOAD}"


@pytest.fixture
def report_text(tmp_path) -> str:
    db = complete_review(tmp_path / "review.db")
    ris = tmp_path / "payload.ris"
    ris.write_text(
        "TY  - JOUR\n"
        f"AU  - {payload('Mallory')}, Eve\n"
        f"TI  - {payload('Title')}\n"
        f"T2  - {payload('Journal')}\n"
        "PY  - 2021\nER  - \n",
        encoding="utf-8",
    )
    with open_store(db) as store:
        import_file(store, ris, source="Embase", actor="lead")
        linked = {r.record_id for s in list_studies(store) for r in s.records}
        (record_id,) = [u for u in stage_units(store, "title_abstract") if u not in linked]
        decide(store, LEAD, record_id, "title_abstract", "include")
        decide(store, LEAD, record_id, "full_text", "include")
        sync_studies(store, LEAD)
        new = next(s for s in list_studies(store) if s.records[0].record_id == record_id)
        set_role(
            store,
            new.id,
            "appendix",
            LEAD,
            AppendixEntry(payload("n=3"), payload("Direction"), payload("Reason")),
        )
        details = dataclasses.replace(
            STUDY1, population=payload("Population"), funding=payload("Funding")
        )
        save_details(store, 1, details, LEAD, label=payload("Label"))
        save_findings(
            store,
            1,
            LEAD,
            safety=[SafetyFinding(payload("Event"), unit="patient", note=payload("Note"))],
            efficacy=[
                EfficacyFinding(
                    "Reduction in pain", payload("Measure"), payload("Time"), value="1.0"
                )
            ],
        )
        set_role(store, 1, "key", LEAD)
        return render_markdown(build_report(store))


def test_no_payload_is_left_as_markup(report_text):
    for raw in RAW:
        assert not unescaped(report_text, raw), raw
    # Nothing turns into a link or an image: every "[" and "]" of the payload is escaped.
    assert not re.search(r"(?<!\\)\[(?:link|img)(?<!\\)\]\(", report_text)
    assert not re.search(r"(?<!\\)\$x", report_text)
    assert not re.search(r"(?<!\\)<(?!br>)(?=[A-Za-z/])", report_text)  # only our <br>


def test_every_kind_of_text_is_printed_escaped(report_text):
    escaped = escape_markdown(PAYLOAD)
    for tag in ("Title", "Mallory", "Journal", "Label", "Event", "Note", "Reason", "Direction",
                "Population", "Funding", "Time", "Measure"):  # fmt: skip
        assert f"{tag} {escaped}" in report_text, tag


def test_escaping_keeps_ordinary_text_as_it_is():
    for text in ("Study 2: 12.5 mm", "6.2 (95% CI 5.2 to 7.3)", "-3.1", "p>0.05", "A & B"[:1]):
        assert escape_markdown(text) == text
    assert escape_markdown("# heading\n1. one\n- item\n> quote\n===") == (
        "\\# heading\n1\\. one\n\\- item\n\\> quote\n==\\="
    )
    assert (
        escape_markdown("[a](b) ![c](d) $x$ <i> \\") == "\\[a\\](b) !\\[c\\](d) \\$x\\$ \\<i> \\\\"
    )
