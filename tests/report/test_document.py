"""The overview report of the IPG747 example, read back from the Word, HTML and Markdown files."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from review.errors import ReviewError
from review.extraction.model import DETAIL_ROWS, AppendixEntry, StudyDetails
from review.extraction.studies import (
    list_studies,
    save_details,
    save_findings,
    set_key_order,
    set_role,
    sync_studies,
)
from review.imports.load import import_file
from review.report.build import build_report
from review.report.export import write_report
from review.report.html import render_html
from review.report.markdown import render_markdown
from review.report.summary import Summaries, save_summaries
from review.screening.decisions import decide, stage_units
from review.screening.model import Reviewer
from review.store import open_store
from tests.extraction.ipg747 import STUDY1, STUDY1_SAFETY, STUDY2_PAIN, build_review

LEAD = Reviewer("lead", "lead")

APPENDIX = AppendixEntry(
    patients_follow_up="Review",
    direction="Cryoablation relieved pain in most of the studies reviewed",
    reason="Review: relevant cited studies are included",
)
HOSTILE = "Cryo | nerves <script>alert(1)</script>"


def complete_review(path: Path) -> Path:
    """The IPG747 example: study 1's details and safety, study 2's pain scores, studies 1-5 key
    in order, study 6 (the review) in the appendix, one saved PubMed search that ran."""
    build_review(path)
    with open_store(path) as store:
        save_details(store, 1, STUDY1, LEAD)
        save_findings(store, 1, LEAD, safety=STUDY1_SAFETY)
        save_findings(store, 2, LEAD, efficacy=STUDY2_PAIN)
        for study_id in range(1, 6):
            set_role(store, study_id, "key", LEAD)
        set_role(store, 6, "appendix", LEAD, APPENDIX)
        search = store.save_search("neuroma", "cryoablation AND neuroma", mindate="2000")
        run = store.start_run(search, "search", {})
        store.finish_run(
            run, "complete", ncbi_count=57, query_translation="cryoablation[All Fields] AND x"
        )
    return path


def add_hostile_record(path: Path, tmp: Path) -> int:
    """A record whose title holds markup and a pipe, included and put in the appendix."""
    ris = tmp / "hostile.ris"
    ris.write_text(
        f"TY  - JOUR\nAU  - Mallory, Eve\nTI  - {HOSTILE}\nPY  - 2020\nER  - \n", encoding="utf-8"
    )
    with open_store(path) as store:
        import_file(store, ris, source="Embase", actor="lead")
        linked = {r.record_id for s in list_studies(store) for r in s.records}
        (record_id,) = [u for u in stage_units(store, "title_abstract") if u not in linked]
        decide(store, Reviewer("lead"), record_id, "title_abstract", "include")
        decide(store, Reviewer("lead"), record_id, "full_text", "include")
        sync_studies(store, LEAD)
        new = next(s for s in list_studies(store) if s.records[0].record_id == record_id)
        set_role(store, new.id, "appendix", LEAD, AppendixEntry("n=3", "Works", "Case report"))
        return new.id


@pytest.fixture
def review_db(tmp_path) -> Path:
    return complete_review(tmp_path / "ipg747.db")


# -- reading the Word file back -------------------------------------------------------------------


def body(doc) -> list:
    return list(doc.iter_inner_content())


def heading_index(items: list, text: str) -> int:
    for i, item in enumerate(items):
        if isinstance(item, DocxParagraph) and item.text == text:
            return i
    raise AssertionError(f"no paragraph {text!r} in the document")


def section(items: list, text: str) -> list:
    """What follows the heading ``text`` up to the next heading of the same or a higher level."""
    start = heading_index(items, text)
    level = items[start].style.name
    end = len(items)
    for i in range(start + 1, len(items)):
        item = items[i]
        name = item.style.name if isinstance(item, DocxParagraph) else ""
        if name.startswith("Heading") and name <= level:
            end = i
            break
    return items[start + 1 : end]


def rows(table: DocxTable) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def tables(items: list) -> list[DocxTable]:
    return [i for i in items if isinstance(i, DocxTable)]


def test_word_report_holds_nice_sections_in_order(review_db, tmp_path):
    out = tmp_path / "overview.docx"
    with open_store(review_db) as store:
        assert write_report(store, out) == out
    doc = docx.Document(str(out))
    items = body(doc)
    headings = [
        (p.style.name, p.text)
        for p in items
        if isinstance(p, DocxParagraph) and p.style.name.startswith("Heading")
    ]
    level1 = [text for style, text in headings if style == "Heading 1"]
    nice_order = [
        "Efficacy summary",
        "Safety summary",
        "The evidence assessed",
        "Summary of key evidence",
        "Validity and generalisability",
        "Literature search",
        "Appendix",
    ]
    assert [h for h in level1 if h in nice_order] == nice_order
    studies_ = [
        text for style, text in headings if re.match(r"Study \d", text) and style == "Heading 2"
    ]
    assert studies_ == [
        "Study 1 Cazzato RL (2016)",
        "Study 2 Prologo JD (2017)",
        "Study 3 von Falck C (2022)",
        "Study 4 Yoon JH (2016)",
        "Study 5 Friedman T (2012)",
    ]
    assert doc.core_properties.title.startswith("Percutaneous image-guided cryoablation")
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "txbx" not in xml  # no text boxes
    assert all(t.style.name == "Table Grid" for t in doc.tables)
    assert all("<w:tblHeader/>" in t.rows[0]._tr.xml for t in doc.tables)


def test_study_1_details_rows_in_nice_order_with_numbers_intact(review_db, tmp_path):
    out = tmp_path / "overview.docx"
    with open_store(review_db) as store:
        write_report(store, out)
    items = body(docx.Document(str(out)))
    block = section(items, "Study 1 Cazzato RL (2016)")
    texts = [p.text for p in block if isinstance(p, DocxParagraph)]
    assert any(t.startswith("[1] Cazzato RL, Garnon J, Ramamurthy N et al. (2016)") for t in texts)
    details = rows(tables(block)[0])
    assert details[0] == ["Study component", "Description"]
    assert [r[0] for r in details[1:]] == [label for _, label in DETAIL_ROWS]
    values = dict((r[0], r[1]) for r in details[1:])
    assert "n=20 (24 neuromas)" in values["Study population and number"]
    assert "50.3" in values["Age and sex"] and "75% (15/20)" in values["Age and sex"]
    assert "19.7" in values["Follow up"]
    assert values["Recruitment period"] == "2011 to 2015"
    analysis = values["Analysis"].split("\n")
    assert [line.split(":")[0] for line in analysis] == [
        "Follow-up issues",
        "Study design issues",
        "Study population issues",
        "Other issues",
    ]
    assert "Number of patients analysed: 20" in texts
    safety = rows(tables(block)[1])
    assert safety[0][:2] == ["Adverse event", "n (%)"]
    assert ["Pain", "2/20 (10%)", "per patient", "minor", "1 week"] in safety
    assert any("No major complications" in r[0] for r in safety)


def test_study_2_efficacy_table_has_time_point_columns(review_db, tmp_path):
    out = tmp_path / "overview.docx"
    with open_store(review_db) as store:
        write_report(store, out)
    block = section(body(docx.Document(str(out))), "Study 2 Prologo JD (2017)")
    texts = [p.text for p in block if isinstance(p, DocxParagraph)]
    assert "Number of patients analysed: 21" in texts  # from the findings: no details saved
    assert "Reduction in pain" in texts
    efficacy = rows(tables(block)[1])
    header, values = efficacy[0], dict(zip(efficacy[0], efficacy[1], strict=True))
    assert header == ["Measure", "Baseline", "7 days", "45 days", "Last follow-up"]
    assert values["Measure"] == "Mean pain score (VAS 0 to 10)"
    assert values["Baseline"] == "6.2 (95% CI 5.2 to 7.3)"
    assert values["45 days"] == "2.3 (p<0.0001)"
    assert values["Last follow-up"] == "2.0"


def test_appendix_and_literature_search(review_db, tmp_path):
    out = tmp_path / "overview.docx"
    with open_store(review_db) as store:
        write_report(store, out)
    items = body(docx.Document(str(out)))
    appendix = rows(tables(section(items, "Appendix"))[0])
    assert appendix[0] == [
        "Article",
        "Number of patients/follow up",
        "Direction of conclusions",
        "Reason for non-inclusion",
    ]
    (row,) = appendix[1:]
    assert "Cryoablation of peripheral nerves for chronic pain: a narrative review" in row[0]
    assert row[1:] == [APPENDIX.patients_follow_up, APPENDIX.direction, APPENDIX.reason]
    search = section(items, "Literature search")
    sources = rows(tables(search)[0])
    assert sources[0] == [
        "Source", "Database", "Platform", "Dates of coverage", "Date searched", "Records found"
    ]  # fmt: skip
    assert sources[1][:3] == ["neuroma", "PubMed", "PubMed (NCBI E-utilities)"]
    unknown = "not recorded"
    assert sources[2] == ["ipg747.ris", "MEDLINE", unknown, unknown, unknown, "7"]
    texts = "\n".join(p.text for p in search if isinstance(p, DocxParagraph))
    assert "Query: cryoablation AND neuroma" in texts
    assert "PubMed searched: cryoablation[All Fields] AND x" in texts


def test_based_on_patients_names_studies_without_a_number(review_db):
    with open_store(review_db) as store:
        text = build_report(store).evidence_base
        assert "at least 20 patients from 5 studies" in text
        for missing in ("Prologo 2017", "von Falck 2022", "Yoon 2016", "Friedman 2012"):
            assert missing in text
        assert "Cazzato" not in text
        # IPG747's numbers: 20 + 21 + 7 + 22 + 20 patients
        for study_id, n in ((2, 21), (3, 7), (4, 22), (5, 20)):
            save_details(store, study_id, StudyDetails(patients=n, design="case series"), LEAD)
        report = build_report(store)
    assert report.evidence_base == (
        "This overview is based on 90 patients from 5 studies. The evidence included 5 case series."
    )
    assert "The key evidence is 5 studies: 5 case series." in report.validity
    assert any("from 7 (von Falck 2022) to 22 patients (Yoon 2016)" in v for v in report.validity)


def test_key_studies_follow_the_leads_order(review_db):
    with open_store(review_db) as store:
        set_key_order(store, [2, 1, 3, 5, 4], LEAD)
        report = build_report(store)
    assert [k.heading for k in report.key_studies] == [
        "Study 1 Prologo JD (2017)",
        "Study 2 Cazzato RL (2016)",
        "Study 3 von Falck C (2022)",
        "Study 4 Friedman T (2012)",
        "Study 5 Yoon JH (2016)",
    ]


def test_edited_summaries_are_printed(review_db, tmp_path):
    edited = "Pain fell by two thirds after cryoablation (Prologo 2017)."
    with open_store(review_db) as store:
        save_summaries(store, Summaries(efficacy=(("Reduction in pain", edited),)), LEAD)
        write_report(store, tmp_path / "r.docx")
        page = render_html(build_report(store))
    texts = [p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs]
    assert edited in texts
    assert not any(t.startswith("In a study") for t in texts)  # the draft was replaced
    assert edited in page


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_html_escapes_record_titles(review_db, tmp_path):
    add_hostile_record(review_db, tmp_path)
    with open_store(review_db) as store:
        page = render_html(build_report(store))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    parser = Tags()
    parser.feed(page)
    assert "script" not in parser.tags
    assert parser.tags.count("table") >= 8 and parser.tags.count("h3") >= 5
    assert "page-break-before: always" in page and "@media print" in page


def markdown_tables(text: str) -> list[list[str]]:
    found, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            found.append(current)
            current = []
    return found + ([current] if current else [])


def test_markdown_tables_are_well_formed(review_db, tmp_path):
    add_hostile_record(review_db, tmp_path)
    with open_store(review_db) as store:
        text = render_markdown(build_report(store))
    tables_ = markdown_tables(text)
    assert len(tables_) >= 8
    for table in tables_:
        widths = {len(re.split(r"(?<!\\)\|", line)) for line in table}
        assert len(widths) == 1, table  # every row has the header's number of cells
        assert re.fullmatch(r"\|( --- \|)+", table[1]), table[1]
    assert "Cryo \\| nerves \\<script>alert(1)\\</script>" in text
    assert "| Mean pain score (VAS 0 to 10) | 6.2 (95% CI 5.2 to 7.3) | 5.4 (NS) |" in text
    assert "### Study 1 Cazzato RL (2016)" in text


def test_markdown_diagram_goes_beside_the_file(review_db, tmp_path):
    with open_store(review_db) as store:
        write_report(store, tmp_path / "overview.md")
    text = (tmp_path / "overview.md").read_text(encoding="utf-8")
    if "(overview-prisma.png)" in text:  # with the PRISMA module
        assert (tmp_path / "overview-prisma.png").read_bytes().startswith(b"\x89PNG")
    else:
        assert "Study selection" in text


@pytest.mark.parametrize(
    ("name", "fmt"), [("report.pdf", None), ("report", None), ("report.docx", "pdf")]
)
def test_unknown_format_is_refused(review_db, tmp_path, name, fmt):
    with open_store(review_db) as store, pytest.raises(ReviewError, match="docx, html, md"):
        write_report(store, tmp_path / name, fmt)
    assert not (tmp_path / name).exists()


def test_format_overrides_the_suffix(review_db, tmp_path):
    with open_store(review_db) as store:
        write_report(store, tmp_path / "report.txt", "md")
    assert (tmp_path / "report.txt").read_text(encoding="utf-8").startswith("# Percutaneous")


# -- LibreOffice --------------------------------------------------------------------------------


def pdf_text(pdf: Path) -> str:
    """The text pdftotext finds (when installed) and the PDF's own strings: its bookmarks,
    which LibreOffice makes from real headings, inflated from compressed streams."""
    data = pdf.read_bytes()
    chunks = [data]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        with contextlib.suppress(zlib.error):
            chunks.append(zlib.decompress(stream.group(1)))
    texts = []
    for chunk in chunks:
        for hexa in re.findall(rb"<(FEFF[0-9A-Fa-f]+)>", chunk):
            texts.append(bytes.fromhex(hexa.decode()).decode("utf-16-be", "replace"))
        texts += [s.decode("latin-1") for s in re.findall(rb"\(([^()\\]{4,})\)", chunk)]
    if shutil.which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60
        )
        texts.append(done.stdout)
    return "\n".join(texts)


def test_libreoffice_converts_word_and_html_to_pdf(review_db, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is not installed: run `bash scripts/setup --browser`.")
    with open_store(review_db) as store:
        write_report(store, tmp_path / "overview.docx")
        write_report(store, tmp_path / "page.html")
    profile = (tmp_path / "lo-profile").as_uri()
    for name in ("overview.docx", "page.html"):
        done = subprocess.run(
            [
                soffice, f"-env:UserInstallation={profile}", "--headless",
                "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(tmp_path / name),
            ],
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        pdf = tmp_path / "pdf" / (Path(name).stem + ".pdf")
        assert pdf.exists(), f"LibreOffice did not convert {name}: {done.stdout}{done.stderr}"
        assert pdf.read_bytes().startswith(b"%PDF")
        text = pdf_text(pdf)
        assert "Study 1 Cazzato RL (2016)" in text, name
        assert "Study 5 Friedman T (2012)" in text, name
