"""The report as Markdown with GitHub pipe tables, for review in a repository or a wiki.

Cells cannot hold line breaks or pipes in a pipe table, so "|" is escaped and lines are joined
with <br>; a "<" that would open an HTML tag (a title holding "<script>") is escaped too.
"""

from __future__ import annotations

import re

from review.report.document import Block, Bullets, Heading, Image, Paragraph, Report, Table, blocks

TAG = re.compile(r"<(?=[A-Za-z/!?])")


def _text(text: str) -> str:
    return TAG.sub(r"\\<", text.replace("\\", "\\\\"))


def _cell(value) -> str:
    lines = [f"• {v}" for v in value] if isinstance(value, tuple) else value.split("\n")
    return "<br>".join(_text(line).replace("|", "\\|") for line in lines if line.strip())


def _table(t: Table) -> str:
    rows = [t.header, tuple("---" for _ in t.header), *t.rows]
    lines = [f"**{_text(t.caption)}**", ""] if t.caption else []
    for i, row in enumerate(rows):
        cells = row if i == 1 else [_cell(c) for c in row]
        lines.append("| " + " | ".join(c or " " for c in cells) + " |")
    return "\n".join(lines)


def _block(b: Block, image: str | None) -> str:
    if isinstance(b, Heading):
        return "#" * (b.level + 1) + " " + _text(b.text)
    if isinstance(b, Paragraph):
        text = "  \n".join(_text(line) for line in b.text.split("\n"))
        return f"*{text}*" if b.style in ("subtitle", "note") else text
    if isinstance(b, Bullets):
        return "\n".join(f"- {_text(i)}" for i in b.items)
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
