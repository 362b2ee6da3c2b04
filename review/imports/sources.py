"""Imported files as the searches they were (PRISMA-S): the database named by the file itself,
and the details a lead records or corrects (platform, date searched, strategy, limits, coverage).

An export is a search run in another database; the report must say which, where, when and how,
and never take the day the file was imported for the day it was searched. What the file does
not say stays "not recorded" until the lead says it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from review.errors import ImportFileError
from review.imports.model import SOURCE_FIELDS, ImportedFile, ParsedFile, bare, split_lines
from review.permissions import require
from review.screening.model import Reviewer

if TYPE_CHECKING:
    from review.store import Store

# Ovid's database codes (the D= of its links) and the database each is a segment of.
_OVID_CODES = (
    ("psyc", "APA PsycInfo"),
    ("emed", "Embase"),
    ("emez", "Embase"),
    ("oemezd", "Embase"),
    ("emcr", "Embase"),
    ("prem", "MEDLINE"),
    ("medl", "MEDLINE"),
    ("mesz", "MEDLINE"),
    ("med", "MEDLINE"),
    ("cctr", "Cochrane Central Register of Controlled Trials"),
    ("coch", "Cochrane Database of Systematic Reviews"),
    ("amed", "AMED"),
    ("cagh", "Global Health"),
    ("hmic", "HMIC"),
)
_PLATFORM_HOSTS = (
    ("ovid.com", "Ovid"),
    ("embase.com", "Embase.com"),
    ("proquest.com", "ProQuest"),
    ("ebscohost.com", "EBSCOhost"),
    ("scopus.com", "Scopus"),
    ("webofknowledge.com", "Web of Science"),
    ("webofscience.com", "Web of Science"),
)


@dataclass(frozen=True)
class FileSource:
    """What an export file says about the search that produced it ("" where it says nothing)."""

    database: str = ""
    platform: str = ""
    coverage: str = ""
    strategy: str = ""


def file_source(parsed: ParsedFile, text: str = "") -> FileSource:
    """The database (and platform, coverage, strategy) an export names, from its own content.

    Ovid's header ("Database: Embase <1974 to 2022 February 23>", then "Search Strategy:")
    comes first; then RIS ``DB`` tags (the first of each record, the most common one: Embase.com
    also tags records that are in MEDLINE); then Ovid's links (``D=psyc16``); Web of Science's
    ``FN`` header; Embase's CSV (Emtree columns); PubMed's own formats.
    """
    header = _ovid_header(text)
    if header.database:
        return header
    platform = _platform(parsed)
    tags = Counter(_first_db(item.record.raw) for item in parsed.records)
    tags.pop("", None)
    if tags:
        return FileSource(tags.most_common(1)[0][0], platform)
    ovid = _ovid_code(parsed)
    if ovid:
        return FileSource(ovid, "Ovid")
    head = text.lstrip("\ufeff \t\r\n")[:300]
    if parsed.format == "wos" or head.startswith("FN Clarivate"):
        return FileSource("Web of Science", "Web of Science")
    if parsed.format == "csv" and "Emtree" in head.split("\n", 1)[0]:
        return FileSource("Embase", "Embase.com")
    if parsed.format in ("nbib", "pubmed-xml"):
        return FileSource("PubMed", "PubMed")
    return FileSource("", platform)


def _first_db(raw: str) -> str:
    for line in raw.splitlines():
        if line.startswith("DB  -"):
            value = line[5:].strip()
            if value:
                return value
    return ""


def _platform(parsed: ParsedFile) -> str:
    hosts: Counter[str] = Counter()
    for item in parsed.records:
        for url in re.findall(r"https?://([^/\s?]+)", item.record.raw):
            for host, name in _PLATFORM_HOSTS:
                if url == host or url.endswith("." + host):
                    hosts[name] += 1
    return hosts.most_common(1)[0][0] if hosts else ""


def _ovid_code(parsed: ParsedFile) -> str:
    for item in parsed.records:
        for code in re.findall(r"ovid\.com/\S*?[?&]D=([a-z]+)", item.record.raw):
            for prefix, name in _OVID_CODES:
                if code.startswith(prefix):
                    return name
    return ""


def _ovid_header(text: str) -> FileSource:
    """Ovid's search history header: the databases with their coverage, and the strategy."""
    lines = [bare(line) for line in split_lines(text[:200_000])]
    databases: list[str] = []
    coverage: list[str] = []
    strategy: list[str] = []
    in_strategy = False
    for line in lines:
        if re.match(r"\s*(TY  -|\d+\.\s*$|<\d+>\s*$)", line) and not in_strategy:
            break
        found = re.match(r"\s*Database:\s*(.+)$", line)
        if found:
            for name, cover in re.findall(r"([^<,][^<]*?)\s*<([^>]*)>", found.group(1)):
                databases.append(name.strip(" ,"))
                coverage.append(cover.strip())
            continue
        if re.match(r"\s*Search Strategy:", line):
            in_strategy = True
            continue
        if in_strategy:
            if re.fullmatch(r"\s*-{5,}\s*", line):
                continue
            if re.fullmatch(r"\s*\*{5,}\s*", line) or (not line.strip() and strategy):
                break
            if line.strip():
                strategy.append(line.rstrip())
    if not databases:
        return FileSource()
    if len(databases) > 1:
        coverage = [f"{name}: {cover}" for name, cover in zip(databases, coverage, strict=True)]
    return FileSource("; ".join(databases), "Ovid", "; ".join(coverage), "\n".join(strategy))


