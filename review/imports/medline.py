"""PubMed's MEDLINE text (the ``.nbib`` download, ``rettype=medline``).

Tags are four characters then "- "; a value wraps onto lines indented by six spaces; a record
starts at ``PMID-`` and ends at a blank line. MEDLINE wraps long values at a fixed width, so
continuation lines are joined with a space (unlike RIS, where a line break means something).
"""

from __future__ import annotations

import re

from review.imports import fields as f
from review.imports.model import ImportedRecord, bare, reading, split_lines
from review.progress import Progress, counted
from review.records import AbstractSection, Author, MeshHeading, Record

_TAG = re.compile(r"^([A-Z][A-Z0-9 ]{3})-(?: (.*))?$")

_Fields = list[tuple[str, str]]


def read_nbib(
    text: str, path: str, progress: Progress | None = None
) -> tuple[list[ImportedRecord], list[str]]:
    lines = split_lines(text)
    spans: list[tuple[int, int]] = []  # first and last line of each record
    stray: list[int] = []
    start = last = -1
    for i, line in enumerate(lines):
        s = bare(line)
        m = _TAG.match(s)
        if m and m.group(1) == "PMID":
            if start >= 0:
                spans.append((start, last))
            start = last = i
        elif not s.strip():
            if start >= 0:
                spans.append((start, last))
            start = -1
        elif start >= 0:
            last = i
        else:
            stray.append(i)
    if start >= 0:
        spans.append((start, last))
    out: list[ImportedRecord] = []
    for first, end in counted(progress, reading(path), spans, len(spans)):
        raw = "".join(lines[first : end + 1])
        record = parse_record(raw)
        out.append(ImportedRecord(record, len(out) + 1, first + 1, record.pmid))
    warnings = []
    if stray:
        warnings.append(
            f"{len(stray)} line(s) outside any PMID record were ignored "
            f"(the first at line {stray[0] + 1}: {bare(lines[stray[0]]).strip()[:60]!r})"
        )
    return out, warnings


def _fields(raw: str) -> _Fields:
    tags: list[tuple[str, list[str]]] = []
    for line in split_lines(raw):
        s = bare(line)
        m = _TAG.match(s)
        if m:
            tags.append((m.group(1).strip(), [(m.group(2) or "").strip()]))
        elif tags and s.strip():
            tags[-1][1].append(s.strip())
    return [(tag, " ".join(p for p in parts if p)) for tag, parts in tags]


def _mesh(value: str) -> MeshHeading:
    descriptor, *qualifiers = value.split("/")
    return MeshHeading(
        descriptor=descriptor.lstrip("*").strip(),
        major=descriptor.startswith("*"),  # as PubMed XML's MajorTopicYN on the descriptor
        qualifiers=tuple(q.lstrip("*").strip() for q in qualifiers),
    )


def _authors(tags: _Fields) -> tuple[Author, ...]:
    """FAU gives the full name and the AU after it the initials PubMed uses; CN a group."""
    authors: list[Author] = []
    pending = False  # the last author came from FAU and awaits its AU
    for tag, value in tags:
        if tag == "FAU" and (a := f.parse_author(value)):
            authors.append(a)
            pending = True
        elif tag == "AU" and (a := f.parse_author(value)):
            if pending and not authors[-1].collective:
                last = authors[-1]
                authors[-1] = Author(last.last_name, last.fore_name, a.initials or last.initials)
            else:
                authors.append(a)
            pending = False
        elif tag == "CN" and value:
            authors.append(Author(collective=value))
            pending = False
    return tuple(authors)


def parse_record(raw: str) -> Record:
    """One MEDLINE record from its text (also re-reads a stored ``raw``)."""
    tags = _fields(raw)
    v: dict[str, list[str]] = {}
    for tag, value in tags:
        v.setdefault(tag, []).append(value)

    def first(*names: str) -> str:
        return next((x for n in names for x in v.get(n, []) if x), "")

    ids = v.get("LID", []) + v.get("AID", [])
    abstract = first("AB")
    return Record(
        kind="book" if "BTI" in v else "article",
        pmid=first("PMID"),
        doi=next((f.bare_doi(i) for i in ids if i.endswith("[doi]") and f.bare_doi(i)), ""),
        pmcid=f.pmcid_in(first("PMC")),
        title=first("TI", "BTI"),
        abstract_sections=(AbstractSection(abstract),) if abstract else (),
        authors=_authors(tags),
        journal=first("JT"),
        journal_abbrev=first("TA"),
        year=f.year_of(first("DP")),
        volume=first("VI"),
        issue=first("IP"),
        pages=first("PG"),
        languages=f.unique(v.get("LA", [])),
        publication_types=f.unique(v.get("PT", [])),
        mesh_headings=tuple(_mesh(m) for m in v.get("MH", []) if m),
        keywords=f.unique(v.get("OT", [])),
        raw=raw,
        raw_format="nbib",
    )
