"""BibTeX and BibLaTeX, as Zotero, JabRef, Mendeley, EndNote and our own export write them.

bibtexparser (v2) splits the file into entries, each with its line; a block it cannot read
(a brace or quote left open, a field without ``=``) or an entry with a field given twice fails
the whole file, naming the line. Values are then resolved as BibTeX does: ``@string`` macros,
month macros (``jan``), ``#`` concatenation, and decoded from LaTeX (``{\\"u}`` is ü, ``\\&``
is &, ``--`` an en dash) by pylatexenc. Text keeps its line breaks; titles are folded to single
spaces, as the RIS reader folds them. Names are split as BibTeX splits them (``von Last, Jr,
First``); a name in braces is one name, a group's when it has no first name.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from review.imports import fields as f
from review.imports.csvrows import FIELD_LIMIT
from review.imports.model import ImportedRecord, fail, reading
from review.progress import Progress, counted
from review.records import AbstractSection, Author, MeshHeading, Record

TYPE_NAMES = {
    "article": "Journal Article", "inproceedings": "Conference Paper",
    "conference": "Conference Paper", "proceedings": "Conference Proceeding",
    "book": "Book", "booklet": "Book", "inbook": "Book Section", "incollection": "Book Section",
    "phdthesis": "Thesis", "mastersthesis": "Thesis", "thesis": "Thesis",
    "techreport": "Report", "report": "Report", "manual": "Manual", "misc": "Generic",
    "unpublished": "Unpublished Work", "online": "Web Page", "electronic": "Web Page",
}  # fmt: skip
_BOOKS = {"book", "booklet", "inbook", "incollection"}
_IN_BOOK = {"inproceedings", "conference", "incollection", "inbook"}
_MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
}  # fmt: skip
# Text macros Zotero and JabRef write that pylatexenc leaves out or gets wrong (it gives U+02C6
# for \textasciicircum and a dot accent for \textperiodcentered)
_MACROS = {
    "textgreater": ">", "textless": "<", "textbar": "|", "textquotedbl": '"',
    "textunderscore": "_", "textbraceleft": "{", "textbraceright": "}", "textpercent": "%",
    "textasciicircum": "^", "textperiodcentered": "\u00b7", "textminus": "\u2212",
    "S": "\u00a7", "P": "\u00b6",
}  # fmt: skip
_VERBATIM = {"doi", "url", "pmid", "pmcid", "eprint", "eprinttype", "issn", "isbn"}
_LATEX = re.compile(r"[\\{}$~%]|--|``|''|[!?]`")
_UNESCAPE = re.compile(r"\\([_%&#$])")
_ENTRY_HEAD = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s}]*)")
_ADVICE = (
    "Fix that entry (a brace or quote left open, a missing comma or '='), or export the file "
    "again from the reference manager; nothing was imported"
)


def read_bibtex(
    text: str, path: str, progress: Progress | None = None
) -> tuple[list[ImportedRecord], list[str]]:
    import bibtexparser
    from bibtexparser import model

    if "\n" not in text and "\r" in text:  # old Mac line ends: bibtexparser counts "\n"
        text = text.replace("\r", "\n")
    library = bibtexparser.parse_string(text, parse_stack=[])
    warnings: list[str] = []
    strings: dict[str, str] = {}
    for macro in library.strings:
        strings[macro.key.lower()] = _resolve(str(macro.value), strings, [])
    out: list[ImportedRecord] = []
    entry: Any
    for block in counted(progress, reading(path), library.blocks, len(library.blocks)):
        if isinstance(block, model.DuplicateBlockKeyBlock):
            entry = block.ignore_error_block
            if not isinstance(entry, model.Entry):  # an @string defined twice: the first holds
                warnings.append(f"line {_line(block)}: @string {block.key!r} is defined again")
                continue
            warnings.append(
                f"line {_line(block)}: the key {block.key!r} is used again (first at line "
                f"{_line(block.previous_block)}); both entries were imported"
            )
        elif isinstance(block, model.DuplicateFieldKeyBlock):
            names = ", ".join(sorted(block.duplicate_keys))
            raise fail(
                path,
                f"line {_line(block)}: the entry {_head(block)[1]!r} gives the field(s) "
                f"{names} twice",
                _ADVICE,
            )
        elif isinstance(block, model.ParsingFailedBlock):
            raise fail(path, _failure(block, text), _ADVICE)
        elif isinstance(block, model.Entry):
            entry = block
        else:
            continue
        record = _record(entry, strings, path, warnings)
        out.append(ImportedRecord(record, len(out) + 1, _line(entry), entry.key))
        if record.year is None:
            warnings.append(f"record {len(out)} (line {_line(entry)}): no year")
    return out, warnings


def _line(block: Any) -> int:
    return (block.start_line or 0) + 1  # bibtexparser counts from 0


def _head(block: Any) -> tuple[str, str]:
    m = _ENTRY_HEAD.match((block.raw or "").lstrip())
    return (m.group(1).lower(), m.group(2)) if m else ("", "")


def _failure(block: Any, text: str) -> str:
    kind, key = _head(block)
    what = f"the @{kind} entry {key!r}" if kind else "an entry"
    error = block.error
    reason = getattr(error, "abort_reason", "") or str(error) or type(error).__name__
    end = getattr(error, "end_index", None)
    where = f" (read up to line {text.count(chr(10), 0, end) + 1})" if end is not None else ""
    return f"line {_line(block)}: {what} cannot be read: {reason.strip()}{where}"


def _record(entry: Any, strings: dict[str, str], path: str, warnings: list[str]) -> Record:
    kind = entry.entry_type.lower()
    raw_values: dict[str, str] = {}
    unknown: list[str] = []
    for field in entry.fields:
        value = _resolve(str(field.value), strings, unknown)
        if len(value) > FIELD_LIMIT:
            raise fail(
                path,
                f"line {(field.start_line or entry.start_line or 0) + 1}: the {field.key} value "
                f"is longer than {FIELD_LIMIT:,} characters, the most one value may hold",
                "Check that entry, or export the file again",
            )
        raw_values[field.key.lower()] = value
    if unknown:
        warnings.append(
            f"line {_line(entry)}: the entry {entry.key!r} uses {', '.join(unknown)}, "
            "defined nowhere in the file (no @string); kept as written"
        )
    v = {k: _verbatim(x) if k in _VERBATIM else _decode(x) for k, x in raw_values.items()}
    journal = v.get("journal") or v.get("journaltitle") or ""
    if not journal and kind in _IN_BOOK:
        journal = v.get("booktitle", "")
    abstract = v.get("abstract", "").strip()
    pubtypes = _split(v.get("pubtype", ""), ";") or [TYPE_NAMES.get(kind, kind.title())]
    notes = " ".join(v.get(k, "") for k in ("note", "annote", "annotation", "extra"))
    keywords = v.get("keywords", "")
    return Record(
        kind="book" if kind in _BOOKS else "article",
        pmid=_pmid(v, notes),
        doi=_doi(v, notes),
        pmcid=f.pmcid_in(v.get("pmcid", "")) or f.pmcid_in(notes),
        title=" ".join(v.get("title", "").split()),
        abstract_sections=(AbstractSection(abstract),) if abstract else (),
        authors=_authors(raw_values.get("author", "")),
        journal=journal.strip(),
        journal_abbrev=(v.get("shortjournal") or v.get("journalabbrev") or "").strip(),
        year=f.year_of(v.get("year", "")) or f.year_of(v.get("date", "")),
        volume=v.get("volume", "").strip(),
        issue=(v.get("number") or v.get("issue") or "").strip(),
        pages=re.sub(r"\s*[\u2013\u2014]\s*", "-", v.get("pages", "").strip()),
        languages=f.unique(_split(v.get("language") or v.get("langid") or "", r"\s+and\s+|[;,]")),
        publication_types=f.unique(pubtypes),
        mesh_headings=tuple(MeshHeading(m) for m in f.unique(_split(v.get("mesh", ""), ";"))),
        keywords=f.unique(_split(keywords, ";" if ";" in keywords else ",")),
        raw=entry.raw or "",
        raw_format="bibtex",
    )


def _split(value: str, separator: str) -> list[str]:
    return [p.strip() for p in re.split(separator, value) if p.strip()]


def _resolve(raw: str, strings: dict[str, str], unknown: list[str]) -> str:
    """A field's value as BibTeX reads it: braced or quoted text, a number, or a macro, joined
    by ``#``."""
    out = []
    for piece in _pieces(raw):
        if piece[:1] in '{"' and len(piece) >= 2:
            out.append(piece[1:-1])
        elif piece.isdigit():
            out.append(piece)
        elif piece.lower() in strings:
            out.append(strings[piece.lower()])
        elif piece.lower() in _MONTHS:
            out.append(_MONTHS[piece.lower()])
        else:
            unknown.append(piece)
            out.append(piece)
    return "".join(out)


