"""The report as a Word document: the format NICE's teams edit and pass to the committee.

Real Word structure only (Heading 1-3 styles, so the navigation pane and a table of contents
work; "Table Grid" tables whose header row repeats on each page; no text boxes), so it opens
cleanly in Word and LibreOffice and reviewers can keep editing it.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

from review.report.layout import blocks
from review.report.model import Block, Bullets, Heading, Image, Paragraph, Report, Table, Writer

# XML 1.0 cannot hold most control characters; a pasted title sometimes does.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return CONTROL.sub("", text)


def _mark_row(row, header: bool) -> None:
    """Keep each row on one page; repeat the header row at the top of each page."""
    from docx.oxml import OxmlElement

    props = row._tr.get_or_add_trPr()
    props.append(OxmlElement("w:cantSplit"))
    if header:
        props.append(OxmlElement("w:tblHeader"))


def _fill(cell, value, bold: bool = False) -> None:
    bullets = isinstance(value, tuple) and bool(value)
    items = list(value) if bullets else str(value or "").split("\n")
    first = cell.paragraphs[0]
    for i, item in enumerate(items):
        paragraph = first if i == 0 else cell.add_paragraph()
        if bullets:
            paragraph.style = "List Bullet"
        run = paragraph.add_run(_clean(item))
        run.bold = bold


def _table(doc, t: Table) -> None:
    from docx.shared import Cm

    if t.caption:
        caption = doc.add_paragraph(style="Caption")
        caption.add_run(_clean(t.caption))
        caption.paragraph_format.keep_with_next = True
    table = doc.add_table(rows=1, cols=len(t.header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, t.header, strict=True):
        _fill(cell, text, bold=True)
    _mark_row(table.rows[0], header=True)
    for values in t.rows:
        row = table.add_row()
        for cell, value in zip(row.cells, values, strict=True):
            _fill(cell, value)
        _mark_row(row, header=False)
    if len(t.header) == 2:  # a label column and a text column, as NICE sets study details
        table.autofit = False
        for column, width in zip(table.columns, (Cm(5), Cm(12)), strict=True):
            column.width = width  # the grid, which LibreOffice reads
            for cell in column.cells:
                cell.width = width  # each cell, which Word reads
    doc.add_paragraph()  # Word runs two adjacent tables together without a paragraph between


def _block(doc, b: Block) -> None:
    from docx.shared import Cm

    if isinstance(b, Heading):
        heading = doc.add_heading(_clean(b.text), level=b.level)
        heading.paragraph_format.page_break_before = b.new_page
    elif isinstance(b, Paragraph):
        style = {"subtitle": "Subtitle", "note": "Quote"}.get(b.style)
        for line in b.text.split("\n"):
            doc.add_paragraph(_clean(line), style=style)
    elif isinstance(b, Bullets):
        style = "List Number" if b.numbered else "List Bullet"  # Word numbers them itself
        for item in b.items:
            doc.add_paragraph(_clean(item), style=style)
    elif isinstance(b, Table):
        _table(doc, b)
    elif isinstance(b, Image):
        shape = doc.add_picture(io.BytesIO(b.png), width=Cm(16))
        shape._inline.docPr.set("descr", _clean(b.alt))  # alt text for screen readers
    else:
        raise TypeError(f"unknown block {b!r}")


def _properties(props, report: Report) -> None:
    """The file's own title, author and dates, which Word shows and searches: the review's, not
    python-docx's template ("python-docx", 2013)."""
    props.title = _clean(report.title)
    props.subject = "Interventional procedures overview"
    props.author = props.last_modified_by = _clean(report.author)
    props.comments = ""
    props.language = "en-GB"
    props.revision = 1
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        day = datetime.strptime(report.date, "%d %B %Y").replace(tzinfo=UTC)
    except ValueError:
        day = now
    props.created = props.modified = now if day.date() == now.date() else day


def write_docx(report: Report, path: str | Path) -> Path:
    # python-docx is imported when a Word file is written, not when the registry lists formats
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    _properties(doc.core_properties, report)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    for b in blocks(report):
        _block(doc, b)
    path = Path(path)
    doc.save(str(path))
    return path


WRITER = Writer(
    "docx",
    (".docx",),
    "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    write_docx,
)
