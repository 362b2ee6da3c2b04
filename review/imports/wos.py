"""Web of Science "tagged" text (FN/VR header, two-letter tags, ER ends a record, EF the file).

Values wrap onto lines indented by three spaces. For name and reference lists each such line is
one more value; for titles and abstracts it is the same value wrapped, so it is joined with a
space. Such files are often saved as ``.txt`` or even ``.ris``, so they are found by content.
"""

from __future__ import annotations

import re

from review.imports import fields as f
from review.imports.model import ImportedRecord, bare, fail, reading, split_lines
from review.progress import Progress, counted
from review.records import AbstractSection, Author, Record

_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_LISTS = {"AU", "AF", "CA", "CR", "C1", "C3", "EM", "RI", "OI", "BA", "BF", "GP"}
_HEADER = {"FN", "VR"}


def read_wos(
    text: str, path: str, progress: Progress | None = None
) -> tuple[list[ImportedRecord], list[str]]:
    lines = split_lines(text)
    out: list[ImportedRecord] = []
    start = -1
    for i, line in enumerate(counted(progress, reading(path), lines, len(lines), every=20_000)):
        s = bare(line).rstrip()
        m = _TAG.match(s)
        tag = m.group(1) if m else ""
        if start < 0:
            if tag == "EF":
                break
            if m and tag not in _HEADER and tag != "ER":
                start = i
            continue
        if tag == "ER":
            raw = "".join(lines[start : i + 1])
            record, original_id = parse_record(raw)
            out.append(ImportedRecord(record, len(out) + 1, start + 1, original_id))
            start = -1
        elif tag in ("PT", "EF"):
            raise _unfinished(path, start, f"a new {'record' if tag == 'PT' else 'EF'} at {i + 1}")
    if start >= 0:
        raise _unfinished(path, start, "the file ends first")
    return out, []


def _unfinished(path: str, start: int, why: str):
    return fail(
        path,
        f"the Web of Science record that starts at line {start + 1} has no 'ER' end line ({why})",
        "The file looks cut off or edited by hand: export it again from Web of Science",
    )


def _values(raw: str) -> dict[str, list[str]]:
    tags: list[tuple[str, list[str]]] = []
    for line in split_lines(raw):
        s = bare(line).rstrip()
        m = _TAG.match(s)
        if m:
            tags.append((m.group(1), [(m.group(2) or "").strip()]))
        elif tags and s.strip():
            tags[-1][1].append(s.strip())
    values: dict[str, list[str]] = {}
    for tag, parts in tags:
        if tag in _LISTS:
            values.setdefault(tag, []).extend(p for p in parts if p)
        else:
            values.setdefault(tag, []).append(" ".join(p for p in parts if p))
    return values


def _authors(v: dict[str, list[str]]) -> tuple[Author, ...]:
    """AF has the full names, AU the initials; they are parallel lists."""
    short, full = v.get("AU", []), v.get("AF", [])
    authors = []
    for i, name in enumerate(short):
        a = f.parse_author(full[i] if len(full) == len(short) else name)
        b = f.parse_author(name)
        if a and b and not a.collective:
            authors.append(Author(a.last_name, a.fore_name, b.initials or a.initials))
        elif a:
            authors.append(a)
    authors += [Author(collective=g) for g in v.get("CA", []) + v.get("GP", [])]
    return tuple(authors)


def parse_record(raw: str) -> tuple[Record, str]:
    """One tagged record and its accession number (UT), also to re-read a stored ``raw``."""
    v = _values(raw)

    def first(*names: str) -> str:
        return next((x for n in names for x in v.get(n, []) if x), "")

    abstract = first("AB")
    terms = [t for tag in ("DE", "ID") for value in v.get(tag, []) for t in value.split(";")]
    return Record(
        kind="book" if first("PT") == "B" else "article",
        pmid=first("PM"),
        doi=f.bare_doi(first("DI")) or f.doi_in(first("DL")),
        title=first("TI"),
        abstract_sections=(AbstractSection(abstract),) if abstract else (),
        authors=_authors(v),
        journal=first("SO"),
        journal_abbrev=first("JI", "J9"),
        year=f.year_of(first("PY", "PD", "EA")),
        volume=first("VL"),
        issue=first("IS"),
        pages=f.pages(first("BP"), first("EP")) or first("AR"),
        languages=f.unique(x for value in v.get("LA", []) for x in value.split(";")),
        publication_types=f.unique(x for value in v.get("DT", []) for x in value.split(";")),
        keywords=f.unique(terms),
        raw=raw,
        raw_format="wos",
    ), first("UT")
