"""The report as Markdown with GitHub pipe tables, for review in a repository or a wiki.

Every piece of text (titles, authors, journals, citations, study labels, findings, notes) comes
from records and reviewers, so it is escaped whole: a title holding "[link](http://...)",
"![image](...)", "**bold**", "$x^2$" or "<script>" prints as those characters. Cells cannot hold
line breaks in a pipe table, so lines are joined with <br> (the only markup we add there).
"""

from __future__ import annotations

import re
from pathlib import Path

from review.report.layout import blocks
from review.report.model import Block, Bullets, Heading, Image, Paragraph, Report, Table, Writer

# What Markdown, GitHub's Markdown ($math$, ~strike~, tables, :emoji:) and HTML read inside a
# line, and what opens a block at the start of one. CommonMark lets any ASCII punctuation take a
# backslash; only these do, so ordinary text ("Study 2: 12.5 mm") reads as it is.
_INLINE = re.compile(r"(:[\w+\-/]+:)|([\\`*_\[\]<$|~&])|(:(?=\S))")
_LINE_START = re.compile(
    r"^([ \t]*)(>|(?:[#+=-]|\d{1,9}[.)])(?=[ \t]|$)|[=-]{2,}(?=[ \t]*$))", re.MULTILINE
)


def escape_markdown(text: str, joiner: str = "") -> str:
    """``text`` as Markdown that shows exactly ``text``. ``joiner`` goes after the first colon
    of a :shortcode: (the app's Streamlit reads icons in the text after escapes are undone)."""

    def inline(match: re.Match) -> str:
        if match.group(1):  # an emoji or icon shortcode: both colons, and any _ inside
            return "\\:" + joiner + match.group(1)[1:-1].replace("_", "\\_") + "\\:"
        return "\\" + match.group(0)

    def line_start(match: re.Match) -> str:  # a heading, quote, list item or underline
        indent, start = match.groups()
        return indent + start[:-1] + "\\" + start[-1]

    return _LINE_START.sub(line_start, _INLINE.sub(inline, text))


def _text(text: str) -> str:
    return escape_markdown(text)


def _cell(value) -> str:
    lines = [f"• {v}" for v in value] if isinstance(value, tuple) else value.split("\n")
    return "<br>".join(_text(line) for line in lines if line.strip())


def _table(t: Table) -> str:
    rows = [t.header, tuple("---" for _ in t.header), *t.rows]
    lines = [f"**{_text(t.caption)}**", ""] if t.caption else []
    for i, row in enumerate(rows):
        cells = [str(c) for c in row] if i == 1 else [_cell(c) for c in row]
        lines.append("| " + " | ".join(c or " " for c in cells) + " |")
    return "\n".join(lines)


def _block(b: Block, image: str | None) -> str:
    if isinstance(b, Heading):
        return "#" * (b.level + 1) + " " + _text(b.text)
    if isinstance(b, Paragraph):
        text = "  \n".join(_text(line) for line in b.text.split("\n"))
        return f"*{text}*" if b.style in ("subtitle", "note") else text
    if isinstance(b, Bullets):
        marks = (
            [f"{n}." for n in range(1, len(b.items) + 1)] if b.numbered else ["-"] * len(b.items)
        )
        return "\n".join(f"{m} {_text(i)}" for m, i in zip(marks, b.items, strict=True))
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Image):
        if image:
            return f"![{_text(b.alt)}]({image})"
        return "*The study selection diagram is in the Word and HTML reports.*"
    raise TypeError(f"unknown block {b!r}")


def render_markdown(report: Report, image: str | None = None) -> str:
    """``image`` is where the PRISMA PNG was written, relative to the Markdown file."""
    return "\n\n".join(_block(b, image) for b in blocks(report)) + "\n"


def write_markdown(report: Report, path: Path) -> Path:
    """The Markdown file, and the PRISMA diagram beside it as NAME-prisma.png (Markdown cannot
    hold a picture)."""
    image = None
    if report.prisma_png:
        picture = path.with_name(f"{path.stem}-prisma.png")
        picture.write_bytes(report.prisma_png)
        image = picture.name
    path.write_text(render_markdown(report, image), encoding="utf-8")
    return path


WRITER = Writer("md", (".md", ".markdown"), "Markdown", "text/markdown", write_markdown)
