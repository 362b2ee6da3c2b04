"""RIS, as Embase, Ovid, ProQuest, Scopus, Web of Science, Zotero, EndNote and Rayyan write it.

A record runs from ``TY  - `` to ``ER  -``. Everything between records (Ovid's "1." lines,
"Record #1 of 2" banners, blank lines) is ignored, because exporters put it there, but a ``TY``
without its ``ER`` fails the whole file: a half-read export would silently lose records.
Lines without a tag continue the previous tag (Rayyan's keywords, Scopus's reference lists,
blank lines inside notes). RIS values are not wrapped, so a line break inside one is kept.
"""

from __future__ import annotations

import re

from review.imports import fields as f
from review.imports.csvrows import FIELD_LIMIT
from review.imports.model import ImportedRecord, bare, fail, reading, split_lines
from review.progress import Progress, counted
from review.records import AbstractSection, Record

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?:\s(.*))?$")

# The reference-type names EndNote gives each RIS type (and the standard's spellings).
TYPE_NAMES = {
    "ABST": "Abstract", "ADVS": "Audiovisual Material", "AGGR": "Aggregated Database",
    "ANCIENT": "Ancient Text", "ART": "Artwork", "BILL": "Bill", "BLOG": "Blog", "BOOK": "Book",
    "CASE": "Case", "CHAP": "Book Section", "CHART": "Chart", "CLSWK": "Classical Work",
    "COMP": "Computer Program", "CONF": "Conference Proceeding", "CPAPER": "Conference Paper",
    "CTLG": "Catalog", "DATA": "Dataset", "DBASE": "Online Database", "DICT": "Dictionary",
    "EBOOK": "Electronic Book", "ECHAP": "Electronic Book Section", "EDBOOK": "Edited Book",
    "EJOUR": "Electronic Article", "ELEC": "Web Page", "ENCYC": "Encyclopedia",
    "EQUA": "Equation", "FIGURE": "Figure", "GEN": "Generic", "GOVDOC": "Government Document",
    "GRANT": "Grant", "GRNT": "Grant", "HEAR": "Hearing", "ICOMM": "Internet Communication",
    "INPR": "In Press Article", "INTV": "Interview", "JFULL": "Full Journal",
    "JOUR": "Journal Article", "LEGAL": "Legal Rule", "MANSCPT": "Manuscript", "MAP": "Map",
    "MGZN": "Magazine Article", "MPCT": "Film or Broadcast", "MULTI": "Online Multimedia",
    "MUSIC": "Music", "NEWS": "Newspaper Article", "PAMP": "Pamphlet", "PAT": "Patent",
    "PCOMM": "Personal Communication", "POD": "Podcast", "PRESS": "Press Release",
    "RPRT": "Report", "SER": "Serial", "SLIDE": "Slide", "SOUND": "Sound Recording",
    "STAND": "Standard", "STAT": "Statute", "THES": "Thesis", "UNBILL": "Unenacted Bill",
    "UNPB": "Unpublished Work", "UNPD": "Unpublished Work", "VIDEO": "Video Recording",
    "WEB": "Web Page",
}  # fmt: skip
_BOOKS = {"BOOK", "CHAP", "EBOOK", "ECHAP", "EDBOOK"}
_LINKS = ("L2", "UR", "LK", "DI", "L1", "L3", "L4")
_ID_FIELDS = ("DI", "AN", "ID", "M1", "U2", "C7")
_CLASSIFICATION = re.compile(r"\[\d+\]$")  # PsycINFO puts its subject class in M3

_Fields = list[tuple[str, list[str]]]


def read_ris(
    text: str, path: str, progress: Progress | None = None
) -> tuple[list[ImportedRecord], list[str]]:
    lines = split_lines(text)
    out: list[ImportedRecord] = []
    warnings: list[str] = []
    stray: list[int] = []
    start = -1
    tags: _Fields = []
    for i, line in enumerate(counted(progress, reading(path), lines, len(lines), every=20_000)):
        m = _TAG.match(bare(line))
        if start < 0:
            if m and m.group(1) == "TY":
                start, tags = i, [("TY", [(m.group(2) or "").strip()])]
            elif m or bare(line).strip() == "ER":
                stray.append(i)
            continue
        if not m:
            tags[-1][1].append(bare(line).strip())
            continue
        tag, value = m.group(1), (m.group(2) or "").strip()
        if tag == "TY":
            raise _unfinished(path, start, f"a new record starts at line {i + 1}")
        if tag == "ER":
            _check_sizes(path, tags, start)
            raw = "".join(lines[start : i + 1])
            record, original_id = build(tags, raw)
            out.append(ImportedRecord(record, len(out) + 1, start + 1, original_id))
            if record.year is None and (when := _first(_values(tags), "PY", "Y1", "DA")):
                warnings.append(f"record {len(out)} (line {start + 1}): no year in {when!r}")
            start = -1
        else:
            tags.append((tag, [value]))
    if start >= 0:
        raise _unfinished(path, start, "the file ends first")
    if stray:
        first = bare(lines[stray[0]]).strip()
        warnings.append(
            f"{len(stray)} tagged line(s) outside any TY…ER record were ignored "
            f"(the first at line {stray[0] + 1}: {first[:60]!r})"
        )
    return out, warnings


