"""User text made safe to show: a record as escaped HTML, any text as literal Markdown.

Titles and abstracts come from outside (databases, exports) and can hold HTML, script or
markdown; they are split around the terms first and each piece escaped, so nothing in them is
ever read as markup. Everything else a person typed (reasons, notes, names, labels, file names)
goes through ``plain`` before it reaches a Streamlit call that renders Markdown.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from review.records import Record
from review.report.markdown import escape_markdown

# Links made from bare addresses (GFM autolink literals) and Streamlit's :material/...: icons are
# found in the text after escapes are undone, so a backslash cannot stop them: an invisible
# WORD JOINER where they start does (an address counts only after a space or punctuation).
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?=https?://|www\.|@)", re.IGNORECASE)


STYLE = """<style>
.record-title{margin:0 0 .4rem 0;font-size:1.35rem;line-height:1.35}
.record-meta{color:#555;margin:.2rem 0 .8rem 0}
.record-abstract p{margin:.35rem 0;line-height:1.55}
.record-abstract .label{font-weight:600}
mark.include{background:#c8f0c8;padding:0 2px}
mark.exclude{background:#ffd0d0;padding:0 2px}
.record-terms{color:#444;font-size:.92rem}
</style>"""


def plain(text) -> str:
    """``text`` as Markdown that shows exactly ``text``: for st.markdown, st.caption, titles,
    alerts, metric and expander labels, widget labels, and radio, pills and segmented-control
    options (all read Markdown and $LaTeX$). Not for selectbox or multiselect options, which
    Streamlit 1.67 shows as plain text: there the backslashes would show."""
    escaped = escape_markdown(_AUTOLINK.sub(WORD_JOINER, str(text)), joiner=WORD_JOINER)
    return re.sub(r"[ \t]*\r?\n", "  \n", escaped)  # each line break kept (a hard break)


def _pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    words = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)


def highlight(text: str, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> str:
    """``text`` as escaped HTML, include terms in one colour and exclude terms in another."""
    marks = [
        (p, css) for p, css in ((_pattern(include), "include"), (_pattern(exclude), "exclude"))
    ]
    spans: list[tuple[int, int, str]] = []
    for pattern, css in marks:
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e, _ in spans):
                spans.append((m.start(), m.end(), css))
    out, pos = [], 0
    for start, end, css in sorted(spans):
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark class="{css}">{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def record_html(
    record_id: int, record: Record, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> str:
    def mark(text: str) -> str:
        return highlight(text, include, exclude)

    authors = ", ".join(a.display for a in record.authors[:12])
    if len(record.authors) > 12:
        authors += f" and {len(record.authors) - 12} more"
    where = " ".join(
        p
        for p in (
            record.journal or record.journal_abbrev,
            str(record.year or ""),
            f"{record.volume}({record.issue})" if record.issue else record.volume,
            record.pages,
        )
        if p
    )
    parts = [
        STYLE,
        f'<h3 class="record-title" data-record-id="{int(record_id)}">{mark(record.title)}</h3>',
        f'<p class="record-meta">{html.escape(authors)}<br>{html.escape(where)}</p>',
        '<div class="record-abstract">',
    ]
    if not record.abstract_sections:
        parts.append("<p><em>No abstract.</em></p>")
    for section in record.abstract_sections:
        label = (
            f'<span class="label">{html.escape(section.label)}:</span> ' if section.label else ""
        )
        parts.append(f"<p>{label}{mark(section.text)}</p>")
    parts.append("</div>")
    terms = [("Keywords", record.keywords), ("MeSH", [m.descriptor for m in record.mesh_headings])]
    for name, values in terms:
        if values:
            parts.append(f'<p class="record-terms"><b>{name}:</b> {mark("; ".join(values))}</p>')
    links = []
    if record.pmid:
        links.append(("PubMed", f"https://pubmed.ncbi.nlm.nih.gov/{quote(record.pmid)}/"))
    if record.pmcid:
        links.append(("PMC", f"https://www.ncbi.nlm.nih.gov/pmc/articles/{quote(record.pmcid)}/"))
    if record.doi:
        links.append(("DOI", f"https://doi.org/{quote(record.doi, safe='/')}"))
    if links:
        parts.append(
            '<p class="record-terms">'
            + " · ".join(
                f'<a href="{html.escape(url)}" target="_blank" rel="noopener">{name}</a>'
                for name, url in links
            )
            + "</p>"
        )
    return "".join(parts)
