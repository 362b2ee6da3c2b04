"""BibTeX for a reference manager (Zotero, JabRef, Mendeley, EndNote) and for LaTeX.

Text goes out as written, in UTF-8, with LaTeX's special characters escaped so that BibTeX,
biber and our own reader (``review.imports.bibtex``, with bibtexparser) read back exactly what
the record holds: braces, ``\\ $ % & # _ ~ ^`` are escaped, ``@`` is braced (a value line
starting with it would read as a new entry) and ``--``, ``''`` and backquotes are kept from
turning into dashes and quotes. Line breaks stay line breaks.

Besides the standard fields, each entry carries our own ``pmid``, ``pmcid``, ``mesh`` and
``pubtype`` (reference managers keep fields they do not know, and the round trip needs them)
and an ``annote`` with the duplicate and screening notes, which bibliography styles do not
print.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from review.exports.rows import ExportRow
from review.progress import Progress, counted
from review.records import Author, Record

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "@": "{@}",
    "`": "{`}",
}
_TYPES = (
    ("conference", "inproceedings"),
    ("thesis", "phdthesis"),
    ("report", "techreport"),
    ("book section", "incollection"),
    ("chapter", "incollection"),
    ("book", "book"),
)
_VERBATIM = re.compile(r"[{}\\]")


def latex_text(value: str) -> str:
    """``value`` as the text of a braced BibTeX value that decodes back to it exactly."""
    out = []
    for i, ch in enumerate(value):
        out.append(_SPECIAL.get(ch, ch))
        if ch in "-'" and value[i + 1 : i + 2] == ch:
            out.append("{}")  # "--" and "''" would read as an en dash and a closing quote
    return "".join(out)


def write_bibtex(rows: list[ExportRow], path: Path, progress: Progress | None = None) -> list:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("% Encoding: UTF-8\n\n")
        for row in counted(progress, f"Writing {path.name}", rows, len(rows), every=500):
            handle.write(bibtex_entry(row))
    return []


def entry_type(record: Record) -> str:
    kinds = " ".join(record.publication_types).lower()
    if record.kind == "book" and "book" not in kinds:
        kinds += " book"
    return next((name for word, name in _TYPES if word in kinds), "article")


def citation_key(row: ExportRow) -> str:
    """A key like "Smith2021-12": the first author and year for people, the record id for
    uniqueness."""
    first = next(iter(row.record.authors), Author())
    name = first.last_name or next(iter(first.collective.split()), "")
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]", "", ascii_name) or "record"
    return f"{stem}{row.record.year or ''}-{row.record_id}"


def bibtex_entry(row: ExportRow) -> str:
    r = row.record
    kind = entry_type(r)
    fields = [("title", _title(r.title)), ("author", _authors(r.authors)), ("journal", r.journal)]
    if kind in ("inproceedings", "incollection"):
        fields.append(("booktitle", r.journal))
    fields += [("shortjournal", r.journal_abbrev), ("year", str(r.year or ""))]
    fields += [("volume", r.volume), ("number", r.issue), ("pages", r.pages)]
    fields += [("doi", _verbatim(r.doi)), ("pmid", _verbatim(r.pmid))]
    fields += [("pmcid", _verbatim(r.pmcid)), ("abstract", r.abstract)]
    keywords = "; ".join(r.keywords)
    if len(r.keywords) == 1 and "," in keywords:
        keywords += ";"  # one keyword with a comma: the ";" says the comma is not a separator
    fields += [("keywords", keywords)]
    fields += [("mesh", "; ".join(m.descriptor for m in r.mesh_headings))]
    fields += [("pubtype", "; ".join(r.publication_types))]
    fields += [("language", " and ".join(r.languages))]
    what = "Erratum linked to" if row.link_kind == "erratum" else "Duplicate of"
    notes = [f"{what} record {row.duplicate_of}"] if row.duplicate_of is not None else []
    notes += [s.summary() for s in row.stages if s.summary()]
    fields += [("annote", "\n".join(notes))]
    escaped = {"title", "author", "doi", "pmid", "pmcid"}  # made ready above
    body = "".join(
        f"  {name} = {{{value if name in escaped else latex_text(value)}}},\n"
        for name, value in fields
        if value.strip()
    )
    return f"@{kind}{{{citation_key(row)},\n{body}}}\n\n"


def _title(title: str) -> str:
    """Words with capitals braced, as Zotero writes them, so that a bibliography style that
    changes case leaves "COVID-19" and "Crohn's" as they are; readers drop the braces."""
    parts = re.split(r"(\s+)", title)
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # the whitespace between words, as written
            out.append(part)
            continue
        capitals = [ch.isupper() for ch in part]
        protect = any(capitals[1:]) if i == 0 else any(capitals)
        out.append(f"{{{latex_text(part)}}}" if protect else latex_text(part))
    return "".join(out)


def _verbatim(value: str) -> str:
    """Identifiers go as they are (biblatex reads doi verbatim), unless they hold what would
    break the entry."""
    return latex_text(value) if _VERBATIM.search(value) else value


def _authors(authors: tuple[Author, ...]) -> str:
    names = []
    for a in authors:
        if a.collective:  # braced: one name, never split at " and " nor into first and last
            names.append(f"{{{latex_text(a.collective)}}}")
        elif a.fore_name or a.initials:
            names.append(f"{_name_part(a.last_name)}, {_name_part(a.fore_name or a.initials)}")
        elif a.last_name:
            names.append(_name_part(a.last_name))
    return " and ".join(names)


def _name_part(text: str) -> str:
    """A name part, braced when BibTeX would split it wrongly (a comma, or " and " inside)."""
    escaped = latex_text(text)
    if "," in text or re.search(r"\sand\s", text, re.IGNORECASE):
        return f"{{{escaped}}}"
    return escaped
