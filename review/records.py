"""The bibliographic record as the rest of the toolkit sees it.

A record is what one database said about one publication. It keeps the normalised fields that
screening, deduplication and reports read, and the original text exactly as received so that a
better parser can re-read it later without asking the database again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from review.errors import ReviewError


@dataclass(frozen=True)
class Author:
    last_name: str = ""
    fore_name: str = ""
    initials: str = ""
    collective: str = ""  # a group author ("The XYZ Trial Group") has no personal name

    @property
    def display(self) -> str:
        if self.collective:
            return self.collective
        return f"{self.last_name} {self.initials}".strip()


def authors_from_json(text: str) -> tuple[Author, ...]:
    """The authors of a record as the store keeps them (a JSON list of Author fields), for lists
    that read the column without building whole records."""
    try:
        return tuple(Author(**a) for a in json.loads(text or "[]"))
    except (ValueError, TypeError) as exc:
        raise ReviewError(
            f"Cannot read the authors {text[:80]!r}: expected a JSON list of authors with "
            f"last_name, fore_name, initials or collective ({exc}). Re-import the record."
        ) from exc


def author_list(authors: Iterable[Author], first: int = 3) -> str:
    """Names as a reference list gives them: the first three, then "et al." when there are more."""
    names = [a.display for a in authors if a.display]
    return ", ".join(names[:first]) + (" et al." if len(names) > first else "")


def short_pages(pages: str) -> str:
    """A page range as MEDLINE and NICE print it: "1491-1498" -> "1491-8"; anything that is not
    two plain numbers (e1234, "S12-S15", "24") stays as given."""
    first, dash, last = pages.strip().replace("\u2013", "-").partition("-")
    first, last = first.strip(), last.strip()
    if not (dash and first.isdigit() and last.isdigit() and len(first) == len(last)):
        return pages.strip()
    keep = next((i for i, (a, b) in enumerate(zip(first, last, strict=True)) if a != b), None)
    return first if keep is None else f"{first}-{last[keep:]}"


def nice_citation(record: Record) -> str:
    """A reference as NICE's overviews list it: "Cazzato RL, Garnon J, Ramamurthy N et al. (2016)
    Title. Journal 39(10): 1491-8". Parts the record lacks are left out, never invented."""
    parts = [author_list(record.authors)]
    if record.year:
        parts.append(f"({record.year})")
    title = record.title.strip()
    if title:
        parts.append(title if title[-1] in ".?!" else f"{title}.")
    where = (record.journal or record.journal_abbrev).strip()
    if record.volume.strip():
        where += f" {record.volume.strip()}"
        if record.issue.strip():
            where += f"({record.issue.strip()})"
    pages = short_pages(record.pages)
    if pages:
        where += f": {pages}" if where else pages
    parts.append(where.strip())
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class AbstractSection:
    """One part of a structured abstract; unstructured abstracts have one section, no label."""

    text: str
    label: str = ""
    category: str = ""  # NLM's category (BACKGROUND, METHODS, RESULTS, CONCLUSIONS, ...)


@dataclass(frozen=True)
class MeshHeading:
    descriptor: str
    major: bool = False
    qualifiers: tuple[str, ...] = ()
    ui: str = ""


@dataclass(frozen=True)
class PubDate:
    """A PubMed date: a history status (received, revised, accepted, entrez, pubmed, medline,
    ...) or the MEDLINE record's own dates, "completed" and "last-revised"."""

    status: str
    date: str  # ISO 8601, as precise as the source: YYYY, YYYY-MM or YYYY-MM-DD


@dataclass(frozen=True)
class Record:
    """One publication as one source described it.

    ``kind`` is ``article`` for PubmedArticle, ``book`` for PubmedBookArticle and ``deleted`` for a
    DeleteCitation notice (which carries only its PMID). ``raw`` is the source's own text for this
    record, byte for byte as received (decoded as UTF-8), and ``raw_format`` says how to re-read it.
    """

    kind: str = "article"
    pmid: str = ""
    doi: str = ""
    pmcid: str = ""
    title: str = ""
    abstract_sections: tuple[AbstractSection, ...] = ()
    authors: tuple[Author, ...] = ()
    journal: str = ""
    journal_abbrev: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    languages: tuple[str, ...] = ()
    publication_types: tuple[str, ...] = ()
    mesh_headings: tuple[MeshHeading, ...] = ()
    keywords: tuple[str, ...] = ()
    dates: tuple[PubDate, ...] = ()
    raw: str = field(default="", repr=False)
    raw_format: str = "pubmed-xml"

    @property
    def abstract(self) -> str:
        """The abstract as one text, structured sections introduced by their labels."""
        parts = []
        for section in self.abstract_sections:
            parts.append(f"{section.label}: {section.text}" if section.label else section.text)
        return "\n\n".join(parts)

    def date(self, status: str) -> str:
        for d in self.dates:
            if d.status == status:
                return d.date
        return ""


@dataclass(frozen=True)
class RecordSummary:
    """A record as a list shows it (the Records page, "find a record"): no abstract, no raw text,
    so a page of fifty stays small."""

    id: int
    title: str
    pmid: str = ""
    doi: str = ""
    journal: str = ""
    year: int | None = None
    authors: tuple[Author, ...] = ()
    added_at: str = ""


@dataclass(frozen=True)
class FlowSource:
    """How many records one source brought, for PRISMA's identification box: a saved PubMed
    search (``kind`` "search"), an imported database export ("import", named by its source),
    or records that neither brought ("other", named by their origin)."""

    kind: str
    name: str
    n: int

    @property
    def label(self) -> str:
        """The source as the diagram names it: "PubMed (name)", "Embase", "Other records (demo)"."""
        if self.kind == "search":
            return f"PubMed ({self.name})"
        if self.kind == "import":
            return self.name
        return f"Other records ({self.name})"