def _pieces(raw: str) -> list[str]:
    """The parts of a value between ``#`` signs that are outside braces and quotes."""
    if "#" not in raw:
        return [raw.strip()] if raw.strip() else []
    pieces, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(raw):
        if ch == "\\":
            continue
        if ch == "{" and (i == 0 or raw[i - 1] != "\\"):
            depth += 1
        elif ch == "}" and (i == 0 or raw[i - 1] != "\\"):
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            pieces.append(raw[start:i].strip())
            start = i + 1
    pieces.append(raw[start:].strip())
    return [p for p in pieces if p]


def _verbatim(value: str) -> str:
    """An identifier or link: braces and LaTeX escapes dropped, never decoded (a "%20" in a
    link is no comment)."""
    return _UNESCAPE.sub(r"\1", value).replace("{", "").replace("}", "").strip()


@lru_cache(maxsize=1)
def _decoder():
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        SpecialsTextSpec,
        get_default_latex_context_db,
    )

    context = get_default_latex_context_db()
    context.add_context_category(
        "review-bibtex",
        prepend=True,
        macros=[MacroTextSpec("url", simplify_repl="%s")]
        + [MacroTextSpec(name, simplify_repl=text) for name, text in _MACROS.items()],
        specials=[SpecialsTextSpec("&", "&")],  # a bare & is text here, not a table's column
    )
    return LatexNodes2Text(latex_context=context, keep_braced_groups=False, math_mode="text")


