"""Exporting the report and the PRISMA diagram: the one entry point the Report page,
`review report` and `review prisma` call, so the permission is checked in one place.

Building the report (``review.report.build``) only reads the review; handing it out as a file
is what the permission table reserves for leads. The writer is chosen in the registry
(``review.report.writer_for``) by the format asked for or the file's suffix.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from review.errors import writing
from review.permissions import require
from review.progress import Progress, Tally
from review.report import writer_for
from review.report.build import build_report
from review.report.flow import PrismaCounts, review_counts
from review.report.prisma import prisma_svg, write_prisma
from review.screening.model import Reviewer

if TYPE_CHECKING:
    from review.store import Store


def write_report(
    store: Store,
    path: str | Path,
    fmt: str | None = None,
    *,
    author: str = "",
    progress: Progress | None = None,
) -> Path:
    """Write the report in the format asked for or named by the suffix (a Markdown report's
    diagram goes beside it). A wrong format fails before the review is read. ``author`` is
    who exported it, which a Word file's properties name. ``progress`` is told "Gathering the
    report", then "Writing NAME" (one part: a writer takes the report whole)."""
    path = Path(path)
    writer = writer_for(path, fmt)
    report = replace(build_report(store, progress=progress), author=author)
    tally = Tally(progress, f"Writing {path.name}", 1)
    with writing(path):
        writer.write(report, path)
    tally.end()
    return path


def export_report(
    store: Store,
    actor: Reviewer,
    path: str | Path,
    fmt: str | None = None,
    *,
    progress: Progress | None = None,
) -> Path:
    """Write the report as Word, HTML or Markdown (a Markdown report's diagram goes beside it)."""
    require(actor, "export_report")
    return write_report(store, path, fmt, author=actor.name, progress=progress)


def report_file_name(title: str, suffix: str) -> str:
    """A safe file name from the review's title: "cryoablation-of-peripheral-neuroma.docx"
    (ASCII letters, digits and hyphens, at most 80 characters cut at a word; "report" when the
    title has none)."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.replace("'", "").lower())
    name = ""
    for word in words:
        if len(name) + len(word) + 1 > 80:
            break
        name = f"{name}-{word}" if name else word
    return f"{name or 'report'}{suffix}"


def export_prisma(store: Store, actor: Reviewer, path: str | Path) -> tuple[Path, PrismaCounts]:
    """Write the PRISMA 2020 diagram (.svg or .png); returns the file and its numbers."""
    require(actor, "export_report")
    counts = review_counts(store)
    return write_prisma(counts, path), counts


def export_prisma_svg(store: Store, actor: Reviewer) -> str:
    """The PRISMA 2020 diagram as SVG text, for a download."""
    require(actor, "export_report")
    return prisma_svg(review_counts(store))