def _check_sizes(path: str, tags: _Fields, start: int) -> None:
    """A value longer than FIELD_LIMIT (the CSV limit too) is a broken file, not a record."""
    at = start  # each part of a value is one line of the file, from the TY line on
    for tag, parts in tags:
        if sum(len(p) + 1 for p in parts) > FIELD_LIMIT:
            raise fail(
                path,
                f"line {at + 1}: the {tag} value is longer than {FIELD_LIMIT:,} characters, "
                "the most one value may hold",
                "Check that record, or export the file again",
            )
        at += len(parts)


def _unfinished(path: str, start: int, why: str):
    return fail(
        path,
        f"the RIS record that starts at line {start + 1} has no 'ER  -' end line ({why})",
        "The file looks cut off or edited by hand: export it again from the database",
    )


def _fields_of(raw: str) -> _Fields:
    tags: _Fields = []
    for line in split_lines(raw):
        m = _TAG.match(bare(line))
        if m:
            tags.append((m.group(1), [(m.group(2) or "").strip()]))
        elif tags:
            tags[-1][1].append(bare(line).strip())
    return tags


def _values(tags: _Fields) -> dict[str, list[str]]:
    """Each tag's values in order; a value's continuation lines are kept as line breaks."""
    values: dict[str, list[str]] = {}
    for tag, parts in tags:
        values.setdefault(tag, []).append("\n".join(parts).strip())
    return values


def _first(values: dict[str, list[str]], *tags: str) -> str:
    for tag in tags:
        for v in values.get(tag, ()):
            if v:
                return v
    return ""


def parse_record(raw: str) -> tuple[Record, str]:
    """Re-read one stored RIS record (its ``raw``) into a Record and its original id."""
    return build(_fields_of(raw), raw)


def build(tags: _Fields, raw: str) -> tuple[Record, str]:
    v = _values(tags)
    ty = _first(v, "TY").upper()
    kind = "book" if ty in _BOOKS else "article"
    authors = [f.parse_author(a) for tag, parts in tags if tag in ("AU", "A1") for a in parts]
    journal = _first(v, "JF") or (_first(v, "T2") if kind == "article" else "") or _first(v, "JO")
    abbrev = _first(v, "JA", "J2", "J1", "JI", "J9")
    if not abbrev and v.get("JO") and _first(v, "JO") != journal:
        abbrev = _first(v, "JO")
    abstract = _first(v, "AB", "N2")
    types = [TYPE_NAMES.get(ty, _first(v, "TY"))] if ty else []
    types += [t for t in v.get("M3", []) + v.get("DT", []) if not _CLASSIFICATION.search(t)]
    keywords = [k for tag, parts in tags if tag == "KW" for k in parts]
    record = Record(
        kind=kind,
        pmid=_pmid(v),
        doi=_doi(v),
        pmcid=next((f.pmcid_in(u) for t in _LINKS for u in v.get(t, []) if f.pmcid_in(u)), ""),
        title=" ".join(_first(v, "TI", "T1", "CT", "BT", "ST").split()),
        abstract_sections=(AbstractSection(abstract),) if abstract else (),
        authors=tuple(a for a in authors if a),
        journal=journal,
        journal_abbrev=abbrev,
        year=f.year_of(_first(v, "PY", "Y1", "DA")),
        volume=_first(v, "VL", "VO"),
        issue=_first(v, "IS", "CP"),
        pages=f.pages(_first(v, "SP"), _first(v, "EP")),
        languages=f.unique(v.get("LA", [])),
        publication_types=f.unique(types),
        keywords=f.unique(keywords),
        raw=raw,
        raw_format="ris",
    )
    return record, _first(v, "ID", "AN", "U2")


def _doi(v: dict[str, list[str]]) -> str:
    for value in v.get("DO", []):
        if doi := f.bare_doi(value) or f.doi_in(value):
            return doi
    for tag in _LINKS:
        for value in v.get(tag, []):
            if doi := f.doi_from_url(value):
                return doi
    for tag in _ID_FIELDS:
        for value in v.get(tag, []):
            if doi := f.bare_doi(value):
                return doi
    for tag in _LINKS:
        for value in v.get(tag, []):
            if doi := f.doi_from_link_param(value):
                return doi
    return ""


def _pmid(v: dict[str, list[str]]) -> str:
    for tag in _LINKS:
        for value in v.get(tag, []):
            if pmid := f.pmid_from_url(value):
                return pmid
    sources = " ".join(v.get("DB", []) + v.get("DP", [])).lower()
    candidates = []
    if "nlm" in sources or "pubmed" in sources:
        candidates += v.get("AN", [])  # EndNote's PubMed export: AN is the PMID
    if "medline" in sources and "embase" in sources:
        candidates += v.get("C5", [])  # Embase gives the MEDLINE PMID in C5
    if "scopus" in sources:
        candidates += v.get("C2", [])  # Scopus gives the PubMed ID in C2
    return next((c for c in candidates if c.isdigit()), "")
