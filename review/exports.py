"""Exporting the review's records to CSV, RIS and XLSX, duplicates marked rather than dropped.

Each row carries ``record_id`` and ``duplicate_of`` (empty for a primary record), so the export
says exactly what deduplication did and another tool can redo or check it. Spreadsheet cells that
start like a formula are neutralised: an abstract beginning "=HYPERLINK(...)" must stay text.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from review.errors import ReviewError, writing
from review.records import Record

if TYPE_CHECKING:
    from review.store import Store

COLUMNS = (
    "record_id",
    "duplicate_of",
    "sources",
    "original_ids",
    "pmid",
    "doi",
    "pmcid",
    "title",
    "authors",
    "journal",
    "journal_abbrev",
    "year",
    "volume",
    "issue",
    "pages",
    "abstract",
    "keywords",
    "mesh_headings",
    "publication_types",
    "languages",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# RIS reference types for what a record says it is; journal articles are the rest.
_RIS_TYPES = (("conference", "CONF"), ("book", "CHAP"), ("thesis", "THES"), ("report", "RPRT"))


@dataclass(frozen=True)
class ExportRow:
    record_id: int
    duplicate_of: int | None
    sources: tuple[str, ...]
    original_ids: tuple[str, ...]
    record: Record

    def values(self) -> dict[str, str]:
        r = self.record
        return {
            "record_id": str(self.record_id),
            "duplicate_of": "" if self.duplicate_of is None else str(self.duplicate_of),
            "sources": "; ".join(self.sources),
            "original_ids": "; ".join(self.original_ids),
            "pmid": r.pmid,
            "doi": r.doi,
            "pmcid": r.pmcid,
            "title": r.title,
            "authors": "; ".join(_ris_author(a) for a in r.authors),
            "journal": r.journal,
            "journal_abbrev": r.journal_abbrev,
            "year": "" if r.year is None else str(r.year),
            "volume": r.volume,
            "issue": r.issue,
            "pages": r.pages,
            "abstract": r.abstract,
            "keywords": "; ".join(r.keywords),
            "mesh_headings": "; ".join(m.descriptor for m in r.mesh_headings),
            "publication_types": "; ".join(r.publication_types),
            "languages": "; ".join(r.languages),
        }


def export_rows(store: Store) -> Iterator[ExportRow]:
    """Every record as stored; a group's primary with its gaps filled from its duplicates."""
    # the matcher's libraries load when records are exported, not whenever the cell-escaping
    # helpers here are imported (the extraction columns use them)
    from review.dedupe.run import fill_gaps

    provenance = store.record_provenance()
    duplicate_of = store.duplicate_of()
    records = store.records_for_matching()
    members: dict[int, list[Record]] = {}
    by_id = dict(records)
    for member, primary in duplicate_of.items():
        members.setdefault(primary, []).append(by_id[member])
    for record_id, record in records:
        if record_id in members:
            record = fill_gaps(record, members[record_id])
        found = provenance.get(record_id, {"sources": [], "ids": []})
        yield ExportRow(
            record_id,
            duplicate_of.get(record_id),
            tuple(found["sources"]),
            tuple(found["ids"]),
            record,
        )


def neutralise(value: str) -> str:
    """Make a cell that a spreadsheet would run as a formula plain text (OWASP's advice)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A CSV for a download: every text cell neutralised, numbers left as numbers. Every CSV the
    app offers is written here, so none can carry a formula into a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow(
            ["" if v is None else neutralise(v) if isinstance(v, str) else v for v in row]
        )
    return out.getvalue()


def agreement_csv(stage: str, agreed) -> str:
    """The agreement between two reviewers at one stage (a ``review.screening`` Agreement)."""
    return csv_text(
        ["stage", "reviewers", "records", "agreed", "percent", "kappa"],
        [
            [
                stage,
                " & ".join(agreed.reviewers),
                agreed.records,
                agreed.agreed,
                "" if agreed.percent is None else f"{agreed.percent:.1f}",
                "" if agreed.kappa is None else f"{agreed.kappa:.4f}",
            ]
        ],
    )


def export_bytes(store: Store, fmt: str) -> bytes:
    """The records export (CSV, RIS or XLSX) as bytes, for a download button."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"records.{fmt}"
        export(store, path, fmt)
        return path.read_bytes()


def export(store: Store, path: str | Path, fmt: str) -> int:
    """Write every record to ``path``; returns the number of records written."""
    path = Path(path)
    rows = list(export_rows(store))
    writers = {"csv": _write_csv, "ris": _write_ris, "xlsx": _write_xlsx}
    if fmt not in writers:
        raise ReviewError(f"Unknown export format {fmt!r}: use csv, ris or xlsx.")
    with writing(path):
        writers[fmt](rows, path)
    return len(rows)


def _write_csv(rows: list[ExportRow], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: neutralise(v) for k, v in row.values().items()})


def _write_xlsx(rows: list[ExportRow], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("records")
    sheet.append(list(COLUMNS))
    for row in rows:
        values = row.values()
        sheet.append([_cell(neutralise(values[c])) for c in COLUMNS])
    book.save(path)


def _cell(value: str) -> str:
    # Excel refuses control characters in cells; they have no business in bibliographic text.
    return "".join(ch for ch in value if ch >= " " or ch in "\n\t")


def _write_ris(rows: list[ExportRow], path: Path) -> None:
    """RIS as Zotero and EndNote read it: TY first, ER last, one tag per line, CRLF-free UTF-8."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(_ris_record(row))


def _ris_record(row: ExportRow) -> str:
    r = row.record
    kinds = " ".join(r.publication_types).lower()
    ris_type = next((code for word, code in _RIS_TYPES if word in kinds), "JOUR")
    lines = [("TY", ris_type), ("ID", str(row.record_id)), ("TI", r.title)]
    lines += [("AU", _ris_author(a)) for a in r.authors]
    lines += [("T2", r.journal), ("J2", r.journal_abbrev)]
    lines += [("PY", "" if r.year is None else str(r.year))]
    lines += [("VL", r.volume), ("IS", r.issue)]
    first, _, last = r.pages.partition("-")
    lines += [("SP", first), ("EP", last)]
    lines += [("DO", r.doi), ("AN", r.pmid), ("AB", r.abstract)]
    lines += [("KW", k) for k in r.keywords]
    lines += [("KW", m.descriptor) for m in r.mesh_headings]
    lines += [("LA", lang) for lang in r.languages]
    lines += [("DB", s) for s in row.sources]
    if row.duplicate_of is not None:
        lines.append(("N1", f"Duplicate of record {row.duplicate_of}"))
    body = "".join(f"{tag}  - {' '.join(value.split())}\n" for tag, value in lines if value)
    return body + "ER  - \n\n"


def _ris_author(author) -> str:
    if author.collective:
        return author.collective
    return f"{author.last_name}, {author.fore_name or author.initials}".strip(", ")
