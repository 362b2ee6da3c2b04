"""Read a bibliographic export file (RIS, MEDLINE/nbib, PubMed XML, CSV, Web of Science,
BibTeX) into Records.

A whole file is read or nothing is: a file that is cut off, binary or of an unknown kind raises
ImportFileError naming the file and the line, so a review never silently misses records. The
format is found from the content (extensions lie: Web of Science saves tagged text as ``.ris``)
and each record keeps its own text exactly, so it can be re-read by a better parser later.

This module reads a file whole (``read_file``, ``detect_format``); the readers and their helpers:

- ``model``: what a reader returns (``ParsedFile``, ``ImportedRecord``) and shared text helpers
- ``encoding``: a file's bytes decoded in the encoding it was written in
- ``fields``: normalisers the readers share: names, years, DOIs, pages, identifiers
- ``csvrows``: CSV rows read strictly, each with its line, for every CSV the review reads
- ``ris``, ``medline``, ``pubmedxml``, ``csvfile``, ``wos``, ``bibtex``: one reader per format
  (``bibtex`` loads bibtexparser only when a BibTeX file is read)
- ``sources``: an imported file as the search it was (PRISMA-S): the database the file names
  (``file_source``), the details a lead records (``edit_source``), every source (``list_sources``)
- ``load``: a file imported into a review whole, then checked for duplicates (``import_file``)

``load`` is not re-exported: it calls ``read_file`` from here, so importing it here would be a
cycle.
"""

from __future__ import annotations

import re
from pathlib import Path

from review.imports.bibtex import read_bibtex
from review.imports.csvfile import has_title_column, header_columns, read_csv
from review.imports.encoding import decode
from review.imports.medline import read_nbib
from review.imports.model import ImportedRecord, ParsedFile, bare, fail, split_lines
from review.imports.pubmedxml import read_pubmed_xml
from review.imports.ris import read_ris
from review.imports.wos import read_wos
from review.progress import Progress

__all__ = ["FORMATS", "ImportedRecord", "ParsedFile", "detect_format", "read_file"]

FORMATS = ("ris", "nbib", "pubmed-xml", "csv", "wos", "bibtex")
LABELS = {
    "ris": "RIS",
    "nbib": "PubMed MEDLINE text (nbib)",
    "pubmed-xml": "PubMed XML",
    "csv": "CSV",
    "wos": "Web of Science tagged text",
    "bibtex": "BibTeX",
}
_EXTENSIONS = {
    ".ris": "ris",
    ".nbib": "nbib",
    ".medline": "nbib",
    ".xml": "pubmed-xml",
    ".csv": "csv",
    ".tsv": "csv",
    ".ciw": "wos",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
}
_ADVICE = (
    "Export the references as RIS, PubMed MEDLINE/nbib, PubMed XML, Web of Science "
    "tagged text, BibTeX or CSV with a title column, and import that file"
)


# An entry, a macro or a preamble at the start of a line: "@article{key,", "@String{jn = ...}"
_BIBTEX_ENTRY = re.compile(r"(?im)^[ \t]*@[ \t]*[a-z]+[ \t]*[{(][^\n]*(?:,|=|[})])[ \t\r]*$")


def read_file(
    path: str | Path, *, format: str = "auto", progress: Progress | None = None
) -> ParsedFile:
    """All records of one export file, or ImportFileError saying what is wrong and where;
    ``progress`` is told the step "Reading NAME" (lines or records read)."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise fail(name, "no such file", "Check the file name and folder") from exc
    except OSError as exc:
        raise fail(name, f"the file cannot be read ({exc.strerror})", "Check the path") from exc
    text, encoding, warnings = decode(data, name, _ADVICE)
    if format == "auto":
        fmt = detect_format(text, path)
        expected = _EXTENSIONS.get(Path(path).suffix.lower())
        if expected and expected != fmt:
            warnings.append(
                f"{Path(path).name} has the extension {Path(path).suffix} but holds "
                f"{LABELS[fmt]}: it was read as {fmt}"
            )
    elif format in FORMATS:
        fmt = format
    else:
        raise fail(name, f"unknown import format {format!r}", f"Use one of {', '.join(FORMATS)}")
    if fmt == "pubmed-xml":
        records, notes = read_pubmed_xml(data, name, progress)
    else:
        reader = {
            "ris": read_ris,
            "nbib": read_nbib,
            "csv": read_csv,
            "wos": read_wos,
            "bibtex": read_bibtex,
        }[fmt]
        records, notes = reader(text, name, progress)
    if not records:
        raise fail(name, f"no {LABELS[fmt]} records were found in this file", _ADVICE)
    return ParsedFile(name, fmt, encoding, tuple(records), tuple(warnings + notes))


def detect_format(text: str, path: str | Path | None = None) -> str:
    """The format the content shows; the extension only breaks a tie.

    Raises ImportFileError when the content matches no format we read.
    """
    found = _content_formats(text)
    suffix = Path(path).suffix.lower() if path else ""
    expected = _EXTENSIONS.get(suffix)
    if found:
        return expected if expected in found else found[0]
    if expected == "csv" and len(header_columns(text)) > 1:
        return "csv"  # read_csv then explains that a title column is needed
    if expected == "pubmed-xml" and text.lstrip("\ufeff \t\r\n").startswith("<"):
        return "pubmed-xml"  # the XML reader then says what is wrong with it
    first = next((bare(line).strip() for line in split_lines(text) if line.strip()), "")
    raise fail(
        str(path or "import file"),
        f"the kind of file is not recognised (line 1 starts {first[:60]!r})",
        _ADVICE,
    )


def _content_formats(text: str) -> list[str]:
    found = []
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("<") and re.search(r"<PubmedArticleSet[\s>]", text[:200_000]):
        found.append("pubmed-xml")
    if re.match(r"(?:FN|VR) ", head) or (
        re.match(r"PT [A-Z]\r?$", head.split("\n", 1)[0]) and re.search(r"(?m)^ER\r?$", text)
    ):
        found.append("wos")
    if re.search(r"(?m)^\ufeff?TY  -", text):
        found.append("ris")
    if re.search(r"(?m)^PMID-", text):
        found.append("nbib")
    if not head.startswith("<") and has_title_column(header_columns(head)):
        found.append("csv")
    if _BIBTEX_ENTRY.search(text):
        found.append("bibtex")
    return found