# -- what the lead records ------------------------------------------------------------------------


def searched_date(text: str | None, what: str = "--searched") -> str | None:
    """A date searched as YYYY-MM-DD; "" or None means not recorded. A bad date is refused."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise ImportFileError(
            f"{what} {text!r} is not a date: give the day the search was run as YYYY-MM-DD "
            "(for example 2022-02-24). Nothing was stored."
        ) from None


def read_strategy(path: str | Path) -> str:
    """A search strategy file's text, line by line as run (UTF-8); unreadable: a clear message."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            f"{path}: the strategy file is not UTF-8 text. Save it as plain UTF-8 text and try "
            "again. Nothing was stored."
        ) from None
    except OSError as exc:
        raise ImportFileError(
            f"{path}: the strategy file cannot be read ({exc.strerror}). Check the path. "
            "Nothing was stored."
        ) from None
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def edit_source(
    store: Store,
    import_id: int,
    actor: Reviewer,
    *,
    expect: ImportedFile | None = None,
    **changes: str | None,
) -> ImportedFile:
    """Record or correct an imported file's search details (lead only), kept as an event.

    ``changes`` are among ``database`` (stored as ``source``), ``platform``, ``searched_on``
    (checked: YYYY-MM-DD or "" for not recorded), ``strategy``, ``limits``, ``coverage``; a
    value of None leaves the field as it is. ``expect``: the file as the editor showed it; an
    edit made meanwhile by someone else refuses this one (``TargetChanged``).
    """
    require(actor, "edit_protocol")
    fields: dict[str, str | None] = {}
    for key, value in changes.items():
        if value is None:
            continue
        name = "source" if key == "database" else key
        if name not in SOURCE_FIELDS:
            raise ImportFileError(f"{key} is not a detail of a source")
        fields[name] = (
            searched_date(value, "The date searched") if name == "searched_on" else value.strip()
        )
    if store.import_by_id(import_id) is None:
        raise ImportFileError(
            f"no imported file has the id {import_id}; `review sources DB` lists them."
        )
    drawn = None if expect is None else {f: getattr(expect, f) for f in SOURCE_FIELDS}
    return store.update_import_source(import_id, fields, actor.name, drawn)


# -- every source of the review, as the report and `review sources` list them -----------------

DATETYPES = {"pdat": "publication date", "edat": "entry date", "mdat": "modification date"}


@dataclass(frozen=True)
class Source:
    """One source searched: a saved PubMed search or an imported file, with its PRISMA-S details.

    ``searched`` holds every date the search was run (a PubMed search's completed runs); empty
    when not recorded. Never an import date.
    """

    kind: str  # "pubmed" or "import"
    id: int  # the saved search's or the imported file's id
    name: str  # the search's name or the file's name
    database: str  # "" when not recorded
    platform: str
    searched: tuple[str, ...]  # YYYY-MM-DD
    coverage: str
    strategy: str
    limits: str
    records: int


def list_sources(store) -> list[Source]:
    """Every saved PubMed search, then every imported file, in the order they were added."""
    found = {f.name: f.n for f in store.flow_sources() if f.kind == "search"}
    runs = store.runs()
    out = []
    for s in store.searches():
        done = [r for r in runs if r.search_id == s.id and r.status == "complete"]
        dates = tuple(dict.fromkeys((r.finished_at or r.started_at)[:10] for r in done))
        out.append(
            Source(
                kind="pubmed",
                id=s.id,
                name=s.name,
                database="PubMed",
                platform="PubMed (NCBI E-utilities)",
                searched=dates,
                coverage="inception to the date searched",
                strategy=s.query,
                limits=pubmed_limits(s),
                records=found.get(s.name, 0),
            )
        )
    for i in store.imports():
        out.append(
            Source(
                kind="import",
                id=i.id,
                name=i.file_name,
                database=i.source,
                platform=i.platform,
                searched=(i.searched_on,) if i.searched_on else (),
                coverage=i.coverage,
                strategy=i.strategy,
                limits=i.limits,
                records=i.record_count,
            )
        )
    return out


def pubmed_limits(search) -> str:
    """A saved search's date limits in words ("" when it has none)."""
    if not (search.mindate or search.maxdate):
        return ""
    kind = DATETYPES.get(search.datetype or "pdat", search.datetype or "publication date")
    return f"{kind} {search.mindate or 'any'} to {search.maxdate or 'the date searched'}"