def _decode(value: str) -> str:
    """The text of a LaTeX value. pylatexenc takes ~1 ms per 1,000 characters, so a value whose
    only LaTeX is escaped ``% & _ # $`` (most abstracts, as reference managers write them) is
    unescaped here, which gives the same text."""
    if not _LATEX.search(_UNESCAPE.sub("", value)):
        return _UNESCAPE.sub(r"\1", value)
    return _decoder().latex_to_text(value)


def _authors(raw: str) -> tuple[Author, ...]:
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    authors = []
    for name in split_multiple_persons_names(raw) if raw.strip() else []:
        name = name.strip()
        if name.lower() == "others":  # "and others": et al.
            continue
        if _one_group(name):
            authors.append(Author(collective=" ".join(_decode(name[1:-1]).split())))
            continue
        if "," not in name and f.is_group_name(_decode(name)):
            authors.append(Author(collective=" ".join(_decode(name).split())))
            continue
        parts = parse_single_name_into_parts(name, strict=False)
        last = " ".join(_decode(" ".join(parts.von + parts.last + parts.jr)).split())
        given = f.parse_author(f"_, {_decode(' '.join(parts.first))}")  # its initials read
        if given is not None and (given.fore_name or given.initials):
            authors.append(replace(given, last_name=last))
        elif last:
            authors.append(Author(last_name=last))
    return tuple(authors)


def _one_group(name: str) -> bool:
    """The whole name is one braced group: "{The XYZ Trial Group}"."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(name):
        depth += (ch == "{") - (ch == "}")
        if depth == 0 and i < len(name) - 1:
            return False
    return True


def _doi(v: dict[str, str], notes: str) -> str:
    for value in (v.get("doi", ""), v.get("url", "")):
        if doi := f.bare_doi(value) or f.doi_from_url(value) or f.doi_in(value):
            return doi
    return f.doi_in(notes)


def _pmid(v: dict[str, str], notes: str) -> str:
    if v.get("pmid", "").isdigit():
        return v["pmid"]
    if v.get("eprinttype", "").lower() in ("pubmed", "pmid") and v.get("eprint", "").isdigit():
        return v["eprint"]
    m = re.search(r"\bPMID:?\s*(\d+)", notes)
    return m.group(1) if m else f.pmid_from_url(v.get("url", ""))
