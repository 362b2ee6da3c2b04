"""Read a bibliographic export file (RIS, MEDLINE/nbib, PubMed XML, CSV, Web of Science) into
Records.

A whole file is read or nothing is: a file that is cut off, binary or of an unknown kind raises
ImportFileError naming the file and the line, so a review never silently misses records. The
format is found from the content (extensions lie: Web of Science saves tagged text as ``.ris``)
and each record keeps its own text exactly, so it can be re-read by a better parser later.
"""

from __future__ import annotations

import re
from pathlib import Path

from review.imports.csvfile import has_title_column, header_columns, read_csv
from review.imports.medline import read_nbib
from review.imports.model import ImportedRecord, ParsedFile, bare, fail, split_lines
from review.imports.pubmedxml import read_pubmed_xml
from review.imports.ris import read_ris
from review.imports.wos import read_wos

__all__ = ["FORMATS", "ImportedRecord", "ParsedFile", "detect_format", "read_file"]

FORMATS = ("ris", "nbib", "pubmed-xml", "csv", "wos")
LABELS = {
    "ris": "RIS",
    "nbib": "PubMed MEDLINE text (nbib)",
    "pubmed-xml": "PubMed XML",
    "csv": "CSV",
    "wos": "Web of Science tagged text",
}
_EXTENSIONS = {
    ".ris": "ris",
    ".nbib": "nbib",
    ".medline": "nbib",
    ".xml": "pubmed-xml",
    ".csv": "csv",
    ".tsv": "csv",
    ".ciw": "wos",
}
_ADVICE = (
    "Export the references as RIS, PubMed MEDLINE/nbib, PubMed XML, Web of Science "
    "tagged text or CSV with a title column, and import that file"
)
_CONTROL = set(range(0, 9)) | set(range(14, 32)) | {127}


def read_file(path: str | Path, *, format: str = "auto") -> ParsedFile:
    """All records of one export file, or ImportFileError saying what is wrong and where."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise fail(name, "no such file", "Check the file name and folder") from exc
    except OSError as exc:
        raise fail(name, f"the file cannot be read ({exc.strerror})", "Check the path") from exc
    text, encoding, warnings = _decode(data, name)
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
        records, notes = read_pubmed_xml(data, name)
    else:
        reader = {"ris": read_ris, "nbib": read_nbib, "csv": read_csv, "wos": read_wos}[fmt]
        records, notes = reader(text, name)
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
    return found


def _decode(data: bytes, path: str) -> tuple[str, str, list[str]]:
    """Text, the encoding it was read with, and a warning if it was not UTF-8."""
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise fail(path, f"the file is empty ({len(data)} bytes, no text)", _ADVICE)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise fail(path, "the file is UTF-16 text (line 1)", "Save it as UTF-8 and import again")
    kind = {b"\x1f\x8b": "gzip-compressed", b"PK": "a zip archive"}.get(data[:2])
    if kind:
        raise fail(path, f"the file is {kind}, not text (line 1)", "Unpack it and import the file")
    sample = data[:8192]
    nul = data.find(b"\x00")
    if nul >= 0 or sum(b in _CONTROL for b in sample) > len(sample) // 10:
        at = nul if nul >= 0 else next(i for i, b in enumerate(sample) if b in _CONTROL)
        line = data.count(b"\n", 0, at) + 1
        raise fail(path, f"this is a binary file, not text (binary data at line {line})", _ADVICE)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        warning = f"read as latin-1: not valid UTF-8 at line {line}"
        return data.decode("latin-1"), "latin-1", [warning]
    if text.startswith("\ufeff"):
        return text[1:], "utf-8-sig", []
    return text, "utf-8", []
