"""The literature search and the PRISMA-S appendix: each source as it was searched, dates never
taken from an import, and the same lines in Word, HTML and Markdown."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from review.imports.load import import_file
from review.report.build import build_report
from review.report.docx import write_docx
from review.report.html import render_html
from review.report.layout import PRISMA_S, blocks
from review.report.markdown import render_markdown
from review.report.model import Bullets, Heading, Paragraph, Table
from review.store import open_store
from tests.report.test_document import complete_review

DATA = Path(__file__).parent.parent / "data" / "imports"
STRATEGY = "#1 'cryosurgery'/exp\n#2 (neuroma* OR 'nerve injury'):ti,ab\n#3 #1 AND #2"
WARNING = "Quoted phrase not found: cryo nerve"


@pytest.fixture(scope="module")
def review_db(tmp_path_factory) -> Path:
    """IPG747 with an Embase export whose search is recorded, a Scopus export whose date is not,
    and the saved PubMed search run twice: its first search and an update with a warning."""
    tmp = tmp_path_factory.mktemp("sources")
    path = complete_review(tmp / "ipg747.db")
    with open_store(path) as store:
        import_file(store, DATA / "embase.ris", actor="lead", platform="Embase.com",
                    searched="2022-02-24", strategy=STRATEGY, limits="English; 2000 to 2022",
                    coverage="1947 to 2022 February 23")  # fmt: skip
        import_file(store, DATA / "scopus.ris", actor="lead")
        (search,) = store.searches()
        run = store.start_run(search.id, "update", {})
        store.finish_run(run, "complete", ncbi_count=61, new_records=4, warnings=[WARNING])
    return path


def report(path: Path):
    with open_store(path) as store:
        return build_report(store), store.imports()


def row_of(table: Table, name: str) -> tuple:
    (row,) = [r for r in table.rows if r[0] == name]
    return row


def test_literature_search_gives_dates_searched_never_the_import_date(review_db):
    r, imports = report(review_db)
    assert r.sources.header == (
        "Source", "Database", "Platform", "Dates of coverage", "Date searched", "Records found"
    )  # fmt: skip
    embase, scopus = row_of(r.sources, "embase.ris"), row_of(r.sources, "scopus.ris")
    assert embase == ("embase.ris", "Embase", "Embase.com", "1947 to 2022 February 23",
                      "2022-02-24", "6")  # fmt: skip
    assert scopus == ("scopus.ris", "Scopus", "Scopus", "not recorded", "not recorded", "6")
    imported_on = {i.imported_at[:10] for i in imports}
    for row in (embase, scopus):
        assert not any(day in cell for day in imported_on for cell in row)
    pubmed = row_of(r.sources, "neuroma")
    runs = r.searched[0].runs
    assert pubmed[1] == "PubMed" and pubmed[4] == ", ".join(dict.fromkeys(x.date for x in runs))


def test_prisma_s_appendix_for_an_imported_strategy(review_db):
    r, _ = report(review_db)
    laid = list(blocks(r))
    start = laid.index(Heading(1, PRISMA_S, new_page=True))
    assert laid.index(Heading(1, "Appendix", new_page=True)) < start  # after the appendix
    at = laid.index(Heading(2, "Embase: embase.ris"), start)
    assert laid[at + 1] == Bullets(
        (
            "Database: Embase",
            "Platform: Embase.com",
            "Dates of coverage: 1947 to 2022 February 23",
            "Date searched: 2022-02-24",
            "Limits and filters: English; 2000 to 2022",
            "Records found: 6",
        )
    )
    assert laid[at + 2] == Heading(3, "Search strategy, line by line as run")
    assert laid[at + 3] == Table(
        ("Line", "Search"),
        (
            ("1", "#1 'cryosurgery'/exp"),
            ("2", "#2 (neuroma* OR 'nerve injury'):ti,ab"),
            ("3", "#3 #1 AND #2"),
        ),
    )
    scopus = laid.index(Heading(2, "Scopus: scopus.ris"), start)
    assert "Date searched: not recorded" in laid[scopus + 1].items
    assert laid[scopus + 3] == Paragraph("Search strategy: not recorded.", "note")


def test_prisma_s_appendix_for_pubmed_lists_every_run(review_db):
    r, _ = report(review_db)
    laid = list(blocks(r))
    at = laid.index(Heading(2, "PubMed: neuroma"))
    assert "Limits and filters: publication date 2000 to the date searched" in laid[at + 1].items
    assert laid[at + 3] == Table(("Line", "Search"), (("1", "cryoablation AND neuroma"),))
    assert laid[at + 4 : at + 6] == [
        Heading(3, "PubMed's translation"),
        Paragraph("cryoablation[All Fields] AND x"),
    ]
    runs = laid[at + 7]
    assert runs.header == ("Run", "Date", "Outcome", "New records", "PubMed's total")
    first, update = runs.rows
    assert first[0] == "First search" and first[2:] == ("complete", "not recorded", "57")
    assert update[0] == "Update" and update[2:] == ("complete", "4", "61")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", update[1])
    assert laid[at + 9] == Bullets((f"Update {update[1]}: {WARNING}",))


# -- the writers agree ----------------------------------------------------------------------------


def expected_texts(r) -> list[str]:
    """Every text of the PRISMA-S appendix, in order, as the blocks hold it."""
    laid = list(blocks(r))
    out: list[str] = []
    for b in laid[laid.index(Heading(1, PRISMA_S, new_page=True)) :]:
        if isinstance(b, Heading | Paragraph):
            out.append(b.text)
        elif isinstance(b, Bullets):
            out += b.items
        elif isinstance(b, Table):
            out += [*b.header, *(c for row in b.rows for c in row)]
    return out


def in_order(haystack: str, needles: list[str]) -> None:
    at = 0
    for needle in needles:
        found = haystack.find(needle, at)
        assert found >= 0, f"{needle!r} missing or out of order after {haystack[at : at + 80]!r}"
        at = found + len(needle)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def test_markdown_html_and_word_agree(review_db, tmp_path):
    r, _ = report(review_db)
    wanted = expected_texts(r)
    assert "3" in wanted and "#3 #1 AND #2" in wanted and "Update" in wanted
    page = _Text()
    page.feed(render_html(r))
    in_order(html.unescape("\n".join(page.parts)), wanted)
    markdown = re.sub(r"\\(.)", r"\1", render_markdown(r))
    in_order(markdown, wanted)
    word = docx.Document(str(write_docx(r, tmp_path / "o.docx")))
    texts: list[str] = []
    for item in word.iter_inner_content():
        if isinstance(item, DocxParagraph):
            texts.append(item.text)
        elif isinstance(item, DocxTable):
            texts += [cell.text for row in item.rows for cell in row.cells]
    in_order("\n".join(texts), wanted)
    assert PRISMA_S in texts and texts.index(PRISMA_S) > texts.index("Appendix")
