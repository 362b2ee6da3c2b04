"""Exporting the report and the PRISMA diagram: the one entry point the Report page,
`review report` and `review prisma` call, so the permission is checked in one place.

Building the report (``review.report.document``) only reads the review; handing it out as a file
is what the permission table reserves for leads.
"""

from __future__ import annotations

from pathlib import Path

from review.permissions import require
from review.report.document import write_report
from review.report.prisma import PrismaCounts, prisma_svg, review_counts, write_prisma
from review.screening.model import Reviewer


def export_report(store, actor: Reviewer, path: str | Path, fmt: str | None = None) -> Path:
    """Write the report as Word, HTML or Markdown (a Markdown report's diagram goes beside it)."""
    require(actor, "export_report")
    return write_report(store, path, fmt)


def export_prisma(store, actor: Reviewer, path: str | Path) -> tuple[Path, PrismaCounts]:
    """Write the PRISMA 2020 diagram (.svg or .png); returns the file and its numbers."""
    require(actor, "export_report")
    counts = review_counts(store)
    return write_prisma(counts, path), counts


def export_prisma_svg(store, actor: Reviewer) -> str:
    """The PRISMA 2020 diagram as SVG text, for a download."""
    require(actor, "export_report")
    return prisma_svg(review_counts(store))
