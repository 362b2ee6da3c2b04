"""The one entry point: the records an export holds, filtered, written in the format asked for.

Anyone may export, as anyone may download the records from the Records page; what of the
screening a reviewer sees follows the blinding of the screening pages (see
``review.exports.decisions``).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from review.errors import ReviewError, writing
from review.exports.bibtex import write_bibtex
from review.exports.ris import write_ris
from review.exports.rows import export_rows
from review.exports.tables import CutCell, write_csv, write_xlsx
from review.progress import Progress, counted
from review.screening.decisions import stage_view
from review.screening.model import STAGE_LABELS, Reviewer

if TYPE_CHECKING:
    from review.store import Store

FORMATS = ("csv", "xlsx", "ris", "bibtex")
_WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "ris": write_ris, "bibtex": write_bibtex}


@dataclass(frozen=True)
class ExportResult:
    path: str
    format: str
    records: int
    stage: str | None = None
    decision: str | None = None
    primary_only: bool = False
    blinded: bool = False  # a reviewer's own votes only, as the screening pages show them
    cut: tuple[CutCell, ...] = field(default=())  # XLSX cells cut to Excel's limit

    def summary(self) -> str:
        """What was written, then one line per flag: ``review export`` prints it."""
        kept = []
        if self.stage is not None:
            label = STAGE_LABELS[self.stage]
            kept.append(f"{label} {self.decision}" if self.decision else f"at {label}")
        if self.primary_only:
            kept.append("primary records only")
        text = f"{self.path}: {self.records:,} record{'' if self.records == 1 else 's'}"
        text += f" ({', '.join(kept)})." if kept else "."
        if self.blinded:
            text += (
                "\n  Screening columns hold your own votes and leads' resolutions only "
                "(dual screening is blind); a lead's export has every vote."
            )
        if self.cut:
            where = ", ".join(f"record {c.record_id} {c.column} ({c.length:,})" for c in self.cut)
            text += (
                f"\n  Warning: {len(self.cut)} cell(s) longer than Excel's 32,767 characters "
                f"were cut in the workbook and marked in its truncated column: {where}. "
                "The CSV export keeps them whole."
            )
        return text


def export(
    store: Store,
    path: str | Path,
    fmt: str,
    *,
    viewer: Reviewer | None = None,
    stage: str | None = None,
    decision: str | None = None,
    primary_only: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the records to ``path`` (see ``export_rows`` for the filters); ``viewer`` is who
    exports (None: the review as a whole, every vote shown). ``progress`` is told the steps
    "Gathering the records" and "Writing NAME" (see review.progress)."""
    path = Path(path)
    if fmt not in _WRITERS:
        raise ReviewError(f"Unknown export format {fmt!r}: use {', '.join(FORMATS)}.")
    gathered = export_rows(store, viewer, stage=stage, decision=decision, primary_only=primary_only)
    rows = list(counted(progress, "Gathering the records", gathered, every=500))
    with writing(path):
        cut = _WRITERS[fmt](rows, path, progress)
    return ExportResult(
        path=str(path),
        format=fmt,
        records=len(rows),
        stage=stage,
        decision=decision,
        primary_only=primary_only,
        blinded=stage_view(store, viewer, "title_abstract").blinded,
        cut=tuple(cut),
    )


def export_bytes(store: Store, fmt: str, viewer: Reviewer | None = None) -> bytes:
    """The records export as bytes, for a download button."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"records.{fmt}"
        export(store, path, fmt, viewer=viewer)
        return path.read_bytes()
