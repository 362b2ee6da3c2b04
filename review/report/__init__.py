"""The NICE-style overview report and the PRISMA diagram, built from a review database.

The parts, each depending only on those before it:

- ``model``: the types: the ``Report``, the blocks it is laid out in, a ``Writer``
- ``flow``: the PRISMA 2020 numbers of a review (``prisma_counts``)
- ``prisma``: the PRISMA diagram drawn as SVG or PNG
- ``summary``: the efficacy and safety summaries, drafted and edited
- ``sources``: the literature search as run (PRISMA-S): every source, its dates and runs
- ``build``: the report gathered from the store (``build_report``)
- ``layout``: the report as headings, paragraphs, tables and images
- ``docx``, ``html``, ``markdown``: the writers, blocks to a file
- ``export``: the one entry point, permission checked (``export_report``, ``export_prisma``)

``export`` is not re-exported: it chooses its writer here, so importing it here would be a cycle.

This module is the registry of writers, the way datasette registers output renderers: a format
name and file suffixes map to one write function, and the CLI, the Report page and ``export``
all choose a writer here (``review report -o overview.html`` picks HTML by its suffix).
"""

from __future__ import annotations

from pathlib import Path

from review.errors import ReviewError
from review.report import docx, html, markdown
from review.report.build import build_report
from review.report.flow import PrismaCounts, prisma_counts
from review.report.model import Report, Writer

__all__ = [
    "PrismaCounts",
    "Report",
    "Writer",
    "build_report",
    "formats",
    "prisma_counts",
    "register_writer",
    "writer_for",
    "writers",
]

_WRITERS: dict[str, Writer] = {}


def register_writer(writer: Writer) -> Writer:
    """Add a format (a later writer of the same name replaces the earlier one)."""
    _WRITERS[writer.name] = writer
    return writer


def writers() -> tuple[Writer, ...]:
    """Every format, in the order registered (Word, HTML, Markdown first)."""
    return tuple(_WRITERS.values())


def formats() -> tuple[str, ...]:
    return tuple(_WRITERS)


def writer_for(path: str | Path, fmt: str | None = None) -> Writer:
    """The writer ``fmt`` names, else the one the file's suffix names; anything else is an
    error that lists the formats."""
    suffix = Path(path).suffix.lower()
    by_suffix = {s: w for w in _WRITERS.values() for s in w.suffixes}
    if fmt is None and suffix in by_suffix:
        return by_suffix[suffix]
    chosen = (fmt or suffix).lower().lstrip(".")
    if chosen in _WRITERS:
        return _WRITERS[chosen]
    what = f"the format {chosen!r}" if chosen else f"{Path(path).name} (it has no suffix)"
    names = formats()
    ends = [w.suffixes[0] for w in _WRITERS.values()]
    raise ReviewError(
        f"Cannot write a report as {what}: choose one of {', '.join(names)} "
        f"(with --format, or a file name ending in {', '.join(ends[:-1])} or {ends[-1]})."
    )


for _writer in (docx.WRITER, html.WRITER, markdown.WRITER):
    register_writer(_writer)
