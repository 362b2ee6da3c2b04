"""Every section of the NICE overview in NICE's order: the lead's text from the protocol, the
numbered References in NICE's citation style that the key evidence cites by number, and the
designs of the evidence, read back from the Word, HTML and Markdown files of the IPG747 example."""

from __future__ import annotations

import re
from dataclasses import replace
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from docx.text.paragraph import Paragraph as DocxParagraph

from review.extraction.model import Sections, Study, StudyDetails
from review.extraction.protocol import current_protocol, save_protocol
from review.extraction.studies import save_details
from review.records import Author, Record, nice_citation, short_pages
from review.report.build import build_report, designs_included
from review.report.export import write_report
from review.report.html import render_html
from review.report.layout import UNWRITTEN
from review.report.markdown import escape_markdown, render_markdown
from review.screening.model import Reviewer
from review.store import open_store
from tests.report.test_document import body, complete_review, section

LEAD = Reviewer("lead", "lead")

# NICE's citations of the five key studies, in key-study order (IPG747's overview style).
REFERENCES = [
    "Cazzato RL, Garnon J, Ramamurthy N et al. (2016) Percutaneous MR-guided cryoablation of "
    "Morton's neuroma: rationale and technical details after the first 20 patients. "
    "Cardiovascular and Interventional Radiology 39(10): 1491-8",
    "Prologo JD, Gilliland CA, Miller M (2017) Percutaneous image-guided cryoablation for the "
    "treatment of phantom limb pain in amputees: a pilot study. Journal of Vascular and "
    "Interventional Radiology 28(1): 24-34",
    "von Falck C (2022) Ultrasound-guided cryoablation of painful stump neuromas after "
    "amputation. Illustrative record (see README)",
    "Yoon JH, Grechushkin V, Chaudhry A (2016) Cryoneurolysis in patients with refractory "
    "chronic peripheral neuropathic pain. Journal of Vascular and Interventional Radiology "
    "27(2): 239-43",
    "Friedman T, Richman D, Adler R (2012) Sonographically guided cryoneurolysis: preliminary "
    "experience and clinical outcomes. Journal of Ultrasound in Medicine 31(12): 2025-34",
]

# (level, heading) of the overview in NICE's order (NICE_OVERVIEW.md), the sections the lead
# writes among them. Study blocks and summary outcome headings come between and are left out.
NICE_ORDER = [
    (1, "Description of the procedure"),
    (2, "Indications and current treatment"),
    (2, "What the procedure involves"),
    (2, "Outcome measures"),
    (1, "Efficacy summary"),
    (1, "Safety summary"),
    (2, "Anecdotal and theoretical adverse events"),
    (1, "The evidence assessed"),
    (2, "Rapid review of literature"),
    (2, "Study selection"),
    (1, "Summary of key evidence"),
    (1, "Validity and generalisability"),
    (1, "Existing assessments of this procedure"),
    (1, "Related NICE guidance"),
    (1, "Additional information considered by IPAC"),
    (2, "Professional experts' opinions"),
    (2, "Patient commentators' opinions"),
    (2, "Company engagement"),
    (2, "Ongoing trials"),
    (1, "References"),
    (1, "Literature search"),
    (1, "Appendix"),
]


@pytest.fixture
def review_db(tmp_path) -> Path:
    """The IPG747 example with every key study's size and design (5 case series, 90 patients)."""
    path = complete_review(tmp_path / "ipg747.db")
    with open_store(path) as store:
        for study_id, n in ((2, 21), (3, 7), (4, 22), (5, 20)):
            save_details(store, study_id, StudyDetails(patients=n, design="case series"), LEAD)
    return path


# -- reading each format back as (level, heading) and list items ----------------------------------


def word_headings(path: Path) -> list[tuple[int, str]]:
    found = []
    for p in docx.Document(str(path)).paragraphs:
        if p.style.name == "Title":
            found.append((0, p.text))
        elif p.style.name.startswith("Heading "):
            found.append((int(p.style.name.split()[1]), p.text))
    return found


