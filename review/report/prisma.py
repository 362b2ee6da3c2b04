"""The PRISMA 2020 flow diagram, drawn as SVG or PNG from the numbers of ``review.report.flow``.

The drawing is one layout (boxes, lines of text, arrows, in pixels) rendered twice: by hand as
SVG, so its text stays searchable, editable text, and with matplotlib as PNG. Text is measured
with matplotlib's DejaVu Sans, wider than the usual fallbacks, so it fits its box in both.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from review.errors import ReviewError, writing
from review.report.flow import Flow, PrismaCounts

# -- layout -----------------------------------------------------------------------------------

FONT, LINE, PAD, HANG = 13.0, 17.0, 10.0, 12.0
MARGIN, PHASE_W, PREV_W, MAIN_W, SIDE_W, GAP, ROW_GAP = 16.0, 28.0, 230.0, 310.0, 310.0, 60.0, 34.0
WHITE, BLUE, YELLOW, GREY = "#ffffff", "#c5d9f1", "#ffd966", "#d9d9d9"
FONTS = "DejaVu Sans, Bitstream Vera Sans, Verdana, Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class _Line:
    label: str
    count: int | None = None
    item: bool = False  # indented under the box's first line
    bold: bool = False


@dataclass
class _Shape:
    """A box and its text; text positions are relative to the box, baselines in y."""

    w: float
    h: float
    fill: str = WHITE
    texts: list[tuple[float, float, str, bool, str, bool]] = field(default_factory=list)
    x: float = 0.0  # (x, y, text, bold, anchor, vertical)
    y: float = 0.0


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # never drawn; a tab or newline is a space


@lru_cache(maxsize=8192)
def _width(text: str, bold: bool = False) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal", size=FONT)
    return TextToPath().get_text_width_height_descent(text, prop, ismath=False)[0]


def _wrap(line: _Line, first: float, rest: float) -> list[str]:
    """Greedy word wrap (``first`` wide, then ``rest``); the "(n = ...)" count is one word and an
    over-long word is cut."""
    words = _CONTROL.sub(" ", line.label).split() + (
        [f"(n = {line.count:,})"] if line.count is not None else []
    )
    out: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}" if current else word
        if _width(trial, line.bold) <= (rest if out else first):
            current = trial
            continue
        if current:
            out.append(current)
        while len(word) > 1 and _width(word, line.bold) > (rest if out else first):
            room = rest if out else first
            cut = next((i for i in range(len(word) - 1, 0, -1)
                        if _width(word[:i], line.bold) <= room), 1)  # fmt: skip
            out.append(word[:cut])
            word = word[cut:]
        current = word
    return [*out, current] if current else out or [""]


def _box(lines: list[_Line], width: float, fill: str = WHITE, centre: bool = False) -> _Shape:
    shape = _Shape(width, 0.0, fill)
    room = width - 2 * PAD - 2  # 2 px to spare for rounding and renderers
    y = PAD + FONT * 0.95
    for line in lines:
        indent = HANG if line.item else 0.0
        hang = 0.0 if centre else HANG
        for i, text in enumerate(_wrap(line, room - indent, room - indent - hang)):
            x = width / 2 if centre else PAD + indent + (hang if i else 0.0)
            shape.texts.append((x, y, text, line.bold, "middle" if centre else "start", False))
            y += LINE
    shape.h = y - LINE + FONT * 0.3 + PAD
    return shape


# PRISMA 2020's own words: here, the records left unscreened when the stopping test let
# prioritised screening stop (review.prioritise.certificate)
AUTOMATION = "Records marked as ineligible by automation tools"


def _flow_boxes(flow: Flow) -> list[tuple[_Shape, _Shape | None]]:
    side = [_Line(name, n, item=True) for name, n in flow.sources]
    if len(flow.sources) > 1:
        side.append(_Line("Total", flow.records_identified, item=True))
    screened = [_Line("Records screened", flow.records_screened)]
    if flow.awaiting_screening:
        screened.append(_Line("Records awaiting screening", flow.awaiting_screening))
    assessed = [_Line("Reports assessed for eligibility", flow.reports_assessed)]
    if flow.awaiting_full_text:
        assessed.append(_Line("Reports awaiting assessment", flow.awaiting_full_text))
    reasons = [_Line(reason, n, item=True) for reason, n in flow.reports_excluded]
    reasons.insert(0, _Line("Reports excluded:") if reasons else _Line("Reports excluded", 0))
    return [
        (
            _box([_Line("Records identified from:"), *side], MAIN_W),
            _box(
                [
                    _Line("Records removed before screening:"),
                    _Line("Duplicate records removed", flow.duplicates_removed, item=True),
                    *(
                        [_Line(AUTOMATION, flow.removed_by_automation, item=True)]
                        if flow.removed_by_automation
                        else []
                    ),
                ],
                SIDE_W,
            ),
        ),
        (_box(screened, MAIN_W), _box([_Line("Records excluded", flow.records_excluded)], SIDE_W)),
        (
            _box([_Line("Reports sought for retrieval", flow.reports_sought)], MAIN_W),
            _box([_Line("Reports not retrieved", flow.reports_not_retrieved)], SIDE_W),
        ),
        (_box(assessed, MAIN_W), _box(reasons, SIDE_W)),
    ]


def _layout(c: PrismaCounts):
    """Place the boxes of the PRISMA 2020 template (new review, or updated review when
    ``c.updated``); returns width, height, shapes and arrows (each a list of points)."""
    updated = c.updated and c.new is not None
    prev_x = MARGIN + PHASE_W + 14
    main_x = prev_x + (PREV_W + 30 if updated else 0)
    side_x = main_x + MAIN_W + GAP
    shapes: list[_Shape] = []
    arrows: list[list[tuple[float, float]]] = []

    what = "new studies" if updated else "studies"
    header = _box([_Line(f"Identification of {what} via databases and registers", bold=True)],
                  side_x + SIDE_W - main_x, YELLOW, centre=True)  # fmt: skip
    header.x, header.y = main_x, MARGIN
    shapes.append(header)
    rows = _flow_boxes(c.new if c.new is not None and updated else c)
    if updated:
        old = _box([_Line("Previous studies", bold=True)], PREV_W, GREY, centre=True)
        old.x, old.y, old.h = prev_x, MARGIN, header.h
        shapes.append(old)
        rows.append(
            (
                _box(
                    [
                        _Line("New studies included in review", c.new_studies),
                        _Line("Reports of new included studies", c.new_reports),
                    ],
                    MAIN_W,
                ),
                None,
            )
        )
        rows.append((_box([_Line("Total studies included in review", c.studies_included),
                           _Line("Reports of total included studies", c.reports_included)],
                          MAIN_W), None))  # fmt: skip
        previous = _box(
            [
                _Line("Studies included in previous version of review", c.previous_studies),
                _Line("Reports of studies included in previous version of review",
                      c.previous_reports),
            ],
            PREV_W,
        )  # fmt: skip
    else:
        rows.append((_box([_Line("Studies included in review", c.studies_included),
                           _Line("Reports of included studies", c.reports_included)], MAIN_W),
                     None))  # fmt: skip

    y, spans = header.y + header.h + 18, []
    # the first and last rows must be tall enough for their phase's label, written upright
    tall = {0: _width("Identification", True), len(rows) - 1: _width("Included", True) / 2}
    if not updated:
        tall[len(rows) - 1] *= 2
    for i, (left, right) in enumerate(rows):
        h = max(left.h, right.h if right else 0.0, previous.h if updated and i == 0 else 0.0)
        h = max(h, tall.get(i, 0.0) + 2 * PAD)
        left.x, left.y = main_x, y + (h - left.h) / 2
        shapes.append(left)
        if right is not None:
            right.x, right.y = side_x, y + (h - right.h) / 2
            shapes.append(right)
            arrows.append([(main_x + MAIN_W, y + h / 2), (side_x, y + h / 2)])
        if i:
            above = rows[i - 1][0]
            arrows.append([(main_x + MAIN_W / 2, above.y + above.h), (main_x + MAIN_W / 2, left.y)])
        spans.append((y, h))
        y += h + ROW_GAP
    if updated:
        total = rows[-1][0]
        previous.x, previous.y = prev_x, spans[0][0] + (spans[0][1] - previous.h) / 2
        shapes.append(previous)
        middle, down = total.y + total.h / 2, prev_x + PREV_W / 2
        arrows.append([(down, previous.y + previous.h), (down, middle), (main_x, middle)])

    for name, start, end in (("Identification", 0, 1), ("Screening", 1, 4), ("Included", 4, 99)):
        top = spans[start][0]
        last = spans[min(end, len(spans)) - 1]
        bar = _Shape(PHASE_W, last[0] + last[1] - top, BLUE)
        bar.x, bar.y = MARGIN, top
        bar.texts.append((PHASE_W / 2, bar.h / 2, name, True, "middle", True))
        shapes.append(bar)
    return side_x + SIDE_W + MARGIN, y - ROW_GAP + MARGIN, shapes, arrows


def _arrow(points):
    """The line (stopping at the head's base) and the head's triangle of an arrow."""
    (x0, y0), (x1, y1) = points[-2], points[-1]
    length = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-9)
    dx, dy = (x1 - x0) / length, (y1 - y0) / length
    bx, by = x1 - 9 * dx, y1 - 9 * dy
    head = [(x1, y1), (bx - 4.5 * dy, by + 4.5 * dx), (bx + 4.5 * dy, by - 4.5 * dx)]
    return [*points[:-1], (bx, by)], head


# -- rendering --------------------------------------------------------------------------------

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _f(v: float) -> str:
    return f"{v:.1f}".removesuffix(".0")


def prisma_svg(counts: PrismaCounts) -> str:
    """The diagram as a standalone SVG document (text kept as text, escaped)."""
    width, height, shapes, arrows = _layout(counts)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_f(width)}" height="{_f(height)}" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" font-family="{FONTS}" font-size="{_f(FONT)}">',
        "<title>PRISMA 2020 flow diagram</title>",
        f'<rect width="{_f(width)}" height="{_f(height)}" fill="{WHITE}"/>',
    ]
    for s in shapes:
        rx = 0 if s.fill == WHITE else 6
        out.append(
            f'<g class="box"><rect x="{_f(s.x)}" y="{_f(s.y)}" width="{_f(s.w)}" '
            f'height="{_f(s.h)}" rx="{rx}" fill="{s.fill}" stroke="#000000" stroke-width="1"/>'
        )
        for x, y, text, bold, anchor, vertical in s.texts:
            x, y = s.x + x, s.y + y
            extra = ' font-weight="bold"' if bold else ""
            extra += f' text-anchor="{anchor}"' if anchor != "start" else ""
            if vertical:
                extra += f' dominant-baseline="central" transform="rotate(-90 {_f(x)} {_f(y)})"'
            clean = escape(_NOT_XML.sub("", text))
            out.append(f'<text x="{_f(x)}" y="{_f(y)}"{extra}>{clean}</text>')
        out.append("</g>")
    for points in arrows:
        line, head = _arrow(points)
        path = " ".join(f"{_f(x)},{_f(y)}" for x, y in line)
        out.append(f'<polyline points="{path}" fill="none" stroke="#000000" stroke-width="1.2"/>')
        out.append(f'<polygon points="{" ".join(f"{_f(x)},{_f(y)}" for x, y in head)}"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def prisma_png(counts: PrismaCounts, *, dpi: int = 144) -> bytes:
    """The same layout drawn with matplotlib (Agg, no pyplot: safe in the app's threads)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch, Polygon

    width, height, shapes, arrows = _layout(counts)
    fig = Figure(figsize=(width / 72, height / 72), dpi=72, facecolor=WHITE)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    for s in shapes:
        style = "square,pad=0" if s.fill == WHITE else "round,pad=0,rounding_size=6"
        ax.add_patch(
            FancyBboxPatch((s.x, s.y), s.w, s.h, boxstyle=style, facecolor=s.fill,
                           edgecolor="black", linewidth=1)
        )  # fmt: skip
        for x, y, text, bold, anchor, vertical in s.texts:
            ax.text(
                s.x + x, s.y + y, text, fontsize=FONT, family="DejaVu Sans",
                fontweight="bold" if bold else "normal", parse_math=False,
                ha="center" if anchor == "middle" else "left",
                va="center" if vertical else "baseline",
                rotation=90 if vertical else 0, rotation_mode="anchor",
            )  # fmt: skip
    for points in arrows:
        line, head = _arrow(points)
        ax.plot([p[0] for p in line], [p[1] for p in line], color="black", linewidth=1.2)
        ax.add_patch(Polygon(head, closed=True, facecolor="black", edgecolor="none"))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor=WHITE)
    return buffer.getvalue()


def write_prisma(counts: PrismaCounts, path: str | Path) -> Path:
    """Write the diagram as SVG or PNG, chosen by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise ReviewError(
            f"Cannot write the PRISMA diagram to {path}: give a file name ending in .svg "
            "(editable, for the report) or .png (an image)."
        )
    with writing(path):
        if suffix == ".svg":
            path.write_text(prisma_svg(counts), encoding="utf-8")
        else:
            path.write_bytes(prisma_png(counts))
    return path
