"""CSV exports: Embase's own columns, and any table with columns named like title, authors, year.

Columns are matched by name without case or punctuation ("Author Names", "author", "AUTHORS"),
because every tool names them a little differently. Each record keeps its row exactly as it
stood in the file (embedded line breaks included) and the header in ``raw_format``, so one row
can be re-read on its own later.
"""

from __future__ import annotations

import csv
import re

from review.imports import fields as f
from review.imports.csvrows import FIELD_LIMIT, csv_rows
from review.imports.model import ImportedRecord, bare, fail, reading, split_lines
from review.progress import Progress, counted
from review.records import AbstractSection, Record

COLUMNS = {
    "title": ("title", "articletitle", "documenttitle", "primarytitle", "ti", "t1"),
    "abstract": ("abstract", "abstractnote", "ab", "n2"),
    "authors": ("authors", "author", "authornames", "authorfullnames", "au", "creators"),
    "journal": ("journal", "journaltitle", "journalname", "sourcetitle", "publicationtitle",
                "secondarytitle", "jf", "so", "t2"),
    "journal_abbrev": ("journalabbreviation", "journalabbrev", "abbreviatedsourcetitle",
                       "isoabbreviation", "ja", "j2"),
    "year": ("year", "publicationyear", "pubyear", "py", "date", "publicationdate", "dp"),
    "volume": ("volume", "vol", "vl"),
    "issue": ("issue", "number", "issuenumber", "is"),
    "pages": ("pages", "page", "pagination", "pagerange", "pg"),
    "start_page": ("startpage", "pagestart", "sp", "bp"),
    "end_page": ("endpage", "pageend", "ep"),
    "doi": ("doi", "di", "do"),
    "pmid": ("pmid", "pubmedid", "medlinepmid"),
    "pmcid": ("pmcid", "pmc"),
    "id": ("id", "recordid", "key", "pui", "accessionnumber", "eid", "ut", "an"),
    "language": ("language", "languages", "languageoforiginaldocument", "la"),
    "type": ("publicationtype", "documenttype", "type", "itemtype", "entrytype", "pt", "dt"),
    "keywords": ("keywords", "authorkeywords", "indexkeywords", "keyword", "manualtags", "kw",
                 "de"),
}  # fmt: skip
# Embase's "Source": "Endoscopic Ultrasound (2014) 3:3 (152-160). Date of Publication: 2014"
_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.+?)\s+\((?P<year>\d{4})\)\s*(?P<volume>[^:\s(]+)?(?::(?P<issue>[^\s(]+))?"
    r"\s*(?:\((?P<pages>[^)]*)\))?"
)
_BOOK_TYPES = {"book", "chapter", "booksection", "inbook", "incollection", "chap", "bookchapter"}


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _delimiter(header: str) -> str:
    """The delimiter is whichever of comma, semicolon and tab the header line has most of."""
    outside = re.sub(r'"[^"]*"', "", header)
    return max((",", ";", "\t"), key=outside.count)


def header_columns(text: str) -> list[str]:
    """The column names on line 1, or none when line 1 is not a CSV header."""
    lines = split_lines(text)
    if not lines:
        return []
    header = bare(lines[0])
    if len(header) > FIELD_LIMIT:
        return []
    csv.field_size_limit(FIELD_LIMIT)
    try:
        return next(csv.reader([header], delimiter=_delimiter(header)), [])
    except csv.Error:
        return []


def has_title_column(columns: list[str]) -> bool:
    return any(_key(c) in COLUMNS["title"] for c in columns)


def read_csv(
    text: str, path: str, progress: Progress | None = None
) -> tuple[list[ImportedRecord], list[str]]:
    lines = split_lines(text)
    header = bare(lines[0])
    delimiter = _delimiter(header)
    columns = next((row for _line, row in csv_rows([header], path, delimiter=delimiter)), [])
    if not has_title_column(columns):
        shown = ", ".join(repr(c) for c in columns[:30]) or "none"
        raise fail(
            path,
            f"this CSV file has no title column (line 1 has the columns {shown})",
            "A CSV import needs a column named 'title' (or 'Title', 'Article Title'); "
            "rename the column holding the titles and import again",
        )
    raw_format = "csv:" + header
    out: list[ImportedRecord] = []
    warnings: list[str] = []
    rows = list(csv_rows(lines[1:], path, delimiter=delimiter, first_line=2))
    ends = [line for line, _row in rows[1:]] + [len(lines) + 1]  # the next row's first line
    for (line, row), end in counted(progress, reading(path), zip(rows, ends, strict=False),
                                   len(rows)):  # fmt: skip
        if not any(cell.strip() for cell in row):
            continue
        raw = "".join(lines[line - 1 : end - 1])
        if len(row) > len(columns):
            warnings.append(f"line {line}: more cells than columns; extra cells ignored")
        record, original_id = build(columns, row, raw, raw_format)
        out.append(ImportedRecord(record, len(out) + 1, line, original_id))
    return out, warnings


def parse_record(raw: str, raw_format: str) -> tuple[Record, str]:
    """Re-read one stored CSV row; ``raw_format`` is "csv:" plus the header line."""
    header = raw_format.removeprefix("csv:")
    delimiter = _delimiter(header)
    csv.field_size_limit(FIELD_LIMIT)
    columns = next(csv.reader([header], delimiter=delimiter), [])
    row = next(csv.reader(split_lines(raw), delimiter=delimiter), [])
    return build(columns, row, raw, raw_format)


def build(columns: list[str], row: list[str], raw: str, raw_format: str) -> tuple[Record, str]:
    cells: dict[str, list[str]] = {}
    keywords: list[str] = []
    links: list[str] = []
    for name, value in zip(columns, row, strict=False):
        key, value = _key(name), value.strip()
        for field, names in COLUMNS.items():
            if key in names:
                cells.setdefault(field, []).append(value)
        if key.startswith("emtree") or key in COLUMNS["keywords"]:
            keywords += f.split_terms(value)
        if "url" in key or "link" in key:
            links.append(value)

    def get(field: str) -> str:
        return next((c for c in cells.get(field, []) if c), "")

    source = {}
    if not get("journal") and (m := _EMBASE_SOURCE.match(_cell(columns, row, "source"))):
        source = {k: (v or "").strip() for k, v in m.groupdict().items()}
    abstract = get("abstract")
    types = f.unique(get("type").split(";")) if get("type") else ()
    doi = f.bare_doi(get("doi")) or f.doi_in(get("doi"))
    doi = doi or next((d for u in links if (d := f.doi_from_url(u))), "")
    doi = doi or next((d for u in links if (d := f.doi_from_link_param(u))), "")
    record = Record(
        kind="book" if _key(get("type")) in _BOOK_TYPES else "article",
        pmid=get("pmid") if get("pmid").isdigit() else "",
        doi=doi,
        pmcid=f.pmcid_in(get("pmcid")),
        title=" ".join(get("title").split()),
        abstract_sections=(AbstractSection(abstract),) if abstract else (),
        authors=tuple(a for n in f.split_author_list(get("authors")) if (a := f.parse_author(n))),
        journal=get("journal") or source.get("journal", ""),
        journal_abbrev=get("journal_abbrev"),
        year=f.year_of(get("year") or source.get("year", "")),
        volume=get("volume") or source.get("volume", ""),
        issue=get("issue") or source.get("issue", ""),
        pages=get("pages")
        or f.pages(get("start_page"), get("end_page"))
        or source.get("pages", ""),
        languages=f.unique(get("language").split(";")),
        publication_types=types,
        keywords=f.unique(keywords),
        raw=raw,
        raw_format=raw_format,
    )
    return record, get("id")


def _cell(columns: list[str], row: list[str], key: str) -> str:
    for name, value in zip(columns, row, strict=False):
        if _key(name) == key:
            return value.strip()
    return ""