class Page(HTMLParser):
    """Headings (h1 is level 0) and numbered-list items of an HTML report, in order."""

    def __init__(self):
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.numbered: list[str] = []
        self._in: str | None = None
        self._ol = False

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag) or (tag == "li" and self._ol):
            self._in, self._text = tag, ""
        self._ol = self._ol or tag == "ol"

    def handle_endtag(self, tag):
        if tag == self._in:
            if tag == "li":
                self.numbered.append(self._text)
            else:
                self.headings.append((int(tag[1]) - 1, self._text))
            self._in = None
        if tag == "ol":
            self._ol = False

    def handle_data(self, data):
        if self._in:
            self._text += data


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def markdown_headings(text: str) -> list[tuple[int, str]]:
    return [
        (len(m.group(1)) - 1, unescape(m.group(2)))
        for m in re.finditer(r"^(#+) (.*)$", text, re.MULTILINE)
    ]


def nice_order(headings: list[tuple[int, str]]) -> list[tuple[int, str]]:
    return [h for h in headings if h in NICE_ORDER]


# -- the tests ------------------------------------------------------------------------------------


def test_every_section_in_nices_order_in_word_html_and_markdown(review_db, tmp_path):
    with open_store(review_db) as store:
        write_report(store, tmp_path / "overview.docx")
        report = build_report(store)
    word = word_headings(tmp_path / "overview.docx")
    page = Page()
    page.feed(render_html(report))
    text = render_markdown(report)
    assert nice_order(word) == NICE_ORDER
    assert page.headings == word  # every heading, the study blocks' too, at the same level
    assert markdown_headings(text) == word


def test_the_leads_text_is_printed_under_its_heading_line_by_line(review_db, tmp_path):
    with open_store(review_db) as store:
        sections = current_protocol(store).sections
        write_report(store, tmp_path / "overview.docx")
        report = build_report(store)
    items = body(docx.Document(str(tmp_path / "overview.docx")))

    def texts(heading: str) -> list[str]:
        return [p.text for p in section(items, heading) if isinstance(p, DocxParagraph)]

    assert texts("Indications and current treatment") == sections.indications.splitlines()
    assert texts("What the procedure involves") == sections.procedure.splitlines()
    assert texts("Anecdotal and theoretical adverse events") == [sections.anecdotal_events]
    assert texts("Related NICE guidance") == [sections.related_guidance]
    assert texts("Ongoing trials") == [sections.ongoing_trials]
    assert texts("Outcome measures") == [
        "Reduction in pain: Pain on a 0 to 10 visual analogue scale (VAS); 0 is no pain, 10 the "
        "worst pain imaginable."
    ]
    # The IPG747 protocol leaves existing assessments empty: a note says so, in each format.
    assert sections.existing_assessments == ""
    [note] = section(items, "Existing assessments of this procedure")
    assert (note.text, note.style.name) == (UNWRITTEN, "Quote")
    html, text = render_html(report), render_markdown(report)
    for line in (*sections.indications.splitlines(), sections.company_engagement):
        assert f"<p>{escape(line)}</p>" in html and f"\n{escape_markdown(line)}\n" in text
    assert f'<p class="note">{UNWRITTEN}</p>' in html and f"\n*{UNWRITTEN}*\n" in text


def test_an_unwritten_section_is_a_note_in_every_format(review_db):
    with open_store(review_db) as store:
        p = current_protocol(store)
        save_protocol(store, replace(p, sections=Sections()), LEAD)
        report = build_report(store)
    html, text = render_html(report), render_markdown(report)
    assert html.count(f'<p class="note">{UNWRITTEN}</p>') == 9
    assert text.count(f"*{UNWRITTEN}*") == 9


def test_section_text_is_printed_literally(review_db):
    hostile = "# not a heading\n<script>alert(1)</script> **bold** [link](http://x.test)\n1. item"
    with open_store(review_db) as store:
        p = current_protocol(store)
        save_protocol(store, replace(p, sections=Sections(company_engagement=hostile)), LEAD)
        report = build_report(store)
    html, text = render_html(report), render_markdown(report)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "\\# not a heading" in text and "\\<script>" in text and "\\*\\*bold\\*\\*" in text
    assert "\n1\\. item" in text and "\\[link\\](http\\://x.test)" in text


