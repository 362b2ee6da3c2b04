"""Which record a line of a decisions file means: its record_id, PMID, DOI or original identifier.

Another tool keeps whatever identifiers the records had when they were given to it: this review's
record_id when the file came from `review export`, a PMID or a DOI, or the identifier the record
had in the file it was imported from (Embase's accession number, a RIS ID). A line is found by the
first of PMID, DOI and original identifier that names a record. One that names no record, or
records of two studies (records not marked as duplicates of each other), is refused with its
line: a decision is never guessed onto a record.

A PMID, DOI or original identifier lands on its duplicate group's primary record, the record the
app screens: a decision made in the app and exported to another tool is then recognised when it
comes back, and skipped as already present. A record_id is taken as given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from review.errors import ImportFileError
from review.imports.fields import bare_doi, doi_from_url, pmid_from_url

if TYPE_CHECKING:
    from review.screening.sheet import Sheet
    from review.store import Store

# The columns a line's record may be named by; pubmed_id is Rayyan's name for the PMID, and a
# url (doi.org or PubMed) gives a DOI or PMID when those cells are empty.
ID_COLUMNS = ("record_id", "pmid", "pubmed_id", "doi", "original_id", "url")
_PMID = re.compile(r"(?:pmid|pubmed)?\s*:?\s*(\d+)(?:\.0+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Named:
    """What one line says about its record."""

    line: int
    record_id: str = ""
    pmid: str = ""
    doi: str = ""  # lower case: DOIs are compared without case
    original_id: str = ""
    file: str = ""  # the imported file an original_id is from, when several files have it
    title: str = ""

    def says(self) -> str:
        given = [
            f"PMID {self.pmid}" if self.pmid else "",
            f"DOI {self.doi}" if self.doi else "",
            f"original identifier {self.original_id}" if self.original_id else "",
        ]
        return " or ".join(g for g in given if g)


def named(sheet: Sheet, line: int, row: dict[str, str]) -> Named:
    """The identifiers in one row, checked: a PMID must be a number ("12345.0", as pandas writes
    a number column with gaps, is 12345), a DOI must be a DOI (a doi.org link is one)."""
    pmid = row.get("pmid") or row.get("pubmed_id") or ""
    column = "pmid" if row.get("pmid") else "pubmed_id"
    if pmid:
        m = _PMID.fullmatch(pmid.strip())
        if not m:
            raise ImportFileError(f"{sheet.at(line, column)}: {pmid!r} is not a PMID.")
        pmid = m.group(1)
    doi = row.get("doi", "")
    if doi:
        doi = bare_doi(doi)
        if not doi:
            raise ImportFileError(f"{sheet.at(line, 'doi')}: {row['doi']!r} is not a DOI.")
    url = row.get("url", "")
    return Named(
        line=line,
        record_id=row.get("record_id", ""),
        pmid=pmid or pmid_from_url(url),
        doi=(doi or doi_from_url(url)).lower(),
        original_id=row.get("original_id", ""),
        file=row.get("file", ""),
        title=row.get("title", ""),
    )


def resolve(
    store: Store, sheet: Sheet, lines: Sequence[Named], *, check_record_ids: bool = False
) -> tuple[dict[int, int], list[str]]:
    """line -> record id for every line, and warnings; ImportFileError naming the first line
    that finds no record or two. ``check_record_ids``: the file's record_id may be another
    tool's own numbering (ASReview numbers the records 0, 1, 2 ... when its dataset had no
    record_id column), so it is used only if every line's record exists and has the line's
    title; otherwise the column is set aside, with a warning, and the lines found by their
    other identifiers."""
    found: dict[int, int] = {}
    warnings: list[str] = []
    aside = ""
    given = [n for n in lines if n.record_id]
    if given and check_record_ids:
        doubt = _not_this_reviews(store, sheet, given)
        if doubt:
            aside = f" (the file's record_id is not this review's: {doubt})"
            warnings.append(
                f"the record_id column is not this review's ({doubt}): it is the other tool's "
                "own numbering, so records were found by PMID, DOI or original identifier."
            )
            given = []
    elif given:
        _refuse_unknown_record_ids(store, sheet, given)
    found.update((n.line, int(n.record_id)) for n in given)
    rest = [n for n in lines if n.line not in found]
    if rest:
        found.update(_by_identifiers(store, sheet, rest, aside))
    return found, warnings


def _refuse_unknown_record_ids(store: Store, sheet: Sheet, given: Sequence[Named]) -> None:
    ids = [int(n.record_id) for n in given]
    unknown = set(ids) - store.existing_record_ids(ids)
    if unknown:
        first = next(n for n in given if int(n.record_id) in unknown)
        raise ImportFileError(
            f"{sheet.at(first.line, 'record_id')}: no record {first.record_id} in this review "
            f"({len(unknown)} unknown ids). Use the record_id of `review export`."
        )


def _not_this_reviews(store: Store, sheet: Sheet, given: Sequence[Named]) -> str:
    """Why the file's record_id column cannot be this review's, or "" if it can be."""
    for n in given:
        if not n.record_id.isdigit():
            return f"{sheet.unit} {n.line} has {n.record_id!r}"
    titles = store.record_titles(int(n.record_id) for n in given)
    for n in given:
        number = int(n.record_id)
        if number not in titles:
            return f"{sheet.unit} {n.line} has {number}, and this review has no record {number}"
        if n.title and titles[number] and _folded(n.title) != _folded(titles[number]):
            return (
                f"{sheet.unit} {n.line} has {number}, titled {_short(n.title)!r} in the file "
                f"but {_short(titles[number])!r} here"
            )
    return ""


def _by_identifiers(
    store: Store, sheet: Sheet, lines: Sequence[Named], aside: str
) -> dict[int, int]:
    pmids = store.records_with_pmids(n.pmid for n in lines if n.pmid)
    dois = store.records_with_dois(n.doi for n in lines if n.doi)
    originals = store.records_with_original_ids(n.original_id for n in lines if n.original_id)
    primary = store.duplicate_of()
    found: dict[int, int] = {}
    missing: list[Named] = []
    for n in lines:
        if not n.says():
            raise ImportFileError(
                f"{sheet.at(n.line)}: nothing names the record: no record_id, pmid, doi or "
                f"original_id{aside}. Fill one in, or leave the line out."
            )
        in_file = [(r, f) for r, f in originals.get(n.original_id, []) if _same_file(f, n.file)]
        for column, value, matches in (
            ("pmid", n.pmid, [(r, "") for r in pmids.get(n.pmid, [])]),
            ("doi", n.doi, [(r, "") for r in dois.get(n.doi, [])]),
            ("original_id", n.original_id, in_file),
        ):
            if not value:
                continue
            units = sorted({primary.get(r, r) for r, _file in matches})
            if len(units) > 1:
                raise _ambiguous(sheet, n.line, column, value, matches)
            if units:
                found[n.line] = units[0]
                break
        else:
            missing.append(n)
    if missing:
        first = missing[0]
        where = f" in {first.file}" if first.original_id and first.file else ""
        raise ImportFileError(
            f"{sheet.at(first.line)}: no record in this review has {first.says()}{where} "
            f"({len(missing)} {sheet.unit}s name records the review does not hold{aside}). "
            "Import those records first, or give the lines the record_id of `review export`."
        )
    return found


def _ambiguous(
    sheet: Sheet, line: int, column: str, value: str, matches: list[tuple[int, str]]
) -> ImportFileError:
    records = ", ".join(f"{r} ({f})" if f else str(r) for r, f in sorted(set(matches)))
    advice = (
        "Add a file column naming the file it is from, or give the line"
        if column == "original_id"
        else "If they are one study, mark them duplicates (`review duplicates`); otherwise give "
        "the line"
    )
    return ImportFileError(
        f"{sheet.at(line, column)}: {value} names records {records}, which are not marked as "
        f"duplicates of each other, so which one is meant is not known. {advice} the record_id "
        "of `review export`. Nothing was imported."
    )


def _same_file(stored: str, given: str) -> bool:
    return not given or stored.casefold() == given.strip().casefold()


def _folded(title: str) -> str:
    return "".join(ch for ch in title.casefold() if ch.isalnum())


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
