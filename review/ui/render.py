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
from review.screening.highlight import find_marks

# Links made from bare addresses (GFM autolink literals) and Streamlit's :material/...: icons are
# found in the text after escapes are undone, so a backslash cannot stop them: an invisible
# WORD JOINER where they start does (an address counts only after a space or punctuation).
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?=https?://|www\.|@)", re.IGNORECASE)


STYLE = """<style>
.record-title{margin:0 0 .4rem 0;font-size:1.35rem;line-height:1.35}
.record-meta{color:#555;margin:.2rem 0 .3rem 0}
.record-facts,.record-links{color:#444;font-size:.92rem;margin:.1rem 0}
.record-facts .label{font-weight:600}
.record-abstract{margin-top:.6rem}
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


def highlight(text: str, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> str:
    """``text`` as escaped HTML, include keywords in one colour and exclude keywords in another
    (whole words or the stems the reviewer wrote: review.screening.highlight)."""
    out, pos = [], 0
    for mark in find_marks(text, include, exclude):
        out.append(html.escape(text[pos : mark.start]))
        piece = html.escape(text[mark.start : mark.end])
        out.append(f'<mark class="{mark.kind}">{piece}</mark>')
        pos = mark.end
    out.append(html.escape(text[pos:]))
    return "".join(out)


# MEDLINE's language codes (ISO 639-2/B) most often met, by name; any other code shows as given.
LANGUAGES = {
    "eng": "English", "fre": "French", "ger": "German", "spa": "Spanish", "ita": "Italian",
    "por": "Portuguese", "dut": "Dutch", "chi": "Chinese", "jpn": "Japanese", "kor": "Korean",
    "rus": "Russian", "pol": "Polish", "cze": "Czech", "hun": "Hungarian", "tur": "Turkish",
    "swe": "Swedish", "dan": "Danish", "nor": "Norwegian", "fin": "Finnish", "gre": "Greek",
    "heb": "Hebrew", "ara": "Arabic", "per": "Persian", "und": "undetermined",
}  # fmt: skip


def _language(code: str) -> str:
    return LANGUAGES.get(code.strip().lower(), code.strip())


def _link(text: str, url: str) -> str:
    return (
        f'<a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">'
        f"{html.escape(text)}</a>"
    )


def record_links(record: Record) -> list[str]:
    """The record's identifiers as links to where it can be read: PubMed, PMC, the DOI."""
    links = []
    if record.pmid.strip():
        pmid = record.pmid.strip()
        links.append(_link(f"PMID {pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{quote(pmid)}/"))
    if record.pmcid.strip():
        pmc = record.pmcid.strip()
        links.append(_link(pmc, f"https://www.ncbi.nlm.nih.gov/pmc/articles/{quote(pmc)}/"))
    if record.doi.strip():
        doi = record.doi.strip()
        links.append(_link(f"DOI {doi}", f"https://doi.org/{quote(doi, safe='/')}"))
    return links


def record_html(
    record_id: int,
    record: Record,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    found_by: tuple[str, ...] = (),
) -> str:
    """The screening card: title, who and where, the facts screening turns on (publication
    types, language, the sources that found it, links), then the abstract and indexing terms.
    Every piece of the record is escaped; only the marks of the keywords are markup."""

    def mark(text: str) -> str:
        return highlight(text, include, exclude)

    authors = ", ".join(a.display for a in record.authors[:12])
    if len(record.authors) > 12:
        authors += f" and {len(record.authors) - 12} more"
    volume = f"{record.volume}({record.issue})" if record.issue else record.volume
    issue = ": ".join(p for p in (volume, record.pages) if p)
    where = " · ".join(
        p for p in (str(record.year or ""), record.journal or record.journal_abbrev, issue) if p
    )
    facts = [
        ("Type", "; ".join(record.publication_types)),
        ("Language", ", ".join(_language(c) for c in record.languages if c.strip())),
        ("Found by", "; ".join(found_by)),
    ]
    fact_html = " · ".join(
        f'<span class="label">{name}:</span> {html.escape(value)}' for name, value in facts if value
    )
    parts = [
        STYLE,
        f'<h3 class="record-title" data-record-id="{int(record_id)}">{mark(record.title)}</h3>',
        f'<p class="record-meta">{html.escape(authors)}'
        + (f'<br><span class="record-where">{html.escape(where)}</span>' if where else "")
        + "</p>",
    ]
    if fact_html:
        parts.append(f'<p class="record-facts">{fact_html}</p>')
    links = record_links(record)
    if links:
        parts.append('<p class="record-links">' + " · ".join(links) + "</p>")
    parts.append('<div class="record-abstract">')
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
    return "".join(parts)
