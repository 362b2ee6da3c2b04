"""The report as one standalone HTML page, laid out for reading on screen and for printing.

Every piece of text is escaped: record titles and extracted text come from outside (a title may
hold "<script>"). The PRISMA diagram is embedded as a data URI so the page is a single file.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from review.report.layout import blocks
from review.report.model import Block, Bullets, Heading, Image, Paragraph, Report, Table, Writer

CSS = """
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4;
       max-width: 60em; margin: 2em auto; padding: 0 1em; color: #111; }
h1 { font-size: 20pt; } h2 { font-size: 15pt; margin-top: 1.6em; } h3 { font-size: 12pt; }
.title { font-size: 24pt; } .subtitle { color: #444; } .note { color: #555; font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1.2em; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
th, td { border: 1px solid #888; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #e8e8e8; }
td ul { margin: 0; padding-left: 1.2em; }
img { max-width: 100%; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  .new-page { break-before: page; page-break-before: always; }
  h1, h2, h3, caption { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr, img { break-inside: avoid; page-break-inside: avoid; }
}
"""


def _lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def _cell(value, tag: str) -> str:
    if isinstance(value, tuple):
        inner = "<ul>" + "".join(f"<li>{_lines(v)}</li>" for v in value) + "</ul>" if value else ""
    else:
        inner = _lines(value)
    return f"<{tag}>{inner}</{tag}>"


def _table(t: Table) -> str:
    caption = f"<caption>{escape(t.caption)}</caption>" if t.caption else ""
    head = "<tr>" + "".join(_cell(h, "th") for h in t.header) + "</tr>"
    body = "".join("<tr>" + "".join(_cell(c, "td") for c in row) + "</tr>" for row in t.rows)
    # The attributes are for readers that ignore CSS (LibreOffice's HTML import, e-mail).
    return (
        f'<table border="1" cellspacing="0" cellpadding="4" width="100%">{caption}'
        f"<thead>{head}</thead><tbody>{body}</tbody></table>"
    )


def _block(b: Block) -> str:
    if isinstance(b, Heading):
        level = min(b.level + 1, 4)
        attr = ' class="title"' if b.level == 0 else ""
        if b.new_page:  # inline as well: LibreOffice reads page breaks only from style=
            attr = ' class="new-page" style="page-break-before: always"'
        return f"<h{level}{attr}>{escape(b.text)}</h{level}>"
    if isinstance(b, Paragraph):
        attr = f' class="{b.style}"' if b.style else ""
        return f"<p{attr}>{_lines(b.text)}</p>"
    if isinstance(b, Bullets):
        tag = "ol" if b.numbered else "ul"
        return f"<{tag}>" + "".join(f"<li>{_lines(i)}</li>" for i in b.items) + f"</{tag}>"
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Image):
        data = base64.b64encode(b.png).decode("ascii")
        return f'<p><img src="data:image/png;base64,{data}" alt="{escape(b.alt)}" width="100%"></p>'
    raise TypeError(f"unknown block {b!r}")


def render_html(report: Report) -> str:
    body = "\n".join(_block(b) for b in blocks(report))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(report.title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def write_html(report: Report, path: Path) -> Path:
    path.write_text(render_html(report), encoding="utf-8")
    return path


WRITER = Writer("html", (".html", ".htm"), "HTML", "text/html", write_html)
