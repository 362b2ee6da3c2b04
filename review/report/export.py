"""Exporting the report and the PRISMA diagram: the one entry point the Report page,
`review report` and `review prisma` call, so the permission is checked in one place.

Building the report (``review.report.build``) only reads the review; handing it out as a file
is what the permission table reserves for leads. The writer is chosen in the registry
(``review.report.writer_for``) by the format asked for or the file's suffix.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from review.errors import ReviewError
from review.permissions import require
from review.report import writer_for
from review.report.build import build_report
from review.report.flow import PrismaCounts, review_counts
from review.report.prisma import prisma_svg, write_prisma
from review.screening.model import Reviewer

if TYPE_CHECKING:
    from review.store import Store


def write_report(store: Store, path: str | Path, fmt: str | None = None) -> Path:
    """Write the report in the format asked for or named by the suffix (a Markdown report's
    diagram goes beside it). A wrong format fails before the review is read."""
    path = Path(path)
    writer = writer_for(path, fmt)
    report = build_report(store)
    try:
        writer.write(report, path)
    except OSError as exc:
        raise ReviewError(
            f"Cannot write {path}: {exc.strerror or exc}. Check that its folder exists and that "
            "you may write there."
        ) from exc
    return path


def export_report(store: Store, actor: Reviewer, path: str | Path, fmt: str | None = None) -> Path:
    """Write the report as Word, HTML or Markdown (a Markdown report's diagram goes beside it)."""
    require(actor, "export_report")
    return write_report(store, path, fmt)


def export_prisma(store: Store, actor: Reviewer, path: str | Path) -> tuple[Path, PrismaCounts]:
    """Write the PRISMA 2020 diagram (.svg or .png); returns the file and its numbers."""
    require(actor, "export_report")
    counts = review_counts(store)
    return write_prisma(counts, path), counts


def export_prisma_svg(store: Store, actor: Reviewer) -> str:
    """The PRISMA 2020 diagram as SVG text, for a download."""
    require(actor, "export_report")
    return prisma_svg(review_counts(store))