def test_references_are_numbered_nice_citations_of_the_key_studies(review_db, tmp_path):
    with open_store(review_db) as store:
        write_report(store, tmp_path / "overview.docx")
        report = build_report(store)
    assert list(report.references) == REFERENCES
    numbered = [
        p
        for p in section(body(docx.Document(str(tmp_path / "overview.docx"))), "References")
        if isinstance(p, DocxParagraph)
    ]
    assert [(p.text, p.style.name) for p in numbered] == [(r, "List Number") for r in REFERENCES]
    page = Page()
    page.feed(render_html(report))
    assert page.numbered == REFERENCES
    text = render_markdown(report)
    listed = re.findall(r"^(\d+)\. (.*)$", text, re.MULTILINE)
    assert [(int(n), unescape(c)) for n, c in listed] == list(enumerate(REFERENCES, 1))


def test_the_key_evidence_cites_the_references_by_number(review_db, tmp_path):
    with open_store(review_db) as store:
        write_report(store, tmp_path / "overview.docx")
        report = build_report(store)
    assert [k.references for k in report.key_studies] == [(1,), (2,), (3,), (4,), (5,)]
    items = body(docx.Document(str(tmp_path / "overview.docx")))
    for k, citation in zip(report.key_studies, REFERENCES, strict=True):
        first = next(p for p in section(items, k.heading) if isinstance(p, DocxParagraph))
        assert first.text == f"[{k.number}] {citation}"
    text = render_markdown(report)
    assert f"### Study 2 Prologo JD (2017)\n\n\\[2\\] {REFERENCES[1][:20]}" in text


def test_the_evidence_assessed_names_the_designs(review_db, tmp_path):
    with open_store(review_db) as store:
        write_report(store, tmp_path / "overview.docx")
        report = build_report(store)
    expected = (
        "This overview is based on 90 patients from 5 studies. The evidence included 5 case series."
    )
    assert report.evidence_base == expected
    texts = [p.text for p in docx.Document(str(tmp_path / "overview.docx")).paragraphs]
    assert expected in texts
    assert f"<p>{expected}</p>" in render_html(report)
    assert f"\n{expected}\n" in render_markdown(report)


def _study(i: int, design: str) -> Study:
    return Study(i, f"S{i}", "key", details=StudyDetails(design=design))


@pytest.mark.parametrize(
    ("designs", "sentence"),
    [
        (["case series"] * 5, "The evidence included 5 case series."),
        (
            ["case series"] * 3 + ["randomised controlled trial"] * 2,
            "The evidence included 2 randomised controlled trials and 3 case series.",
        ),
        (
            ["non-randomised comparative study", "case report", "", "other", "review"],
            "The evidence included 1 non-randomised comparative study, 1 case report, 1 review, "
            "1 study of another design and 1 study whose design is not recorded.",
        ),
        (
            ["randomised controlled trial", "", ""],
            "The evidence included 1 randomised controlled trial and 2 studies whose design is "
            "not recorded.",
        ),
    ],
)
def test_designs_are_counted_best_evidence_first(designs, sentence):
    assert designs_included([_study(i, d) for i, d in enumerate(designs)]) == sentence


def test_nice_citation_leaves_out_what_the_record_lacks():
    authors = tuple(Author(f"Name{i}", initials="A") for i in range(4))
    full = Record(
        title="A title?", authors=authors, year=2020, journal="J", volume="3", pages="99-101"
    )
    assert nice_citation(full) == "Name0 A, Name1 A, Name2 A et al. (2020) A title? J 3: 99-101"
    assert nice_citation(Record(title="Only a title")) == "Only a title."
    assert nice_citation(Record(journal_abbrev="J Abbr", issue="2", pages="e12")) == "J Abbr: e12"
    assert [short_pages(p) for p in ("1491-1498", "24-34", "S12-S15", "7", "100–109")] == [
        "1491-8",
        "24-34",
        "S12-S15",
        "7",
        "100-9",
    ]
